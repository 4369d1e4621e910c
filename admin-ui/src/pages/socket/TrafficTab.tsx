// Live Traffic: the Server-Sent Events of GET /api/socket/traffic (read with fetch, see
// api/sse.ts), newest first, at most MAX_TRAFFIC kept. Pause holds new events back (they are
// shown on resume); Clear empties the list. A stream the server ends (a reader too far behind,
// a restart) is opened again after 2 s.
import { useCallback, useEffect, useRef, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import DeleteSweepOutlined from '@mui/icons-material/DeleteSweepOutlined';
import PauseOutlined from '@mui/icons-material/PauseOutlined';
import PlayArrowOutlined from '@mui/icons-material/PlayArrowOutlined';
import { readTraffic } from '../../api/sse';
import type { TrafficEvent } from '../../api/sse';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useScope } from '../../state/scope';
import { MAX_TRAFFIC, prependBounded, summarize, trafficColor } from './traffic';
import type { TrafficRow } from './traffic';
import { TableHeadRow } from '../../components/TableHeadRow';

type StreamState = 'connecting' | 'live' | 'reconnecting' | 'failed';

const STATE_LABEL: Record<StreamState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  failed: 'Stopped',
};

export function TrafficTab() {
  const { applicationId, environment } = useScope();
  const [rows, setRows] = useState<TrafficRow[]>([]);
  const [state, setState] = useState<StreamState>('connecting');
  const [error, setError] = useState<unknown>(null);
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState(0);
  const pausedRef = useRef(false);
  const heldRef = useRef<TrafficRow[]>([]);
  const pending = useRef<TrafficRow[]>([]);
  const seq = useRef(0);
  const [attempt, setAttempt] = useState(0);

  // Events arrive in bursts: batch them into one state update per animation frame.
  const frame = useRef<number | null>(null);
  const flush = useCallback(() => {
    frame.current = null;
    const batch = pending.current;
    pending.current = [];
    if (batch.length) setRows((r) => prependBounded(r, batch));
  }, []);

  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState((s) => (s === 'live' ? 'reconnecting' : 'connecting'));
    setError(null);
    readTraffic(ctl.signal, {
      onOpen: () => setState('live'),
      onEvent: (e: TrafficEvent) => {
        const row: TrafficRow = { ...e, seq: ++seq.current };
        if (pausedRef.current) {
          heldRef.current = prependBounded(heldRef.current, [row]);
          setHeld(heldRef.current.length);
          return;
        }
        pending.current.push(row);
        if (frame.current === null) frame.current = requestAnimationFrame(flush);
      },
    })
      .then(() => {
        if (ctl.signal.aborted) return;
        setState('reconnecting');
        timer = setTimeout(() => setAttempt((a) => a + 1), 2_000);
      })
      .catch((e: unknown) => {
        if (ctl.signal.aborted) return;
        setError(e);
        setState('failed');
      });
    return () => {
      ctl.abort();
      if (timer) clearTimeout(timer);
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [applicationId, environment, attempt, flush]);

  const togglePause = () => {
    if (pausedRef.current) {
      const heldRows = heldRef.current;
      heldRef.current = [];
      setHeld(0);
      setRows((r) => prependBounded(r, [...heldRows].reverse()));
    }
    pausedRef.current = !pausedRef.current;
    setPaused(pausedRef.current);
  };

  const clear = () => {
    pending.current = [];
    heldRef.current = [];
    setHeld(0);
    setRows([]);
  };

  return (
    <>
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', mb: 1, gap: 2, flexWrap: 'wrap' }}>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5 }}>
          <Typography variant="h6" component="h2">Live Traffic</Typography>
          <Chip
            size="small"
            label={paused ? `Paused${held ? ` (${held} waiting)` : ''}` : STATE_LABEL[state]}
            color={paused ? 'default' : state === 'live' ? 'success' : state === 'failed' ? 'error' : 'default'}
            data-testid="traffic-state"
            role="status"
            sx={{ transition: 'none' }}
          />
        </Box>
        <Box sx={{ display: 'flex', gap: 1 }}>
          <Button variant="outlined" startIcon={paused ? <PlayArrowOutlined /> : <PauseOutlined />} onClick={togglePause}>
            {paused ? 'Resume' : 'Pause'}
          </Button>
          <Button variant="outlined" startIcon={<DeleteSweepOutlined />} onClick={clear} disabled={rows.length === 0 && held === 0}>
            Clear
          </Button>
        </Box>
      </Box>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        Connects, subscriptions, channel joins, broadcasts and disconnects of this server instance as they happen; the newest{' '}
        {MAX_TRAFFIC} are kept.
      </Typography>
      <ErrorAlert error={error} title="The traffic stream stopped" onRetry={() => setAttempt((a) => a + 1)} />
      {rows.length === 0 ? (
        <EmptyState title="No traffic yet" description={paused ? 'Paused: new events wait until you resume.' : 'Events appear here as clients connect, subscribe and send.'} />
      ) : (
        <TableContainer sx={{ maxHeight: 560 }}>
          <Table size="small" stickyHeader aria-label="Live traffic, newest first">
            <TableHeadRow columns={['Time', 'Type', 'Socket', 'Details']} />
            <TableBody>
              {rows.map((r) => (
                <TableRow key={r.seq} data-traffic-type={r.type}>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{new Date(r.at).toLocaleTimeString()}</TableCell>
                  <TableCell>
                    <Chip size="small" variant="outlined" color={trafficColor(r.type)} label={r.type} />
                  </TableCell>
                  <TableCell sx={{ fontFamily: 'monospace' }}>{r.socketId ?? '(REST)'}</TableCell>
                  <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{summarize(r)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
    </>
  );
}
