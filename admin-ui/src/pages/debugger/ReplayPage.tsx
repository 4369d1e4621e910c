// spec/12 Replay Tool: load events from the trace store, pick one, choose the mode, apply
// overrides, see the result (POST /api/debugger/replay). ?trace= preselects a trace.
import { useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Grid from '@mui/material/Grid';
import Link from '@mui/material/Link';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { debuggerApi } from '../../api/insights';
import type { TraceSummary } from '../../api/insights';
import { EmptyState } from '../../components/EmptyState';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { formatTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { useScope, useScopedKey } from '../../state/scope';
import { JsonBlock } from './JsonBlock';
import { ReplayForm } from './ReplayForm';
import { QueryStates } from '../../components/QueryStates';

function label(t: TraceSummary): string {
  return `${formatTime(t.timestamp)} · ${t.topic} · ${t.eventId}`;
}

export function ReplayPage() {
  const { environment } = useScope();
  const [params, setParams] = useSearchParams();
  const traceId = params.get('trace') ?? '';
  const [topic, setTopic] = useState('');
  const filters = { topic: topic.trim() || undefined, limit: 100 };
  const traces = useQuery({ queryKey: useScopedKey('debugger', 'traces', filters), queryFn: () => debuggerApi.traces(filters) });
  const list = traces.data ?? [];
  const chosen = list.find((t) => t.traceId === traceId);
  const choose = (id: string) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (id) next.set('trace', id);
      else next.delete('trace');
      return next;
    });

  return (
    <>
      <PageHeader
        title="Replay Tool"
        description={
          <>
            Re-send a traced event of this application in <EnvironmentBadge environment={environment} />: a dry-run,
            through the router, to sockets only or to webhooks only. Each replay is a new event marked with the
            original’s id.
          </>
        }
      />
      <Grid container spacing={3}>
        <Grid size={{ xs: 12, lg: 5 }}>
          <Paper variant="outlined" component="section" aria-labelledby="pick-title" sx={{ p: 2 }}>
            <Typography id="pick-title" variant="h6" component="h2" gutterBottom>
              1. Pick an event
            </Typography>
            <Stack spacing={2}>
              <TextField label="Filter by topic" size="small" value={topic} onChange={(e) => setTopic(e.target.value)} helperText="Exact topic name, or empty for all" />
              <QueryStates
                query={traces}
                loading="Loading traces…"
                errorTitle="Could not load traces"
                isEmpty={() => list.length === 0}
                empty={<EmptyState title="No traced events" description="Publish an event, then pick it here." />}
              >
                {() => (
                  <TextField select label="Traced event" value={chosen ? traceId : ''} onChange={(e) => choose(e.target.value)}>
                    {list.map((t) => (
                      <MenuItem key={t.traceId} value={t.traceId}>
                        {label(t)}
                      </MenuItem>
                    ))}
                  </TextField>
                )}
              </QueryStates>
              {traceId && !chosen && !traces.isPending && (
                <Typography variant="body2">
                  Trace <code>{traceId}</code> (not among the 100 newest shown).
                </Typography>
              )}
              {chosen && (
                <>
                  <Typography variant="body2">
                    <strong>{chosen.topic}</strong> · {chosen.source} · {chosen.type} · delivered to{' '}
                    {chosen.routingResult.deliveredCount} of {chosen.routingResult.subscriberCount} subscriber(s).{' '}
                    <Link component={RouterLink} to={`/debugger?trace=${encodeURIComponent(chosen.traceId)}`}>
                      Open in the debugger
                    </Link>
                  </Typography>
                  <JsonBlock label="Traced payload" value={chosen.payload} maxHeight={240} />
                </>
              )}
            </Stack>
          </Paper>
        </Grid>
        <Grid size={{ xs: 12, lg: 7 }}>
          <Paper variant="outlined" component="section" aria-labelledby="replay-title" sx={{ p: 2 }}>
            <Typography id="replay-title" variant="h6" component="h2" gutterBottom>
              2. Mode, overrides and result
            </Typography>
            {traceId ? (
              <ReplayForm key={traceId} traceId={traceId} />
            ) : (
              <Box sx={{ color: 'text.secondary' }}>
                <Typography>Pick an event first.</Typography>
              </Box>
            )}
          </Paper>
        </Grid>
      </Grid>
    </>
  );
}
