// The right panel of /deployments: one deployment — its items, the change report (generate),
// execute, rollback, delete a draft, the history steps and the comments.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Divider from '@mui/material/Divider';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import AssessmentOutlined from '@mui/icons-material/AssessmentOutlined';
import PlayArrow from '@mui/icons-material/PlayArrow';
import Undo from '@mui/icons-material/Undo';
import { deploymentsApi } from '../../../api/configuration';
import type { Deployment, DeploymentState } from '../../../api/configuration';
import { Can } from '../../../auth/permissions';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { EnvironmentBadge } from '../../../components/EnvironmentBadge';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatTime } from '../../../components/format';
import { LoadingState } from '../../../components/LoadingState';
import { VisuallyHidden } from '../../../components/VisuallyHidden';
import { useScopedKey } from '../../../state/scope';
import { CommentsPanel } from './CommentsPanel';
import { ExecuteDialog } from './ExecuteDialog';
import { ActionChip, ReportTable } from './ReportTable';
import { dangerButtonSx } from '../danger';

export const STATE_CHIP: Record<DeploymentState, { label: string; color: 'default' | 'success' | 'secondary' | 'error' }> = {
  draft: { label: 'Draft', color: 'default' },
  executed: { label: 'Executed', color: 'success' },
  rolled_back: { label: 'Rolled back', color: 'secondary' },
  failed: { label: 'Failed', color: 'error' },
};

const STEP_TEXT: Record<string, string> = {
  created: 'Created',
  reported: 'Change report generated',
  executed: 'Executed',
  failed: 'Failed',
  rolled_back: 'Rolled back',
};

interface Props {
  id: string;
  actorName: (id: string) => string;
  onDeleted: () => void;
}

export function DeploymentDetail({ id, actorName, onDeleted }: Props) {
  const key = useScopedKey('deployment', id);
  const queryClient = useQueryClient();
  const dep = useQuery({ queryKey: key, queryFn: () => deploymentsApi.get(id) });
  const [executing, setExecuting] = useState<Deployment | null>(null);
  const [rollingBack, setRollingBack] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ predicate: (q) => q.queryKey.includes('deployments') || q.queryKey.includes('grid') });
  };
  const report = useMutation({ mutationFn: () => deploymentsApi.report(id), onSuccess: refresh });
  const rollback = useMutation({
    mutationFn: () => deploymentsApi.rollback(id),
    onSuccess: () => {
      setRollingBack(false);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => deploymentsApi.remove(id),
    onSuccess: () => {
      setDeleting(false);
      void queryClient.invalidateQueries({ predicate: (q) => q.queryKey.includes('deployments') });
      onDeleted();
    },
  });

  if (dep.isPending) return <LoadingState label="Loading the deployment…" />;
  if (dep.error) return <ErrorAlert error={dep.error} title="Could not load the deployment" onRetry={() => void dep.refetch()} />;
  const d = dep.data;
  const chip = STATE_CHIP[d.state] ?? { label: d.state, color: 'default' as const };
  const production = d.targetEnvironment === 'production';

  return (
    <Paper variant="outlined" component="section" aria-labelledby="deployment-title" sx={{ p: 2 }} data-testid="deployment-detail">
      <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 2, flexWrap: 'wrap' }}>
        <Box sx={{ flex: 1, minWidth: 240 }}>
          <Typography id="deployment-title" variant="h6" component="h2">
            {d.name || 'Unnamed deployment'}
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ fontFamily: 'monospace' }}>
            {d.id}
          </Typography>
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mt: 1, flexWrap: 'wrap' }}>
            <Chip size="small" color={chip.color} label={chip.label} data-testid="deployment-state" />
            {d.sourceEnvironment ? <EnvironmentBadge environment={d.sourceEnvironment} /> : <Chip size="small" variant="outlined" label="Import" />}
            <span aria-hidden>→</span>
            <VisuallyHidden>to</VisuallyHidden>
            <EnvironmentBadge environment={d.targetEnvironment} />
          </Box>
          {d.description && <Typography sx={{ mt: 1 }}>{d.description}</Typography>}
        </Box>
        <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
          {d.state === 'draft' && (
            <>
              <Can permission="deployments:create" mode="disable">
                <Button variant="outlined" startIcon={<AssessmentOutlined />} onClick={() => report.mutate()} disabled={report.isPending}>
                  {report.isPending ? 'Reporting…' : d.report ? 'Report again' : 'Generate report'}
                </Button>
              </Can>
              <Can permission="deployments:create" mode="disable">
                <Button variant="contained" sx={production ? dangerButtonSx : undefined} startIcon={<PlayArrow />} onClick={() => setExecuting(d)}>
                  Execute
                </Button>
              </Can>
              <Can permission="deployments:delete">
                <Button color="error" onClick={() => setDeleting(true)}>
                  Delete draft
                </Button>
              </Can>
            </>
          )}
          {d.state === 'executed' && (
            <Can permission="deployments:create" mode="disable">
              <Button variant="outlined" color="error" startIcon={<Undo />} onClick={() => setRollingBack(true)}>
                Roll back
              </Button>
            </Can>
          )}
        </Box>
      </Box>
      {d.failureReason && (
        <Alert severity="error" sx={{ mt: 2 }}>
          Failed: {d.failureReason}
        </Alert>
      )}
      <ErrorAlert error={report.error} title={report.error ? 'Could not generate the report' : undefined} />

      <Divider sx={{ my: 2 }} />
      {d.report ? (
        <ReportTable report={d.report} />
      ) : (
        <Box>
          <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
            Items
          </Typography>
          <Box component="ul" sx={{ m: 0, pl: 2 }}>
            {d.items.map((i) => (
              <li key={`${i.type}:${i.id}`}>
                {i.type} <code>{i.id}</code> <ActionChip action={i.action} />
              </li>
            ))}
          </Box>
          <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
            Generate the change report to see what will change, field by field, and whether anything blocks it.
          </Typography>
        </Box>
      )}

      <Divider sx={{ my: 2 }} />
      <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
        History
      </Typography>
      <Box component="ol" sx={{ m: 0, pl: 2.5 }} data-testid="deployment-history">
        {d.history.map((h, i) => (
          <li key={i}>
            <Typography variant="body2">
              <strong>{STEP_TEXT[h.step] ?? h.step}</strong> by {actorName(h.actor)} ({h.actorKind}) · {formatTime(h.at)}
            </Typography>
          </li>
        ))}
      </Box>

      <Divider sx={{ my: 2 }} />
      <CommentsPanel deploymentId={d.id} actorName={actorName} />

      <ExecuteDialog deployment={executing} onClose={() => setExecuting(null)} onDone={refresh} />
      <ConfirmDialog
        open={rollingBack}
        title={production ? 'Roll back production?' : 'Roll back this deployment?'}
        message={
          <>
            Every entity this deployment wrote to <strong>{d.targetEnvironment}</strong> is restored exactly as it was before it ran
            (entities it created are removed). If one changed since, the server refuses.
            {production && ' This changes production right away and needs deployments:update.'}
          </>
        }
        confirmLabel="Roll back"
        destructive
        busy={rollback.isPending}
        error={rollback.error}
        onConfirm={() => rollback.mutate()}
        onClose={() => {
          setRollingBack(false);
          rollback.reset();
        }}
      />
      <ConfirmDialog
        open={deleting}
        title="Delete this draft?"
        message="The draft and its change report are removed. Nothing was deployed."
        confirmLabel="Delete"
        destructive
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate()}
        onClose={() => {
          setDeleting(false);
          remove.reset();
        }}
      />
    </Paper>
  );
}
