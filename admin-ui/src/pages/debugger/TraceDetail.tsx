// One trace (GET /api/debugger/traces/:traceId): the event, the schema gate, each instance's
// counts and the routing decisions (delivered / filtered with the failing keys / dropped).
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Divider from '@mui/material/Divider';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import ReplayOutlined from '@mui/icons-material/ReplayOutlined';
import { debuggerApi } from '../../api/insights';
import type { FailedKey, RoutingDecision, TraceDetail as Trace } from '../../api/insights';
import { Can } from '../../auth/permissions';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { LoadingState } from '../../components/LoadingState';
import { useScopedKey } from '../../state/scope';
import { ExplainPanel } from './ExplainPanel';
import { JsonBlock } from './JsonBlock';
import { ReplayForm } from './ReplayForm';
import { TableHeadRow } from '../../components/TableHeadRow';

const VERDICT_COLOR = { delivered: 'success', filtered: 'default', dropped: 'error' } as const;

function failedText(f: FailedKey): string {
  const actual = f.missing ? 'missing' : JSON.stringify(f.actual);
  return `${f.key}: expected ${JSON.stringify(f.expected)}, got ${actual}`;
}

function Decisions({ list, omitted }: { list: RoutingDecision[]; omitted: number }) {
  if (list.length === 0) {
    return (
      <Typography color="text.secondary" variant="body2">
        No subscription was on the topic when the event was routed.
        {omitted > 0 && ` ${omitted} decision(s) were not noted.`}
      </Typography>
    );
  }
  return (
    <TableContainer>
      <Table size="small" aria-label="Routing decisions">
        <TableHeadRow columns={['Verdict', 'Subscription', 'Socket', 'Filter', 'Failing keys', 'Instance']} />
        <TableBody>
          {list.map((d) => (
            <TableRow key={`${d.instance}/${d.subscriptionId}`}>
              <TableCell component="th" scope="row">
                <Chip size="small" color={VERDICT_COLOR[d.verdict]} label={d.verdict} />
              </TableCell>
              <TableCell sx={{ fontFamily: 'monospace' }}>{d.subscriptionId}</TableCell>
              <TableCell sx={{ fontFamily: 'monospace' }}>{d.socketId}</TableCell>
              <TableCell sx={{ fontFamily: 'monospace' }}>{d.filter === null ? 'none' : JSON.stringify(d.filter)}</TableCell>
              <TableCell>{(d.failed ?? []).map(failedText).join('; ') || '—'}</TableCell>
              <TableCell sx={{ fontFamily: 'monospace' }}>{d.instance}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {omitted > 0 && (
        <Typography variant="body2" color="text.secondary" sx={{ p: 1 }}>
          {omitted} more decision(s) were not noted; the counts above are exact.
        </Typography>
      )}
    </TableContainer>
  );
}

function schemaText(t: Trace): string {
  const g = t.schemaGate;
  if (!g || !g.validated) return 'No schema applied';
  return `Passed schema v${g.schemaVersion}`;
}

export function TraceDetail({ traceId }: { traceId: string }) {
  const key = useScopedKey('debugger', 'trace', traceId);
  const trace = useQuery({ queryKey: key, queryFn: () => debuggerApi.trace(traceId) });
  const [replaying, setReplaying] = useState(false);

  if (trace.isPending) return <LoadingState label="Loading the trace…" />;
  if (trace.error) return <ErrorAlert error={trace.error} title="Could not load the trace" onRetry={() => void trace.refetch()} />;
  const t = trace.data;
  const r = t.routingResult;
  return (
    <Paper variant="outlined" component="section" aria-labelledby="trace-title" sx={{ p: 2 }} data-testid="trace-detail">
      <Stack direction="row" justifyContent="space-between" alignItems="flex-start" sx={{ gap: 1, flexWrap: 'wrap' }}>
        <Box>
          <Typography id="trace-title" variant="h6" component="h2">
            Trace <code>{t.traceId}</code>
          </Typography>
          <Typography variant="body2" color="text.secondary">
            <code>{t.eventId}</code> on <strong>{t.topic}</strong> · {t.source} · {t.type} · {formatTime(t.timestamp)}
          </Typography>
        </Box>
        <Can permission="debugger:create">
          <Button variant="outlined" startIcon={<ReplayOutlined />} onClick={() => setReplaying(true)}>
            Replay…
          </Button>
        </Can>
      </Stack>
      <Stack direction="row" sx={{ my: 2, flexWrap: 'wrap', gap: 1 }}>
        <Chip label={`${r.subscriberCount} subscriber(s)`} variant="outlined" />
        <Chip label={`${r.deliveredCount} delivered`} color="success" variant="outlined" />
        <Chip label={`${r.filteredCount} filtered`} variant="outlined" />
        <Chip label={schemaText(t)} variant="outlined" color={t.schemaGate?.validated ? 'primary' : 'default'} />
      </Stack>
      <JsonBlock label="Payload" value={t.payload} maxHeight={200} />

      <Typography variant="subtitle1" component="h3" sx={{ mt: 2, fontWeight: 600 }}>
        Instances
      </Typography>
      <Table size="small" aria-label="Routing per instance">
        <TableHeadRow
          columns={[
            'Instance',
            'Received',
            { label: 'Subscribers', align: 'right' },
            { label: 'Delivered', align: 'right' },
            { label: 'Filtered', align: 'right' },
          ]}
        />
        <TableBody>
          {t.instances.map((i) => (
            <TableRow key={i.instance}>
              <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>
                {i.instance}
              </TableCell>
              <TableCell>{i.remote ? 'from another instance' : 'published here'}</TableCell>
              <TableCell align="right">{i.subscriberCount}</TableCell>
              <TableCell align="right">{i.deliveredCount}</TableCell>
              <TableCell align="right">{i.filteredCount}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>

      <Typography variant="subtitle1" component="h3" sx={{ mt: 2, mb: 1, fontWeight: 600 }}>
        Routing decisions
      </Typography>
      <Decisions list={t.routingDecisions ?? []} omitted={t.decisionsOmitted ?? 0} />

      <Divider sx={{ my: 2 }} />
      <ExplainPanel eventId={t.eventId} />

      <Dialog open={replaying} onClose={() => setReplaying(false)} fullWidth maxWidth="md" aria-labelledby="replay-dialog-title">
        <DialogTitle id="replay-dialog-title">Replay {t.eventId}</DialogTitle>
        <DialogContent>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            The event is rebuilt from the trace (topic {t.topic}, source {t.source}) and sent again as a new event.
          </Typography>
          <ReplayForm traceId={t.traceId} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setReplaying(false)}>Close</Button>
        </DialogActions>
      </Dialog>
    </Paper>
  );
}
