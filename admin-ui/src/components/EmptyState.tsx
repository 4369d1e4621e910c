import type { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import InboxOutlined from '@mui/icons-material/InboxOutlined';

/** What a list shows when it has nothing: a title, a hint and an optional action. */
export function EmptyState(props: { title: string; description?: ReactNode; action?: ReactNode; icon?: ReactNode }) {
  return (
    <Box sx={{ textAlign: 'center', py: 6, px: 2, color: 'text.secondary' }}>
      <Box aria-hidden sx={{ fontSize: 40, mb: 1, '& svg': { fontSize: 'inherit' } }}>
        {props.icon ?? <InboxOutlined />}
      </Box>
      <Typography component="p" variant="subtitle1" color="text.primary" sx={{ fontWeight: 600 }}>
        {props.title}
      </Typography>
      {props.description && (
        <Typography component="div" variant="body2" sx={{ mt: 0.5 }}>
          {props.description}
        </Typography>
      )}
      {props.action && <Box sx={{ mt: 2 }}>{props.action}</Box>}
    </Box>
  );
}
