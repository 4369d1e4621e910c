// spec/12 Dashboard: delivery, pipeline and reliability panels plus hot topics, refreshed
// every 5 s (the server recomputes them every REALTIME_METRICS_TICK_MS, 5 s by default).
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
import type { DashboardMetrics } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatMs, formatNumber, formatPercent } from '../../components/format';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { MetricPanel } from './MetricPanel';
import type { Metric } from './MetricPanel';
import { TableHeadRow } from '../../components/TableHeadRow';
import { QueryStates } from '../../components/QueryStates';

export const REFRESH_MS = 5000;

function panels(d: DashboardMetrics): { id: string; title: string; metrics: Metric[] }[] {
  const { delivery: dl, pipeline: p, reliability: r } = d;
  return [
    {
      id: 'panel-delivery',
      title: 'Realtime Delivery',
      metrics: [
        { label: 'Active connections', value: formatNumber(dl.activeConnections) },
        { label: 'Reconnect rate', value: formatPercent(dl.reconnectRate) },
        { label: 'Events in / s', value: formatNumber(dl.eventsInPerSec) },
        { label: 'Events out / s', value: formatNumber(dl.eventsOutPerSec) },
        { label: 'Fan-out p50', value: formatMs(dl.fanoutLatencyP50) },
        { label: 'Fan-out p95', value: formatMs(dl.fanoutLatencyP95) },
        { label: 'Fan-out p99', value: formatMs(dl.fanoutLatencyP99) },
      ],
    },
    {
      id: 'panel-pipeline',
      title: 'Database Pipeline',
      metrics: [
        { label: 'CDC lag', value: formatMs(p.cdcLag), tone: p.cdcLag > 30000 ? 'warning' : 'normal' },
        { label: 'Outbox lag', value: formatMs(p.outboxLag) },
        { label: 'Captured / s', value: formatNumber(p.eventsCapturedPerSec) },
        { label: 'Routed / s', value: formatNumber(p.eventsRoutedPerSec) },
        { label: 'Mapping failures', value: formatNumber(p.mappingFailures), tone: p.mappingFailures > 0 ? 'error' : 'normal' },
        { label: 'Schema failures', value: formatNumber(p.schemaValidationFailures), tone: p.schemaValidationFailures > 0 ? 'error' : 'normal' },
      ],
    },
    {
      id: 'panel-reliability',
      title: 'Async Reliability',
      metrics: [
        { label: 'Queue depth', value: formatNumber(r.queueDepth) },
        { label: 'Retries', value: formatNumber(r.retryCount) },
        { label: 'Dead letters', value: formatNumber(r.dlqSize), tone: r.dlqSize > 0 ? 'warning' : 'normal' },
        { label: 'Webhook success', value: formatPercent(r.webhookSuccessRate) },
        { label: 'Webhook failure', value: formatPercent(r.webhookFailureRate), tone: r.webhookFailureRate > 0.2 ? 'error' : 'normal' },
      ],
    },
  ];
}

export function DashboardPage() {
  const dashboard = useQuery({ queryKey: ['metrics', 'dashboard'], queryFn: metricsApi.dashboard, refetchInterval: REFRESH_MS });
  const hot = useQuery({ queryKey: ['metrics', 'hot-topics'], queryFn: () => metricsApi.hotTopics(10), refetchInterval: REFRESH_MS });
  const instances = dashboard.data?.instances?.length;

  return (
    <>
      <PageHeader
        title="Dashboard"
        description={
          <>
            Platform health over the whole cluster, refreshed every {REFRESH_MS / 1000} seconds
            {instances ? ` (${instances} instance${instances === 1 ? '' : 's'})` : ''}.
          </>
        }
      />
      <QueryStates
        query={dashboard}
        loading="Loading metrics…"
        errorTitle="Could not load the dashboard"
        keepDataOnError
      >
        {(dashboardData) => (
          dashboardData && (
            <Grid container spacing={3}>
              {panels(dashboardData).map((p) => (
                <Grid key={p.id} size={{ xs: 12, md: 6, xl: 4 }}>
                  <MetricPanel {...p} />
                </Grid>
              ))}
            </Grid>
          )
        )}
      </QueryStates>

      <Paper component="section" variant="outlined" aria-labelledby="hot-topics" sx={{ mt: 3 }}>
        <Typography id="hot-topics" variant="h6" component="h2" sx={{ p: 2, pb: 1 }}>
          Hot Topics
        </Typography>
        {hot.isPending ? (
          <LoadingState label="Loading hot topics…" />
        ) : hot.error && !hot.data ? (
          <ErrorAlert error={hot.error} onRetry={() => void hot.refetch()} />
        ) : hot.data && hot.data.length > 0 ? (
          <TableContainer>
            <Table size="small" aria-labelledby="hot-topics">
              <TableHeadRow
                columns={[
                  'Topic',
                  { label: 'Events / s', align: 'right' },
                  { label: 'Subscribers', align: 'right' },
                  { label: 'p95 fan-out', align: 'right' },
                ]}
              />
              <TableBody>
                {hot.data.map((t) => (
                  <TableRow key={t.topic} hover>
                    <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>
                      {t.topic}
                    </TableCell>
                    <TableCell align="right">{formatNumber(t.eventsPerSec)}</TableCell>
                    <TableCell align="right">{formatNumber(t.subscriberCount)}</TableCell>
                    <TableCell align="right">{formatMs(t.p95FanoutLatency)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        ) : (
          <EmptyState title="No active topics" description="Topics appear here once they have traffic or subscribers." />
        )}
      </Paper>
    </>
  );
}
