// spec/12 Deployments: the history (left, filtered by state) and the selected deployment
// (right: report, execute, rollback, history, comments); a new deployment with an entity
// picker; config as code (export / import with a dry run). The selection is in the URL (?id=).
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Add from '@mui/icons-material/Add';
import { DEPLOYMENT_STATES, deploymentsApi } from '../../../api/configuration';
import type { Deployment, DeploymentState } from '../../../api/configuration';
import { api } from '../../../api';
import type { User } from '../../../api/types';
import { Can, usePermissions } from '../../../auth/permissions';
import { EmptyState } from '../../../components/EmptyState';
import { formatTime } from '../../../components/format';
import { PageHeader } from '../../../components/PageHeader';
import { useAuth } from '../../../auth/AuthContext';
import { useScopedKey } from '../../../state/scope';
import { ConfigAsCodeCard } from './ConfigAsCodeCard';
import { CreateDeploymentDialog } from './CreateDeploymentDialog';
import { DeploymentDetail, STATE_CHIP } from './DeploymentDetail';
import { QueryStates } from '../../../components/QueryStates';

function useActorNames(): (id: string) => string {
  const { can } = usePermissions();
  const { me: user } = useAuth();
  const users = useQuery({
    queryKey: ['users', 'names'],
    queryFn: () => api.get<User[] | { users: User[] }>('/api/users'),
    enabled: can('users:read'),
    staleTime: 60_000,
  });
  const list = Array.isArray(users.data) ? users.data : (users.data?.users ?? []);
  return (id: string) => {
    if (user && id === user.id) return `${user.name} (you)`;
    return list.find((u) => u.id === id)?.name ?? id;
  };
}

export function DeploymentsPage() {
  const [params, setParams] = useSearchParams();
  const [state, setState] = useState<DeploymentState | ''>('');
  const [creating, setCreating] = useState(false);
  const deployments = useQuery({
    queryKey: useScopedKey('deployments', state),
    queryFn: () => deploymentsApi.list(state || undefined),
  });
  const actorName = useActorNames();
  const selectedId = params.get('id') ?? deployments.data?.[0]?.id ?? null;
  const select = (d: Deployment) => setParams({ id: d.id });

  return (
    <>
      <PageHeader
        title="Deployments"
        description="Promote configuration between environments with a change report first and an exact rollback."
        actions={
          <Can permission="deployments:create" mode="disable">
            <Button variant="contained" startIcon={<Add />} onClick={() => setCreating(true)}>
              New deployment
            </Button>
          </Can>
        }
      />
      <Box sx={{ display: 'grid', gap: 3, gridTemplateColumns: { xs: '1fr', md: '320px minmax(0, 1fr)' }, alignItems: 'start' }}>
        <Paper variant="outlined" component="section" aria-label="Deployment history">
          <Box sx={{ p: 2, pb: 1 }}>
            <TextField
              select
              fullWidth
              label="State"
              value={state}
              onChange={(e) => setState(e.target.value as DeploymentState | '')}
              slotProps={{ select: { native: true }, inputLabel: { shrink: true } }}
            >
              <option value="">All states</option>
              {DEPLOYMENT_STATES.map((s) => (
                <option key={s} value={s}>
                  {STATE_CHIP[s].label}
                </option>
              ))}
            </TextField>
          </Box>
          <QueryStates
            query={deployments}
            loading="Loading deployments…"
            errorTitle="Could not load deployments"
            isEmpty={(deploymentsData) => deploymentsData.length === 0}
            empty={<EmptyState title={state ? 'No deployment in this state' : 'No deployments yet'} description="Create one to promote configuration." />}
          >
            {(deploymentsData) => (
              <List dense aria-label="Deployments" sx={{ maxHeight: 640, overflowY: 'auto' }}>
                {deploymentsData.map((d) => (
                  <li key={d.id}>
                    <ListItemButton selected={d.id === selectedId} aria-current={d.id === selectedId ? 'true' : undefined} onClick={() => select(d)}>
                      <ListItemText
                        primary={d.name || d.id}
                        secondary={`${d.sourceEnvironment ?? 'import'} → ${d.targetEnvironment} · ${formatTime(d.createdAt)}`}
                      />
                      <Chip size="small" color={STATE_CHIP[d.state]?.color ?? 'default'} label={STATE_CHIP[d.state]?.label ?? d.state} sx={{ ml: 1 }} />
                    </ListItemButton>
                  </li>
                ))}
              </List>
            )}
          </QueryStates>
        </Paper>
        {selectedId ? (
          <DeploymentDetail key={selectedId} id={selectedId} actorName={actorName} onDeleted={() => setParams({})} />
        ) : (
          <Paper variant="outlined">
            <EmptyState title="No deployment selected" description="Pick one on the left, or create a new deployment." />
          </Paper>
        )}
      </Box>
      <ConfigAsCodeCard onImported={select} />
      <CreateDeploymentDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(d) => {
          setCreating(false);
          void deployments.refetch();
          select(d);
        }}
      />
    </>
  );
}
