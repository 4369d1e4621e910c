// spec/12 Realtime Delivery: active connections, events per second (in/out, and by source from
// the analytics windows), fan-out latency percentiles over time, and the hot topics.
import { useQuery } from '@tanstack/react-query';
import Grid from '@mui/material/Grid';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { metricsApi } from '../../api/endpoints';
import { analyticsApi } from '../../api/insights';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatMs, formatNumber } from '../../components/format';
import { ChartCard } from './ChartCard';
import { DashboardFrame } from './DashboardFrame';
import { bySourceWindows } from './analytics';
import { TableHeadRow } from '../../components/TableHeadRow';

const num = (n: number) => formatNumber(n, 2);

function HotTopics() {
  const hot = useQuery({ queryKey: ['metrics', 'hot-topics', 20], queryFn: () => metricsApi.hotTopics(20), refetchInterval: 5000 });
  return (
    <Paper component="section" variant="outlined" aria-labelledby="hot-breakdown" sx={{ mt: 3 }}>
      <Typography id="hot-breakdown" variant="h6" component="h2" sx={{ p: 2, pb: 1 }}>
        Hot topics
      </Typography>
      {hot.error && !hot.data ? (
        <ErrorAlert error={hot.error} onRetry={() => void hot.refetch()} />
      ) : hot.data && hot.data.length > 0 ? (
        <TableContainer>
          <Table size="small" aria-labelledby="hot-breakdown">
            <TableHeadRow
              columns={[
                'Topic',
                { label: 'Events / s', align: 'right' },
                { label: 'Share of events', align: 'right' },
                { label: 'Subscribers', align: 'right' },
                { label: 'p95 fan-out', align: 'right' },
              ]}
            />
            <TableBody>
              {(() => {
                const total = hot.data.reduce((a, t) => a + t.eventsPerSec, 0);
                return hot.data.map((t) => (
                  <TableRow key={t.topic}>
                    <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>{t.topic}</TableCell>
                    <TableCell align="right">{num(t.eventsPerSec)}</TableCell>
                    <TableCell align="right">{total > 0 ? `${Math.round((t.eventsPerSec / total) * 100)} %` : '—'}</TableCell>
                    <TableCell align="right">{formatNumber(t.subscriberCount)}</TableCell>
                    <TableCell align="right">{formatMs(t.p95FanoutLatency)}</TableCell>
                  </TableRow>
                ));
              })()}
            </TableBody>
          </Table>
        </TableContainer>
      ) : (
        !hot.isPending && <EmptyState title="No active topics" description="Topics appear here once they have traffic or subscribers." />
      )}
    </Paper>
  );
}

function EventsBySource() {
  const rows = useQuery({
    queryKey: ['metrics', 'analytics', 'last-hour'],
    queryFn: () => {
      const now = Date.now();
      return analyticsApi.rows(now - 3_600_000, now + 60_000);
    },
    refetchInterval: 30_000,
  });
  if (rows.error) return <ErrorAlert error={rows.error} title="Could not load events by source" onRetry={() => void rows.refetch()} />;
  const windows = bySourceWindows(rows.data?.data ?? []);
  return (
    <ChartCard
      title={`Events by source (per ${rows.data?.window ?? 'window'}, last hour)`}
      samples={windows}
      lines={[
        { label: 'Database', value: (w) => w.database },
        { label: 'Sync', value: (w) => w.sync },
        { label: 'Socket / REST', value: (w) => w.socket },
      ]}
      format={(n) => formatNumber(n, 0)}
      unit="events"
      empty="No events in the last hour: the analytics worker writes one row per topic and window."
    />
  );
}

export function DeliveryDashboard() {
  return (
    <DashboardFrame title="Realtime Delivery" description="Connections, events per second and fan-out latency of the whole cluster." extra={<HotTopics />}>
      {(h) => (
        <Grid container spacing={3}>
          <Grid size={{ xs: 12, lg: 6 }}>
            <ChartCard title="Active connections" samples={h.samples} lines={[{ label: 'Connections', value: (s) => s.delivery.activeConnections }]} format={(n) => formatNumber(n, 0)} unit="clients" area />
          </Grid>
          <Grid size={{ xs: 12, lg: 6 }}>
            <ChartCard
              title="Events per second"
              samples={h.samples}
              lines={[
                { label: 'Events in / s', value: (s) => s.delivery.eventsInPerSec },
                { label: 'Deliveries out / s', value: (s) => s.delivery.eventsOutPerSec },
              ]}
              format={num}
              unit="per second"
            />
          </Grid>
          <Grid size={{ xs: 12, lg: 6 }}>
            <ChartCard
              title="Fan-out latency"
              samples={h.samples}
              lines={[
                { label: 'p50', value: (s) => s.delivery.fanoutLatencyP50 },
                { label: 'p95', value: (s) => s.delivery.fanoutLatencyP95 },
                { label: 'p99', value: (s) => s.delivery.fanoutLatencyP99 },
              ]}
              format={formatMs}
              unit="ms"
            />
          </Grid>
          <Grid size={{ xs: 12, lg: 6 }}>
            <EventsBySource />
          </Grid>
        </Grid>
      )}
    </DashboardFrame>
  );
}
