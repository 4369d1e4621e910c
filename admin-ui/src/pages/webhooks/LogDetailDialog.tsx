// One delivery: its summary, the event's payload (the debugger's trace of the event, when the
// user may read it and it was traced) and every attempt with its answer.
import { useId } from 'react';
import { useQuery } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { ApiError } from '../../api/client';
import { webhooksApi } from '../../api/operations';
import type { DeliveryLog } from '../../api/operations';
import { Can, usePermissions } from '../../auth/permissions';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatMs, formatTime } from '../../components/format';
import { JsonEditor } from '../../components/JsonEditor';
import { LoadingState } from '../../components/LoadingState';
import { useScopedKey } from '../../state/scope';
import { StatusChip } from './StatusChip';
import { TableHeadRow } from '../../components/TableHeadRow';

interface Props {
  log: DeliveryLog | null;
  onClose: () => void;
  onRetry: (id: string) => void;
  retrying: boolean;
  retryError: unknown;
}

function Payload({ log }: { log: DeliveryLog }) {
  const { can } = usePermissions();
  // The test ping is built by the test route and never routed: it has no trace.
  const traced = log.event !== 'webhook.test' && Boolean(log.eventId);
  const q = useQuery({
    queryKey: useScopedKey('event-trace', log.eventId),
    queryFn: () => webhooksApi.eventTrace(log.eventId),
    enabled: traced && can('debugger:read'),
  });
  if (!traced) return <Typography variant="body2" color="text.secondary">A test ping: a signed sample event, not a routed one.</Typography>;
  if (!can('debugger:read')) return <Typography variant="body2" color="text.secondary">Reading the payload needs the permission debugger:read.</Typography>;
  if (q.isPending) return <LoadingState label="Loading the payload…" />;
  if (q.error) {
    if (q.error instanceof ApiError && q.error.status === 404) {
      return <Typography variant="body2" color="text.secondary">The event's trace is no longer kept (or was not sampled): its payload cannot be shown.</Typography>;
    }
    return <ErrorAlert error={q.error} title="Could not load the payload" />;
  }
  const t = q.data;
  const event = { id: t.eventId, topic: t.topic, source: t.source, type: t.type, payload: t.payload, metadata: { timestamp: t.timestamp } };
  return <JsonEditor label="Delivered event" value={JSON.stringify(event, null, 2)} readOnly minHeight={80} maxHeight={300} testId="delivery-payload" />;
}

export function LogDetailDialog({ log, onClose, onRetry, retrying, retryError }: Props) {
  const titleId = useId();
  return (
    <Dialog open={log !== null} onClose={onClose} aria-labelledby={titleId} fullWidth maxWidth="md">
      {log && (
        <>
          <DialogTitle id={titleId}>Delivery {log.id}</DialogTitle>
          <DialogContent>
            <Box sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.5, mb: 2 }}>
              <Typography variant="body2" color="text.secondary">Status</Typography>
              <Box><StatusChip status={log.status} /></Box>
              <Typography variant="body2" color="text.secondary">Event</Typography>
              <Typography variant="body2" sx={{ fontFamily: 'monospace' }}>{log.event} · {log.topic} · {log.eventId}</Typography>
              <Typography variant="body2" color="text.secondary">Endpoint</Typography>
              <Typography variant="body2" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{log.url} ({log.webhookId})</Typography>
              <Typography variant="body2" color="text.secondary">Created</Typography>
              <Typography variant="body2">{formatTime(log.createdAt)}</Typography>
              <Typography variant="body2" color="text.secondary">Delivered</Typography>
              <Typography variant="body2">{formatTime(log.deliveredAt)}</Typography>
              {log.nextAttemptAt && (
                <>
                  <Typography variant="body2" color="text.secondary">Next attempt</Typography>
                  <Typography variant="body2">{formatTime(log.nextAttemptAt)}</Typography>
                </>
              )}
            </Box>
            {log.status === 'dead' && (
              <Alert
                severity="error"
                sx={{ mb: 2 }}
                action={
                  <Can permission="webhooks:update">
                    <Button color="inherit" size="small" disabled={retrying} onClick={() => onRetry(log.id)}>
                      {retrying ? 'Retrying…' : 'Retry'}
                    </Button>
                  </Can>
                }
              >
                Dead letter: every attempt failed. A retry queues it again with a fresh set of attempts.
              </Alert>
            )}
            <ErrorAlert error={retryError} title="The retry failed" />
            <Typography variant="h6" component="h3" sx={{ mb: 1 }}>Payload</Typography>
            <Payload log={log} />
            <Typography variant="h6" component="h3" sx={{ mt: 3, mb: 1 }}>Attempts ({log.history.length})</Typography>
            <Table size="small" aria-label="Attempts">
              <TableHeadRow columns={['#', 'At', 'Response', 'Duration', 'Error / response body']} />
              <TableBody>
                {log.history.map((a) => (
                  <TableRow key={`${a.attempt}-${a.at}`}>
                    <TableCell component="th" scope="row">{a.attempt}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(a.at)}</TableCell>
                    <TableCell>{a.statusCode ?? '—'}</TableCell>
                    <TableCell>{formatMs(a.durationMs)}</TableCell>
                    <TableCell sx={{ fontFamily: 'monospace', fontSize: 12, wordBreak: 'break-all', maxWidth: 360 }}>
                      {a.error && <Box sx={{ color: 'error.main' }}>{a.error}</Box>}
                      {a.responseBody || (a.error ? null : '—')}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>Close</Button>
          </DialogActions>
        </>
      )}
    </Dialog>
  );
}
