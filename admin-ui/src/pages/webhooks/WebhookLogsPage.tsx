// spec/12 Delivery Logs: GET /api/webhooks/logs filtered by event type, endpoint and status
// (kept in the URL), refreshed every 5 s; a row opens its payload and attempt history; a dead
// letter can be retried (POST /api/webhooks/logs/:id/retry).
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Toolbar from '@mui/material/Toolbar';
import { DELIVERY_STATUSES, WEBHOOK_EVENTS, webhooksApi } from '../../api/operations';
import type { DeliveryLog } from '../../api/operations';
import { Can, usePermissions } from '../../auth/permissions';
import { EmptyState } from '../../components/EmptyState';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatMs, formatTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { useScope, useScopedKey } from '../../state/scope';
import { LogDetailDialog } from './LogDetailDialog';
import { StatusChip } from './StatusChip';
import { TableHeadRow } from '../../components/TableHeadRow';
import { QueryStates } from '../../components/QueryStates';

const FILTERS = ['event', 'webhookId', 'status'] as const;

export function WebhookLogsPage() {
  const { environment } = useScope();
  const { can } = usePermissions();
  const [params, setParams] = useSearchParams();
  const filter = { event: params.get('event') ?? '', webhookId: params.get('webhookId') ?? '', status: params.get('status') ?? '' };
  const setFilter = (k: (typeof FILTERS)[number], v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const queryClient = useQueryClient();
  const logsKey = useScopedKey('webhook-logs', filter);
  const logs = useQuery({ queryKey: logsKey, queryFn: () => webhooksApi.logs({ ...filter, limit: 200 }), refetchInterval: 5_000 });
  const hooks = useQuery({ queryKey: useScopedKey('webhooks'), queryFn: webhooksApi.list, enabled: can('webhooks:read') });
  const [opened, setOpen] = useState<DeliveryLog | null>(null);

  const retry = useMutation({
    mutationFn: (id: string) => webhooksApi.retry(id),
    onSuccess: (log) => {
      if (opened?.id === log.id) setOpen(log);
      void queryClient.invalidateQueries({ queryKey: logsKey.slice(0, 3) });
    },
  });

  const urlOf = (id: string) => hooks.data?.find((h) => h.id === id)?.url;
  const rows = logs.data ?? [];
  // The open delivery as last listed (it changes while retried), else as opened.
  const open = opened ? (rows.find((r) => r.id === opened.id) ?? opened) : null;
  const filtered = Boolean(filter.event || filter.webhookId || filter.status);

  return (
    <>
      <PageHeader
        title="Delivery Logs"
        description={<>Webhook deliveries of this application in <EnvironmentBadge environment={environment} />, newest first, with each attempt.</>}
      />
      <ErrorAlert error={open ? null : retry.error} title="The retry failed" />
      <Paper variant="outlined">
        <Toolbar sx={{ gap: 2, flexWrap: 'wrap', py: 1 }}>
          <TextField select label="Event type" value={filter.event} onChange={(e) => setFilter('event', e.target.value)} sx={{ minWidth: 200 }}>
            <MenuItem value="">All events</MenuItem>
            {[...WEBHOOK_EVENTS, 'webhook.test'].map((ev) => (
              <MenuItem key={ev} value={ev}>{ev}</MenuItem>
            ))}
          </TextField>
          <TextField select label="Endpoint" value={filter.webhookId} onChange={(e) => setFilter('webhookId', e.target.value)} sx={{ minWidth: 260, maxWidth: 420 }}>
            <MenuItem value="">All endpoints</MenuItem>
            {(hooks.data ?? []).map((h) => (
              <MenuItem key={h.id} value={h.id}>{h.url} ({h.id})</MenuItem>
            ))}
            {filter.webhookId && !hooks.data?.some((h) => h.id === filter.webhookId) && (
              <MenuItem value={filter.webhookId}>{filter.webhookId}</MenuItem>
            )}
          </TextField>
          <TextField select label="Status" value={filter.status} onChange={(e) => setFilter('status', e.target.value)} sx={{ minWidth: 160 }}>
            <MenuItem value="">Any status</MenuItem>
            {DELIVERY_STATUSES.map((s) => (
              <MenuItem key={s} value={s}>{s}</MenuItem>
            ))}
          </TextField>
          {filtered && <Button onClick={() => setParams({}, { replace: true })}>Clear filters</Button>}
        </Toolbar>
        <QueryStates
          query={logs}
          loading="Loading deliveries…"
          errorTitle="Could not load the delivery logs"
          isEmpty={() => rows.length === 0}
          empty={
            <EmptyState
              title={filtered ? 'No delivery matches' : 'No deliveries yet'}
              description={filtered ? 'Try other filters.' : 'A delivery appears here with its first attempt.'}
            />
          }
        >
          {() => (
            <TableContainer>
              <Table size="small" aria-label="Webhook deliveries">
                <TableHeadRow
                  columns={[
                    'Created',
                    'Event',
                    'Endpoint',
                    'Status',
                    { label: 'Response', align: 'right' },
                    { label: 'Attempts', align: 'right' },
                    { label: 'Duration', align: 'right' },
                    { label: 'Actions', align: 'right' },
                  ]}
                />
                <TableBody>
                  {rows.map((l) => (
                    <TableRow key={l.id} hover data-log-id={l.id}>
                      <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(l.createdAt)}</TableCell>
                      <TableCell component="th" scope="row">
                        <Box sx={{ fontFamily: 'monospace' }}>{l.event}</Box>
                        <Box sx={{ fontFamily: 'monospace', fontSize: 12, color: 'text.secondary' }}>{l.topic}</Box>
                      </TableCell>
                      <TableCell sx={{ maxWidth: 280, wordBreak: 'break-all', fontFamily: 'monospace', fontSize: 13 }}>{urlOf(l.webhookId) ?? l.url}</TableCell>
                      <TableCell><StatusChip status={l.status} /></TableCell>
                      <TableCell align="right">{l.statusCode ?? (l.error ? 'error' : '—')}</TableCell>
                      <TableCell align="right">{l.attempts}</TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>{formatMs(l.durationMs)}</TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        <Button size="small" onClick={() => setOpen(l)} aria-label={`Details of delivery ${l.id}`}>
                          Details
                        </Button>
                        {l.status === 'dead' && (
                          <Can permission="webhooks:update">
                            <Button size="small" color="error" disabled={retry.isPending} onClick={() => retry.mutate(l.id)} aria-label={`Retry delivery ${l.id}`}>
                              Retry
                            </Button>
                          </Can>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </QueryStates>
      </Paper>
      <LogDetailDialog
        log={open}
        onClose={() => {
          setOpen(null);
          retry.reset();
        }}
        retrying={retry.isPending}
        retryError={retry.error}
        onRetry={(id) => retry.mutate(id)}
      />
    </>
  );
}
