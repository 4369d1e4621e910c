// Connections: every live connection (GET /api/socket/connections?details=true), refreshed
// every 5 s; a row expands to its user agent, channels and subscriptions with their filters.
import { Fragment, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Collapse from '@mui/material/Collapse';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import KeyboardArrowDown from '@mui/icons-material/KeyboardArrowDown';
import KeyboardArrowRight from '@mui/icons-material/KeyboardArrowRight';
import Refresh from '@mui/icons-material/Refresh';
import { socketApi } from '../../api/operations';
import type { SocketConnection } from '../../api/operations';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { LoadingState } from '../../components/LoadingState';
import { VisuallyHidden } from '../../components/VisuallyHidden';
import { useScopedKey } from '../../state/scope';
import { formatUptime } from './traffic';
import { TableHeadRow } from '../../components/TableHeadRow';

const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 13 };

function transportLabel(c: SocketConnection): string {
  if (c.transport === 'socket.io') return `Socket.IO${c.engineTransport ? ` (${c.engineTransport})` : ''}`;
  if (c.transport === 'websocket') return 'WebSocket';
  return c.transport;
}

function returnModes(c: SocketConnection): string[] {
  return [...new Set(c.subscriptions.map((s) => s.returnMode).filter((m): m is string => Boolean(m)))];
}

function Details({ c }: { c: SocketConnection }) {
  return (
    <Stack spacing={2} sx={{ py: 2, pl: 6 }}>
      <Box>
        <Typography variant="subtitle2" component="h3">User agent</Typography>
        <Typography variant="body2" sx={{ ...mono, wordBreak: 'break-all' }}>{c.userAgent || '(none sent)'}</Typography>
        {c.instance && (
          <Typography variant="body2" color="text.secondary">Instance <code>{c.instance}</code> · connected {formatTime(c.connectedAt)}</Typography>
        )}
      </Box>
      <Box>
        <Typography variant="subtitle2" component="h3">Channels ({c.channels.length})</Typography>
        {c.channels.length === 0 ? (
          <Typography variant="body2" color="text.secondary">Not in any channel.</Typography>
        ) : (
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', mt: 0.5 }}>
            {c.channels.map((ch) => <Chip key={ch} size="small" label={ch} sx={mono} />)}
          </Box>
        )}
      </Box>
      <Box>
        <Typography variant="subtitle2" component="h3">Subscriptions ({c.subscriptions.length})</Typography>
        {c.subscriptions.length === 0 ? (
          <Typography variant="body2" color="text.secondary">No subscriptions.</Typography>
        ) : (
          <Table size="small" aria-label={`Subscriptions of ${c.socketId}`}>
            <TableHeadRow columns={['Subscription', 'Topic', 'Filter', 'Return mode', 'Since']} />
            <TableBody>
              {c.subscriptions.map((s) => (
                <TableRow key={s.subscriptionId}>
                  <TableCell sx={mono}>{s.subscriptionId}</TableCell>
                  <TableCell sx={mono}>{s.topic}</TableCell>
                  <TableCell sx={{ ...mono, maxWidth: 420, wordBreak: 'break-all' }}>{s.filter ? JSON.stringify(s.filter) : '—'}</TableCell>
                  <TableCell>{s.returnMode ?? 'full'}</TableCell>
                  <TableCell>{formatTime(s.subscribedAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Box>
    </Stack>
  );
}

export function ConnectionsTab() {
  const key = useScopedKey('socket', 'connections');
  const q = useQuery({ queryKey: key, queryFn: () => socketApi.connections(), refetchInterval: 5_000 });
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  if (q.isPending) return <LoadingState label="Loading connections…" />;
  if (q.error) return <ErrorAlert error={q.error} title="Could not load connections" onRetry={() => void q.refetch()} />;
  const rows = q.data.connections ?? [];
  const now = Date.now();

  return (
    <>
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', mb: 1, gap: 2, flexWrap: 'wrap' }}>
        <Typography variant="h6" component="h2">
          Connections <Typography component="span" color="text.secondary">({rows.length} here · {q.data.count} on every instance)</Typography>
        </Typography>
        <Button startIcon={<Refresh />} onClick={() => void q.refetch()} disabled={q.isFetching}>
          Refresh
        </Button>
      </Box>
      {q.data.partial && <Alert severity="warning" sx={{ mb: 1 }}>An instance did not answer in time: the list may be incomplete.</Alert>}
      {rows.length === 0 ? (
        <EmptyState title="No live connections" description="Connections to /ws and Socket.IO of this application and environment appear here." />
      ) : (
        <TableContainer>
          <Table size="small" aria-label="Live connections">
            <TableHead>
              <TableRow>
                <TableCell scope="col" sx={{ width: 48 }}>
                  <VisuallyHidden>Details</VisuallyHidden>
                </TableCell>
                <TableCell scope="col">Socket</TableCell>
                <TableCell scope="col">Transport</TableCell>
                <TableCell scope="col">Remote address</TableCell>
                <TableCell scope="col">Subject</TableCell>
                <TableCell scope="col" align="right">Channels</TableCell>
                <TableCell scope="col">Subscriptions</TableCell>
                <TableCell scope="col">Uptime</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map((c) => {
                const expanded = open.has(c.socketId);
                const modes = returnModes(c);
                return (
                  <Fragment key={c.socketId}>
                    <TableRow hover data-socket-id={c.socketId} sx={{ '& > td, & > th': { borderBottom: expanded ? 'none' : undefined } }}>
                      <TableCell>
                        <IconButton
                          size="small"
                          aria-label={`${expanded ? 'Hide' : 'Show'} details of ${c.socketId}`}
                          aria-expanded={expanded}
                          aria-controls={`conn-${c.socketId}`}
                          onClick={() => toggle(c.socketId)}
                        >
                          {expanded ? <KeyboardArrowDown /> : <KeyboardArrowRight />}
                        </IconButton>
                      </TableCell>
                      <TableCell component="th" scope="row" sx={mono}>{c.socketId}</TableCell>
                      <TableCell>{transportLabel(c)}</TableCell>
                      <TableCell sx={mono}>{c.remoteAddress}</TableCell>
                      <TableCell>{c.subject || '—'}</TableCell>
                      <TableCell align="right">{c.channels.length}</TableCell>
                      <TableCell>
                        {c.subscriptions.length}
                        {modes.map((m) => <Chip key={m} size="small" variant="outlined" label={`returnMode ${m}`} sx={{ ml: 1 }} />)}
                      </TableCell>
                      <TableCell>{formatUptime(now - c.connectedAt)}</TableCell>
                    </TableRow>
                    <TableRow>
                      <TableCell colSpan={8} sx={{ py: 0, borderBottom: expanded ? undefined : 'none' }}>
                        <Collapse in={expanded} unmountOnExit id={`conn-${c.socketId}`}>
                          <Details c={c} />
                        </Collapse>
                      </TableCell>
                    </TableRow>
                  </Fragment>
                );
              })}
            </TableBody>
          </Table>
        </TableContainer>
      )}
    </>
  );
}
