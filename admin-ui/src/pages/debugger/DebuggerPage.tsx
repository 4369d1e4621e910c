// spec/12 Event Debugger: the timeline of traces (GET /api/debugger/traces, topic and source
// filters, auto refresh), a trace's routing details, the replay dialog and "why not delivered".
// The selected trace is in the URL (?trace=) so that a link opens it.
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import Grid from '@mui/material/Grid';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import { debuggerApi, TRACE_SOURCES } from '../../api/insights';
import { EmptyState } from '../../components/EmptyState';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { formatTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { VisuallyHidden } from '../../components/VisuallyHidden';
import { useScope, useScopedKey } from '../../state/scope';
import { TraceDetail } from './TraceDetail';
import { QueryStates } from '../../components/QueryStates';

const PAGE = 50;
const REFRESH_MS = 3000;

export function DebuggerPage() {
  const { environment } = useScope();
  const [params, setParams] = useSearchParams();
  const selected = params.get('trace');
  const [topic, setTopic] = useState('');
  const [source, setSource] = useState('');
  const [offset, setOffset] = useState(0);
  const [auto, setAuto] = useState(true);
  const filters = { topic: topic.trim() || undefined, source: source || undefined, limit: PAGE, offset };
  const key = useScopedKey('debugger', 'traces', filters);
  const traces = useQuery({
    queryKey: key,
    queryFn: () => debuggerApi.traces(filters),
    refetchInterval: auto ? REFRESH_MS : false,
    placeholderData: keepPreviousData,
  });
  const select = (traceId: string) => setParams((p) => {
    const next = new URLSearchParams(p);
    next.set('trace', traceId);
    return next;
  });
  const list = traces.data ?? [];

  return (
    <>
      <PageHeader
        title="Event Debugger"
        description={<>Traces of the events routed in this application in <EnvironmentBadge environment={environment} />, newest first.</>}
        actions={
          <FormControlLabel
            control={<Switch checked={auto} onChange={(e) => setAuto(e.target.checked)} />}
            label={`Auto refresh (${REFRESH_MS / 1000} s)`}
          />
        }
      />
      <Grid container spacing={3}>
        <Grid size={{ xs: 12, xl: selected ? 6 : 12 }}>
          <Paper variant="outlined" component="section" aria-labelledby="timeline-title">
            <Typography id="timeline-title" variant="h6" component="h2" sx={{ px: 2, pt: 2 }}>
              Timeline
            </Typography>
            <Toolbar sx={{ gap: 2, flexWrap: 'wrap', py: 1 }}>
              <TextField
                label="Topic"
                size="small"
                value={topic}
                onChange={(e) => {
                  setTopic(e.target.value);
                  setOffset(0);
                }}
                helperText="Exact topic name"
              />
              <TextField
                select
                label="Source"
                size="small"
                value={source}
                onChange={(e) => {
                  setSource(e.target.value);
                  setOffset(0);
                }}
                sx={{ minWidth: 160 }}
                helperText="Any source"
              >
                <MenuItem value="">Any</MenuItem>
                {TRACE_SOURCES.map((s) => (
                  <MenuItem key={s} value={s}>
                    {s}
                  </MenuItem>
                ))}
              </TextField>
              <Button onClick={() => void traces.refetch()}>Refresh</Button>
            </Toolbar>
            <QueryStates
              query={traces}
              loading="Loading traces…"
              errorTitle="Could not load traces"
              keepDataOnError
              isEmpty={() => list.length === 0}
              empty={
                <EmptyState
                  title={offset > 0 ? 'No more traces' : 'No traces yet'}
                  description="Every event the router fans out gets a trace about 100–350 ms after it is published."
                />
              }
            >
              {() => (
                <TableContainer>
                  <Table size="small" aria-label="Traces">
                    <TableHead>
                      <TableRow>
                        <TableCell scope="col">Time</TableCell>
                        <TableCell scope="col">Topic</TableCell>
                        <TableCell scope="col">Source / type</TableCell>
                        <TableCell scope="col" align="right">Subscribers</TableCell>
                        <TableCell scope="col" align="right">Delivered</TableCell>
                        <TableCell scope="col" align="right">Filtered</TableCell>
                        <TableCell scope="col">
                          <VisuallyHidden>Details</VisuallyHidden>
                        </TableCell>
                      </TableRow>
                    </TableHead>
                    <TableBody>
                      {list.map((t) => (
                        <TableRow key={t.traceId} hover selected={t.traceId === selected}>
                          <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(t.timestamp)}</TableCell>
                          <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>
                            {t.topic}
                          </TableCell>
                          <TableCell>
                            {t.source} · {t.type}
                          </TableCell>
                          <TableCell align="right">{t.routingResult.subscriberCount}</TableCell>
                          <TableCell align="right">{t.routingResult.deliveredCount}</TableCell>
                          <TableCell align="right">{t.routingResult.filteredCount}</TableCell>
                          <TableCell align="right">
                            <Button size="small" onClick={() => select(t.traceId)} aria-label={`Details of ${t.eventId}`}>
                              Details
                            </Button>
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </TableContainer>
              )}
            </QueryStates>
            <Box sx={{ display: 'flex', justifyContent: 'flex-end', gap: 1, p: 1 }}>
              <Button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                Newer
              </Button>
              <Button disabled={list.length < PAGE} onClick={() => setOffset(offset + PAGE)}>
                Older
              </Button>
            </Box>
          </Paper>
        </Grid>
        {selected && (
          <Grid size={{ xs: 12, xl: 6 }}>
            <TraceDetail key={selected} traceId={selected} />
          </Grid>
        )}
      </Grid>
    </>
  );
}
