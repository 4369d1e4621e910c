// spec/12 Webhook Endpoints: list (GET /api/webhooks), create with the secret shown once,
// activate/deactivate, send a signed test ping (POST …/:id/test), delete with confirmation.
import { useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import Add from '@mui/icons-material/Add';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import SendOutlined from '@mui/icons-material/SendOutlined';
import { webhooksApi } from '../../api/operations';
import type { TestResult, Webhook } from '../../api/operations';
import { Can } from '../../auth/permissions';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { useScope, useScopedKey } from '../../state/scope';
import { SecretOnceDialog } from './SecretOnceDialog';
import { WebhookDialog } from './WebhookDialog';
import { RowAction } from '../../components/RowAction';
import { TableHeadRow } from '../../components/TableHeadRow';
import { QueryStates } from '../../components/QueryStates';

export function WebhooksPage() {
  const { environment } = useScope();
  const key = useScopedKey('webhooks');
  const queryClient = useQueryClient();
  const hooks = useQuery({ queryKey: key, queryFn: webhooksApi.list });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ hook: Webhook; secret: string } | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [tested, setTested] = useState<{ hook: Webhook; result: TestResult } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: key });

  const toggle = useMutation({
    mutationFn: (v: { id: string; active: boolean }) => webhooksApi.setActive(v.id, v.active),
    onSuccess: refresh,
  });
  const test = useMutation({
    mutationFn: (hook: Webhook) => webhooksApi.test(hook.id),
    onSuccess: (result, hook) => setTested({ hook, result }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => webhooksApi.remove(id),
    onSuccess: () => {
      setDeleting(null);
      refresh();
    },
  });

  const createButton = (
    <Can permission="webhooks:create" mode="disable">
      <Button variant="contained" startIcon={<Add />} onClick={() => setCreating(true)}>
        Add endpoint
      </Button>
    </Can>
  );
  const rows = [...(hooks.data ?? [])].sort((a, b) => b.createdAt - a.createdAt);

  return (
    <>
      <PageHeader
        title="Webhook Endpoints"
        description={<>Signed HTTP deliveries of this application's events in <EnvironmentBadge environment={environment} />. See the <Link component={RouterLink} to="/webhooks/logs">delivery logs</Link>.</>}
        actions={createButton}
      />
      <ErrorAlert error={toggle.error ?? test.error} title="The action failed" />
      {tested && (
        <Alert
          severity={tested.result.success ? 'success' : 'error'}
          onClose={() => setTested(null)}
          sx={{ mb: 2 }}
          data-testid="test-result"
        >
          Test ping to <code>{tested.hook.url}</code>:{' '}
          {tested.result.success ? 'delivered' : 'failed'}
          {tested.result.statusCode !== null && ` — HTTP ${tested.result.statusCode}`} in {tested.result.durationMs} ms
          {tested.result.error && ` — ${tested.result.error}`}. Delivery{' '}
          <Link component={RouterLink} to={`/webhooks/logs?webhookId=${encodeURIComponent(tested.hook.id)}`}>
            {tested.result.deliveryId}
          </Link>
          .
        </Alert>
      )}
      <Paper variant="outlined">
        <QueryStates
          query={hooks}
          loading="Loading endpoints…"
          errorTitle="Could not load the endpoints"
          isEmpty={() => rows.length === 0}
          empty={<EmptyState title="No webhook endpoints yet" description="Add an endpoint to receive events as signed HTTP POSTs." action={createButton} />}
        >
          {() => (
            <TableContainer>
              <Table size="small" aria-label="Webhook endpoints">
                <TableHeadRow
                  columns={[
                    'URL',
                    'Events and topics',
                    'Delivery',
                    'Created',
                    'Active',
                    { label: 'Actions', align: 'right' },
                  ]}
                />
                <TableBody>
                  {rows.map((h) => (
                    <TableRow key={h.id} hover data-webhook-id={h.id}>
                      <TableCell component="th" scope="row" sx={{ maxWidth: 360, wordBreak: 'break-all' }}>
                        <Typography variant="body2" sx={{ fontFamily: 'monospace' }}>{h.url}</Typography>
                        <Typography variant="caption" color="text.secondary">
                          {h.id}
                          {h.description && ` · ${h.description}`}
                        </Typography>
                      </TableCell>
                      <TableCell sx={{ maxWidth: 320 }}>
                        <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
                          {h.events.map((e) => <Chip key={e} size="small" label={e} />)}
                          {h.topics.map((t) => <Chip key={t} size="small" variant="outlined" label={`topic ${t}`} />)}
                        </Box>
                      </TableCell>
                      <TableCell sx={{ whiteSpace: 'nowrap' }}>
                        <Typography variant="body2">{h.signatureScheme === 'standard' ? 'Standard Webhooks' : 'Realtime'} signature</Typography>
                        <Typography variant="caption" color="text.secondary">
                          {h.ordering === 'fifo' ? 'FIFO' : 'unordered'} · {h.maxConcurrency} in flight
                        </Typography>
                      </TableCell>
                      <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(h.createdAt)}</TableCell>
                      <TableCell>
                        <Can permission="webhooks:update" mode="disable">
                          <Switch
                            checked={h.active}
                            disabled={toggle.isPending}
                            onChange={(e) => toggle.mutate({ id: h.id, active: e.target.checked })}
                            slotProps={{ input: { 'aria-label': `${h.active ? 'Deactivate' : 'Activate'} ${h.url}` } }}
                          />
                        </Can>
                        <Typography component="span" variant="body2" color={h.active ? 'success.main' : 'text.secondary'}>
                          {h.active ? 'Active' : 'Inactive'}
                        </Typography>
                      </TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        <Can permission="webhooks:update">
                          <Button
                            size="small"
                            startIcon={<SendOutlined />}
                            disabled={test.isPending}
                            onClick={() => test.mutate(h)}
                            aria-label={`Send a test ping to ${h.url}`}
                          >
                            {test.isPending && test.variables?.id === h.id ? 'Sending…' : 'Test'}
                          </Button>
                        </Can>
                        <RowAction permission="webhooks:delete" title="Delete" label={`Delete ${h.url}`} icon={<DeleteOutline fontSize="small" />} onClick={() => setDeleting(h)} />
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </QueryStates>
      </Paper>

      <WebhookDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(hook, secret) => {
          setCreating(false);
          setCreated({ hook, secret });
          refresh();
        }}
      />
      <SecretOnceDialog open={created !== null} url={created?.hook.url ?? ''} secret={created?.secret ?? ''} onClose={() => setCreated(null)} />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete endpoint?"
        message={
          <>
            <strong>{deleting?.url}</strong> stops receiving deliveries at once; its queued deliveries are dropped. This cannot be
            undone.
          </>
        }
        confirmLabel="Delete"
        destructive
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
      />
    </>
  );
}
