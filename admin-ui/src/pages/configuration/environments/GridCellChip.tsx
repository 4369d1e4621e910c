// One cell of the environment grid: colour AND text (synced / newer / missing), clickable.
import Chip from '@mui/material/Chip';
import CheckCircleOutline from '@mui/icons-material/CheckCircleOutline';
import ErrorOutline from '@mui/icons-material/ErrorOutline';
import WarningAmber from '@mui/icons-material/WarningAmber';
import type { GridCell } from '../../../api/configuration';

// Background and text with at least 4.5:1 contrast in light and dark mode.
export const CELL_STYLE = {
  green: { bg: '#2e7d32', fg: '#fff', icon: <CheckCircleOutline fontSize="small" /> },
  yellow: { bg: '#f9c74f', fg: '#1a1a1a', icon: <WarningAmber fontSize="small" /> },
  red: { bg: '#c62828', fg: '#fff', icon: <ErrorOutline fontSize="small" /> },
} as const;

export const STATE_TEXT: Record<GridCell['state'], string> = {
  synced: 'Synced',
  newer: 'Update available',
  missing: 'Missing',
};

export function cellText(cell: GridCell): string {
  const v = cell.version !== undefined && cell.version !== null ? ` · v${cell.version}` : '';
  return `${STATE_TEXT[cell.state]}${cell.state === 'missing' ? '' : v}`;
}

export function GridCellChip({ cell, label, onClick }: { cell: GridCell; label: string; onClick: () => void }) {
  const s = CELL_STYLE[cell.color];
  return (
    <Chip
      size="small"
      icon={s.icon}
      label={cellText(cell)}
      onClick={onClick}
      aria-label={`${label}: ${cellText(cell)}. Show details`}
      data-color={cell.color}
      data-state={cell.state}
      sx={{ bgcolor: s.bg, color: s.fg, fontWeight: 600, '& .MuiChip-icon': { color: s.fg }, '&:hover': { bgcolor: s.bg, filter: 'brightness(0.92)' } }}
    />
  );
}
