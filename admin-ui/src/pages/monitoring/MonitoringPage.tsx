// spec/12 Monitoring: overall health and every service's status (GET /api/status), the cluster's
// headline numbers and instances (GET /api/metrics/dashboard) and hot topics, refreshed every 10 s.
import type { ReactNode } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { metricsApi } from '../../api/endpoints';
import { monitoringApi } from '../../api/insights';
import type { ServiceStatus } from '../../api/insights';
import { usePermissions } from '../../auth/permissions';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatMs, formatNumber, formatPercent, formatTime } from '../../components/format';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { TableHeadRow } from '../../components/TableHeadRow';
import { QueryStates } from '../../components/QueryStates';

const REFRESH_MS = 10_000;
const STATUS_COLOR = { up: 'success', degraded: 'warning', down: 'error' } as const;

function serviceDetail(s: ServiceStatus): string {
  const parts = [s.detail];
  if (s.latencyMs !== undefined) parts.push(`${formatMs(s.latencyMs)} round trip`);
  if (s.host) parts.push(`${s.host} pid ${s.pid ?? '?'}`);
  if (s.version) parts.push(`v${s.version}`);
  if (s.lastBeat) parts.push(`last beat ${formatTime(s.lastBeat)}`);
  return parts.filter(Boolean).join(' · ') || '—';
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Paper component="section" variant="outlined" aria-labelledby={id} sx={{ height: '100%' }}>
      <Typography id={id} variant="h6" component="h2" sx={{ p: 2, pb: 1 }}>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

export function MonitoringPage() {
  const { can } = usePermissions();
  const metricsAllowed = can('metrics:read');
  const status = useQuery({ queryKey: ['status'], queryFn: monitoringApi.status, refetchInterval: REFRESH_MS });
  const dashboard = useQuery({ queryKey: ['metrics', 'dashboard'], queryFn: metricsApi.dashboard, refetchInterval: REFRESH_MS, enabled: metricsAllowed });
  const hot = useQuery({ queryKey: ['metrics', 'hot-topics'], queryFn: () => metricsApi.hotTopics(10), refetchInterval: REFRESH_MS, enabled: metricsAllowed });
  const d = dashboard.data;

  return (
    <>
      <PageHeader title="Monitoring" description={`The platform's services and the cluster's health, refreshed every ${REFRESH_MS / 1000} seconds.`} />
      <QueryStates
        query={status}
        loading="Checking the services…"
        errorTitle="Could not load the service status"
        keepDataOnError
      >
        {(statusData) => (
          statusData && (
            <Alert severity={STATUS_COLOR[statusData.status]} sx={{ mb: 3 }} data-testid="overall-status">
              Overall status: <strong>{statusData.status}</strong> (checked {formatTime(statusData.checkedAt)}).
              {statusData.status !== 'up' && ' The services below say what is not up.'}
            </Alert>
          )
        )}
      </QueryStates>
      <Grid container spacing={3}>
        <Grid size={{ xs: 12 }}>
          <Section id="services-title" title="Services">
            {status.data && (
              <TableContainer>
                <Table size="small" aria-labelledby="services-title">
                  <TableHeadRow columns={['Service', 'Kind', 'Status', 'Detail']} />
                  <TableBody>
                    {status.data.services.map((s, i) => (
                      <TableRow key={`${s.name}/${s.instance ?? i}`}>
                        <TableCell component="th" scope="row">
                          {s.name}
                          {s.instance && <Typography variant="caption" component="div" sx={{ fontFamily: 'monospace' }}>{s.instance}</Typography>}
                        </TableCell>
                        <TableCell>{s.kind}</TableCell>
                        <TableCell>
                          <Chip size="small" color={STATUS_COLOR[s.status]} label={s.status} />
                        </TableCell>
                        <TableCell>{serviceDetail(s)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </TableContainer>
            )}
          </Section>
        </Grid>
        {metricsAllowed && (
          <>
            <Grid size={{ xs: 12, xl: 6 }}>
              <Section id="cluster-title" title="Cluster now">
                {dashboard.isPending ? (
                  <LoadingState label="Loading metrics…" />
                ) : dashboard.error && !d ? (
                  <ErrorAlert error={dashboard.error} onRetry={() => void dashboard.refetch()} />
                ) : (
                  d && (
                    <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', gap: 2, m: 0, p: 2, pt: 0 }}>
                      {[
                        ['Connections', formatNumber(d.delivery.activeConnections)],
                        ['Events in / s', formatNumber(d.delivery.eventsInPerSec)],
                        ['Events out / s', formatNumber(d.delivery.eventsOutPerSec)],
                        ['Fan-out p95', formatMs(d.delivery.fanoutLatencyP95)],
                        ['CDC lag', formatMs(d.pipeline.cdcLag)],
                        ['Outbox lag', formatMs(d.pipeline.outboxLag)],
                        ['Queue depth', formatNumber(d.reliability.queueDepth)],
                        ['Dead letters', formatNumber(d.reliability.dlqSize)],
                        ['Webhook success', formatPercent(d.reliability.webhookSuccessRate)],
                      ].map(([label, value]) => (
                        <Box key={label}>
                          <Typography component="dt" variant="body2" color="text.secondary">{label}</Typography>
                          <Typography component="dd" variant="h6" sx={{ m: 0, fontVariantNumeric: 'tabular-nums' }}>{value}</Typography>
                        </Box>
                      ))}
                    </Box>
                  )
                )}
                <Typography variant="body2" sx={{ px: 2, pb: 2 }}>
                  Charts over time: <Link component={RouterLink} to="/dashboards/delivery">delivery</Link>,{' '}
                  <Link component={RouterLink} to="/dashboards/pipeline">pipeline</Link>,{' '}
                  <Link component={RouterLink} to="/dashboards/reliability">reliability</Link>.
                </Typography>
              </Section>
            </Grid>
            <Grid size={{ xs: 12, xl: 6 }}>
              <Section id="instances-title" title="Instances">
                {d?.instances && d.instances.length > 0 ? (
                  <TableContainer>
                    <Table size="small" aria-labelledby="instances-title">
                      <TableHeadRow
                        columns={[
                          'Instance',
                          'Kind',
                          { label: 'Connections', align: 'right' },
                          { label: 'In / s', align: 'right' },
                          { label: 'Out / s', align: 'right' },
                        ]}
                      />
                      <TableBody>
                        {d.instances.map((i) => (
                          <TableRow key={i.id}>
                            <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>{i.id}</TableCell>
                            <TableCell>{i.kind}</TableCell>
                            <TableCell align="right">{formatNumber(i.activeConnections)}</TableCell>
                            <TableCell align="right">{formatNumber(i.eventsInPerSec)}</TableCell>
                            <TableCell align="right">{formatNumber(i.eventsOutPerSec)}</TableCell>
                          </TableRow>
                        ))}
                      </TableBody>
                    </Table>
                  </TableContainer>
                ) : (
                  !dashboard.isPending && <EmptyState title="No instance reported yet" description="Instances report every 5 seconds." />
                )}
              </Section>
            </Grid>
            <Grid size={{ xs: 12 }}>
              <Section id="hot-title" title="Hot topics">
                {hot.data && hot.data.length > 0 ? (
                  <TableContainer>
                    <Table size="small" aria-labelledby="hot-title">
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
                          <TableRow key={t.topic}>
                            <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>{t.topic}</TableCell>
                            <TableCell align="right">{formatNumber(t.eventsPerSec)}</TableCell>
                            <TableCell align="right">{formatNumber(t.subscriberCount)}</TableCell>
                            <TableCell align="right">{formatMs(t.p95FanoutLatency)}</TableCell>
                          </TableRow>
                        ))}
                      </TableBody>
                    </Table>
                  </TableContainer>
                ) : hot.isPending ? (
                  <LoadingState label="Loading hot topics…" />
                ) : hot.error ? (
                  <ErrorAlert error={hot.error} onRetry={() => void hot.refetch()} />
                ) : (
                  <EmptyState title="No active topics" description="Topics appear here once they have traffic or subscribers." />
                )}
              </Section>
            </Grid>
          </>
        )}
      </Grid>
    </>
  );
}
