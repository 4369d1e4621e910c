import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';

/** A labelled, scrollable, keyboard-focusable block of pretty-printed JSON. */
export function JsonBlock({ label, value, maxHeight = 320 }: { label: string; value: unknown; maxHeight?: number }) {
  return (
    <Box>
      <Typography variant="subtitle2" component="p" sx={{ mb: 0.5 }}>
        {label}
      </Typography>
      <Box
        component="pre"
        tabIndex={0}
        aria-label={label}
        sx={{
          m: 0,
          p: 1.5,
          maxHeight,
          overflow: 'auto',
          borderRadius: 1,
          bgcolor: 'action.hover',
          fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace',
          fontSize: 13,
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-word',
        }}
      >
        {JSON.stringify(value, null, 2)}
      </Box>
    </Box>
  );
}
