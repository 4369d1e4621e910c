// AppBar controls: the application selector (GET /api/applications) and the environment
// switcher with its colour badge. Both change the headers of every following request.
import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { applicationsApi } from '../api/endpoints';
import { ENVIRONMENTS, isEnvironment } from '../api/storage';
import { usePermissions } from '../auth/permissions';
import { ENVIRONMENT_COLORS, ENVIRONMENT_LABELS, EnvironmentBadge } from '../components/EnvironmentBadge';
import { useScope } from '../state/scope';

export function ApplicationSelector() {
  const { applicationId, setApplicationId } = useScope();
  const { can } = usePermissions();
  const allowed = can('applications:read');
  const apps = useQuery({ queryKey: ['applications'], queryFn: applicationsApi.list, enabled: allowed, staleTime: 30_000 });

  // A selection that no longer exists (deleted application) falls back to the first one.
  useEffect(() => {
    const list = apps.data;
    if (list && list.length > 0 && !list.some((a) => a.id === applicationId)) setApplicationId(list[0].id);
  }, [apps.data, applicationId, setApplicationId]);

  if (!allowed || !apps.data) {
    return (
      <Typography variant="body2" color="text.secondary" aria-label="Application">
        {applicationId}
      </Typography>
    );
  }
  return (
    <TextField
      select
      id="application-selector"
      label="Application"
      value={apps.data.some((a) => a.id === applicationId) ? applicationId : ''}
      onChange={(e) => setApplicationId(e.target.value)}
      sx={{ minWidth: 180 }}
    >
      {apps.data.map((a) => (
        <MenuItem key={a.id} value={a.id}>
          {a.name}
        </MenuItem>
      ))}
    </TextField>
  );
}

export function EnvironmentSwitcher() {
  const { environment, setEnvironment } = useScope();
  return (
    <TextField
      select
      id="environment-switcher"
      label="Environment"
      value={environment}
      onChange={(e) => isEnvironment(e.target.value) && setEnvironment(e.target.value)}
      sx={{ minWidth: 170 }}
      slotProps={{ select: { renderValue: (v) => (isEnvironment(v) ? <EnvironmentBadge environment={v} /> : String(v)) } }}
    >
      {ENVIRONMENTS.map((env) => (
        <MenuItem key={env} value={env}>
          <Box
            component="span"
            aria-hidden
            sx={{ width: 10, height: 10, borderRadius: '50%', bgcolor: ENVIRONMENT_COLORS[env], mr: 1.5, display: 'inline-block' }}
          />
          {ENVIRONMENT_LABELS[env]}
        </MenuItem>
      ))}
    </TextField>
  );
}
