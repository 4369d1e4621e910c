import Chip from '@mui/material/Chip';
import type { Environment } from '../api/storage';

// spec/11: development blue, staging orange, production green. Shades dark enough for white
// text to keep a 4.5:1 contrast.
export const ENVIRONMENT_COLORS: Record<Environment, string> = {
  development: '#1565c0',
  staging: '#b54708',
  production: '#2e7d32',
};

export const ENVIRONMENT_LABELS: Record<Environment, string> = {
  development: 'Development',
  staging: 'Staging',
  production: 'Production',
};

export function EnvironmentBadge({ environment, size = 'small' }: { environment: Environment; size?: 'small' | 'medium' }) {
  return (
    <Chip
      size={size}
      label={ENVIRONMENT_LABELS[environment]}
      sx={{ bgcolor: ENVIRONMENT_COLORS[environment], color: '#fff', fontWeight: 600 }}
    />
  );
}
