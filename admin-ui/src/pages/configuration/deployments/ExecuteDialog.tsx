// Execute a deployment (POST …/:id/execute) after a confirmation — a stronger one for
// production — with optional webhook secrets; generated secrets are shown once afterwards.
import { useEffect, useId, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { deploymentsApi, reportOf } from '../../../api/configuration';
import type { Deployment } from '../../../api/configuration';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { PasswordField } from '../../../components/PasswordField';
import { ReportTable } from './ReportTable';
import { dangerButtonSx } from '../danger';

export function ExecuteDialog({ deployment, onClose, onDone }: { deployment: Deployment | null; onClose: () => void; onDone: (d: Deployment) => void }) {
  const titleId = useId();
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [confirmText, setConfirmText] = useState('');
  const [result, setResult] = useState<Deployment | null>(null);
  const production = deployment?.targetEnvironment === 'production';
  const webhooks = (deployment?.report?.items ?? deployment?.items ?? []).filter(
    (i) => i.type === 'webhook' && (i.action === 'create' || i.action === 'update' || i.action === null),
  );
  const execute = useMutation({
    mutationFn: () => {
      const given = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v.trim() !== ''));
      return deploymentsApi.execute(deployment!.id, Object.keys(given).length ? given : undefined);
    },
    onSuccess: (d) => {
      setResult(d);
      onDone(d);
    },
  });
  useEffect(() => {
    if (!deployment) return;
    setSecrets({});
    setConfirmText('');
    setResult(null);
    execute.reset();
  }, [deployment?.id]);

  const generated = Object.entries(result?.secrets ?? {});
  const blocked = reportOf(execute.error);
  const confirmed = !production || confirmText === 'production';

  return (
    <Dialog open={deployment !== null} onClose={execute.isPending ? undefined : onClose} aria-labelledby={titleId} fullWidth maxWidth="md">
      <DialogTitle id={titleId}>{result ? 'Deployment executed' : 'Execute deployment?'}</DialogTitle>
      <DialogContent dividers>
        {result ? (
          <Stack spacing={2}>
            <Alert severity="success">
              {result.name || result.id} is live in {result.targetEnvironment}
              {result.propagation &&
                ` (${result.propagation.reloaded} of ${result.propagation.instances} instance${result.propagation.instances === 1 ? '' : 's'} reloaded${result.propagation.partial ? ', the others catch up within 2 s' : ''})`}
              .
            </Alert>
            {generated.length > 0 && (
              <Alert severity="warning" data-testid="generated-secrets">
                <AlertTitle>Generated webhook secrets — shown only once</AlertTitle>
                Copy them now into the receivers' configuration; they cannot be read again.
                <Box component="ul" sx={{ m: 0, mt: 1, pl: 2 }}>
                  {generated.map(([k, v]) => (
                    <li key={k}>
                      <code>{k}</code>: <code style={{ userSelect: 'all' }}>{v}</code>
                    </li>
                  ))}
                </Box>
              </Alert>
            )}
          </Stack>
        ) : (
          <Stack spacing={2}>
            {production ? (
              <Alert severity="error">
                <AlertTitle>This changes production</AlertTitle>
                The entities of this deployment are written to <strong>production</strong> in one transaction and every instance
                reloads them at once. You need the permission deployments:update. Type <strong>production</strong> to confirm.
              </Alert>
            ) : (
              <Typography>
                The entities are written to <strong>{deployment?.targetEnvironment}</strong> in one transaction, as the change report
                shows. You can roll the deployment back afterwards.
              </Typography>
            )}
            {production && (
              <TextField label="Type production to confirm" value={confirmText} onChange={(e) => setConfirmText(e.target.value)} autoComplete="off" />
            )}
            {webhooks.length > 0 && (
              <Box>
                <Typography variant="subtitle2" component="h3">
                  Webhook secrets (optional)
                </Typography>
                <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
                  Secrets never travel between environments. Leave empty to keep the target's secret, or to have a new one generated
                  for a new endpoint.
                </Typography>
                <Stack spacing={1}>
                  {webhooks.map((w) => (
                    <PasswordField
                      key={w.id}
                      label={`Secret for ${w.id}`}
                      value={secrets[w.id] ?? ''}
                      onChange={(e) => setSecrets((s) => ({ ...s, [w.id]: e.target.value }))}
                      autoComplete="new-password"
                    />
                  ))}
                </Stack>
              </Box>
            )}
            <ErrorAlert error={execute.error} title={execute.error ? 'Execute failed' : undefined} />
            {blocked && <ReportTable report={blocked} title="Current change report" />}
          </Stack>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={execute.isPending}>
          {result ? 'Close' : 'Cancel'}
        </Button>
        {!result && (
          <Button variant="contained" sx={production ? dangerButtonSx : undefined} onClick={() => execute.mutate()} disabled={execute.isPending || !confirmed} autoFocus={!production}>
            {execute.isPending ? 'Executing…' : production ? 'Execute in production' : 'Execute'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
