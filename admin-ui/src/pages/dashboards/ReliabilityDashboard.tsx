// spec/12 Async Reliability: queue depth, retries and dead letters, webhook success / failure
// rates over the selected window, and the workers' heartbeats (GET /api/workers).
import { useQuery } from '@tanstack/react-query';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { monitoringApi } from '../../api/insights';
import { usePermissions } from '../../auth/permissions';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatNumber, formatPercent, formatTime } from '../../components/format';
import { ChartCard } from './ChartCard';
import { DashboardFrame } from './DashboardFrame';
import { TableHeadRow } from '../../components/TableHeadRow';

const STALE_MS = 15_000;

function Workers() {
  const workers = useQuery({ queryKey: ['workers'], queryFn: monitoringApi.workers, refetchInterval: 5000 });
  const now = Date.now();
  return (
    <Paper component="section" variant="outlined" aria-labelledby="workers-title" sx={{ mt: 3 }}>
      <Typography id="workers-title" variant="h6" component="h2" sx={{ p: 2, pb: 1 }}>
        Worker heartbeats
      </Typography>
      {workers.error && !workers.data ? (
        <ErrorAlert error={workers.error} onRetry={() => void workers.refetch()} />
      ) : workers.data && workers.data.length > 0 ? (
        <TableContainer>
          <Table size="small" aria-labelledby="workers-title">
            <TableHeadRow columns={['Instance', 'Kind', 'Host / pid', 'Queues', 'Last heartbeat', 'Status']} />
            <TableBody>
              {workers.data.map((w) => {
                const late = w.stoppedAt === null && now - w.lastBeat > STALE_MS;
                const label = w.stoppedAt !== null ? 'stopped' : late ? 'no heartbeat' : w.status;
                return (
                  <TableRow key={w.id}>
                    <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>{w.id}</TableCell>
                    <TableCell>{w.kind}</TableCell>
                    <TableCell>{w.host} / {w.pid}</TableCell>
                    <TableCell>{w.queues.join(', ') || '—'}</TableCell>
                    <TableCell>{formatTime(w.lastBeat)}</TableCell>
                    <TableCell>
                      <Chip size="small" label={label} color={w.stoppedAt !== null ? 'default' : late ? 'error' : 'success'} />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </TableContainer>
      ) : (
        !workers.isPending && <EmptyState title="No workers" description="Each serve and worker process reports a heartbeat." />
      )}
    </Paper>
  );
}

export function ReliabilityDashboard() {
  const { can } = usePermissions();
  return (
    <DashboardFrame title="Async Reliability" description="The job queue, retries, dead letters and webhook delivery." extra={can('workers:read') ? <Workers /> : null}>
      {(h) => (
        <Grid container spacing={3}>
          <Grid size={{ xs: 12, lg: 6 }}>
            <ChartCard title="Queue depth" samples={h.samples} lines={[{ label: 'Jobs ready', value: (s) => s.reliability.queueDepth }]} format={(n) => formatNumber(n, 0)} unit="jobs" area />
          </Grid>
          <Grid size={{ xs: 12, lg: 6 }}>
            <ChartCard
              title="Retries and dead letters"
              samples={h.samples}
              lines={[
                { label: 'Retrying jobs', value: (s) => s.reliability.retryCount },
                { label: 'Dead-letter queue', value: (s) => s.reliability.dlqSize },
              ]}
              format={(n) => formatNumber(n, 0)}
              unit="jobs"
            />
          </Grid>
          <Grid size={{ xs: 12 }}>
            <ChartCard
              title="Webhook success and failure rates"
              samples={h.samples}
              lines={[
                { label: 'Success rate', value: (s) => s.reliability.webhookSuccessRate },
                { label: 'Failure rate', value: (s) => s.reliability.webhookFailureRate },
              ]}
              format={formatPercent}
              unit="ratio"
            />
          </Grid>
        </Grid>
      )}
    </DashboardFrame>
  );
}
