import Chip from '@mui/material/Chip';

/** A delivery's status: delivered green, dead red, retrying / pending neutral. */
export function StatusChip({ status }: { status: string }) {
  const color = status === 'delivered' ? 'success' : status === 'dead' ? 'error' : 'default';
  return (
    <Chip
      size="small"
      color={color}
      label={status}
      // White on the dark theme's light red is under 4.5:1: dark text there.
      sx={(t) => (t.palette.mode === 'dark' && color === 'error' ? { color: 'rgba(0, 0, 0, 0.87)' } : {})}
    />
  );
}
