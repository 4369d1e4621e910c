// Batch promotion of the selected grid rows: the resulting deployment, or the change report's
// blockers on a 409.
import { useEffect, useId, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { useMutation } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { deploymentsApi, reportOf } from '../../../api/configuration';
import type { Deployment, GridEntity } from '../../../api/configuration';
import { errorMessage } from '../../../api/client';
import { ENVIRONMENTS } from '../../../api/storage';
import type { Environment } from '../../../api/storage';
import { ENVIRONMENT_LABELS } from '../../../components/EnvironmentBadge';
import { ReportTable } from '../deployments/ReportTable';
import { dangerButtonSx } from '../danger';

interface Outcome {
  deployment?: Deployment;
  error?: unknown;
}

/**
 * One type: POST /api/environments/promote. Several types (a topic with its schema): one
 * deployment of them all, executed (execute reports first), since promoting them type by type
 * would block each on the other.
 */
async function promoteAll(entities: GridEntity[], from: Environment, to: Environment): Promise<Deployment> {
  const types = [...new Set(entities.map((e) => e.type))];
  if (types.length === 1) return deploymentsApi.promote({ type: types[0], ids: entities.map((e) => e.id), from, to });
  const draft = await deploymentsApi.create({
    name: `Promote ${entities.length} entities ${from} -> ${to}`,
    sourceEnvironment: from,
    targetEnvironment: to,
    items: entities.map((e) => ({ type: e.type, id: e.id })),
  });
  return deploymentsApi.execute(draft.id);
}

export function PromoteDialog({ entities, onClose, onDone }: { entities: GridEntity[] | null; onClose: () => void; onDone: () => void }) {
  const titleId = useId();
  const [to, setTo] = useState<Environment>('staging');
  const [from, setFrom] = useState<Environment>('development');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  useEffect(() => {
    if (entities) setOutcome(null);
  }, [entities]);

  const run = useMutation({
    mutationFn: async (): Promise<Outcome> => {
      try {
        return { deployment: await promoteAll(entities ?? [], from, to) };
      } catch (error) {
        return { error };
      }
    },
    onSuccess: (out) => {
      setOutcome(out);
      onDone();
    },
  });

  const sources = ENVIRONMENTS.filter((e) => ENVIRONMENTS.indexOf(e) < ENVIRONMENTS.indexOf(to));
  return (
    <Dialog open={entities !== null} onClose={run.isPending ? undefined : onClose} aria-labelledby={titleId} fullWidth maxWidth="md">
      <DialogTitle id={titleId}>Promote {entities?.length} entit{entities?.length === 1 ? 'y' : 'ies'}</DialogTitle>
      <DialogContent dividers>
        {outcome === null ? (
          <Stack spacing={2}>
            <Typography variant="body2">
              {entities?.map((e) => `${e.type} ${e.id}`).join(', ')}
            </Typography>
            <Box sx={{ display: 'flex', gap: 2 }}>
              <TextField select label="From" value={from} onChange={(e) => setFrom(e.target.value as Environment)} slotProps={{ select: { native: true } }} sx={{ width: 200 }}>
                {sources.map((e) => (
                  <option key={e} value={e}>
                    {ENVIRONMENT_LABELS[e]}
                  </option>
                ))}
              </TextField>
              <TextField
                select
                label="To"
                value={to}
                onChange={(e) => {
                  const t = e.target.value as Environment;
                  setTo(t);
                  setFrom(ENVIRONMENTS[ENVIRONMENTS.indexOf(t) - 1]);
                }}
                slotProps={{ select: { native: true } }}
                sx={{ width: 200 }}
              >
                <option value="staging">Staging</option>
                <option value="production">Production</option>
              </TextField>
            </Box>
            {to === 'production' && (
              <Alert severity="warning">
                This changes <strong>production</strong> right away: a deployment is created, reported and executed. You need the
                permission deployments:update.
              </Alert>
            )}
          </Stack>
        ) : (
          <Stack spacing={2} data-testid="promote-results">
            {outcome.deployment ? (
              <Alert severity="success">
                Deployment{' '}
                <Link component={RouterLink} to={`/deployments?id=${encodeURIComponent(outcome.deployment.id)}`}>
                  {outcome.deployment.name || outcome.deployment.id}
                </Link>{' '}
                {outcome.deployment.state} ({outcome.deployment.sourceEnvironment} → {outcome.deployment.targetEnvironment}). Roll it
                back from the Deployments page.
              </Alert>
            ) : (
              <Box>
                <Alert severity="error" sx={{ mb: 1 }}>
                  {errorMessage(outcome.error)}
                </Alert>
                {reportOf(outcome.error) && <ReportTable report={reportOf(outcome.error)!} title="Blocked promotion" />}
              </Box>
            )}
          </Stack>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={run.isPending}>
          {outcome ? 'Close' : 'Cancel'}
        </Button>
        {outcome === null && (
          <Button variant="contained" sx={to === 'production' ? dangerButtonSx : undefined} onClick={() => run.mutate()} disabled={run.isPending}>
            {run.isPending ? 'Promoting…' : `Promote to ${ENVIRONMENT_LABELS[to]}`}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
