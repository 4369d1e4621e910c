// "Why (not) delivered?": GET /api/debugger/explain?eventId=&socketId=|subject= — the verdict,
// the first check that blocked delivery, and the facts of every check.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { debuggerApi } from '../../api/insights';
import type { ExplainAnswer, Explanation } from '../../api/insights';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TableHeadRow } from '../../components/TableHeadRow';

function facts(check: Record<string, unknown>): string {
  const rest = Object.entries(check).filter(([k]) => k !== 'check' && k !== 'passed');
  return rest.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('; ');
}

function OneExplanation({ e }: { e: Explanation }) {
  const conn = e.connection ?? {};
  return (
    <Box sx={{ mb: 2 }}>
      <Alert severity={e.delivered ? 'success' : 'warning'}>
        <AlertTitle>
          {e.delivered ? 'Delivered' : 'Not delivered'}
          {e.reason && !e.delivered ? ` — ${e.reason}` : ''}
        </AlertTitle>
        {e.message ?? (e.delivered ? 'Every check passed.' : '')}
        {typeof conn.socketId === 'string' && (
          <Typography variant="body2" sx={{ mt: 0.5 }}>
            Connection <code>{conn.socketId}</code>
            {typeof conn.transport === 'string' && ` (${conn.transport})`}
            {typeof conn.instance === 'string' && <> on <code>{conn.instance}</code></>}
            {typeof conn.closeReason === 'string' && `, closed: ${conn.closeReason}`}
          </Typography>
        )}
      </Alert>
      {e.checks && e.checks.length > 0 && (
        <Table size="small" aria-label="Checks, in order">
          <TableHeadRow columns={['Check', 'Result', 'Facts']} />
          <TableBody>
            {e.checks.map((c, i) => (
              <TableRow key={i}>
                <TableCell component="th" scope="row">
                  {c.check}
                </TableCell>
                <TableCell>
                  <Chip size="small" color={c.passed ? 'success' : 'error'} label={c.passed ? 'passed' : 'failed'} />
                </TableCell>
                <TableCell sx={{ fontFamily: 'monospace', fontSize: 12, wordBreak: 'break-word' }}>{facts(c)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

export function ExplainPanel({ eventId }: { eventId: string }) {
  const [by, setBy] = useState<'socketId' | 'subject'>('socketId');
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const explain = useMutation({
    mutationFn: (): Promise<ExplainAnswer> =>
      debuggerApi.explain(eventId, by === 'socketId' ? { socketId: value.trim() } : { subject: value.trim() }),
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    if (!value.trim()) {
      setProblem(by === 'socketId' ? 'Enter a socket id (as whoami reports it).' : 'Enter a subject (the token’s sub).');
      return;
    }
    setProblem(null);
    explain.mutate();
  };
  const a = explain.data;
  return (
    <Box component="section" aria-labelledby="explain-title">
      <Typography id="explain-title" variant="h6" component="h3" gutterBottom>
        Why (not) delivered?
      </Typography>
      <form onSubmit={submit} noValidate aria-label="Explain a delivery">
        <Stack spacing={1.5}>
          <RadioGroup row aria-label="Look up the client by" value={by} onChange={(e) => setBy(e.target.value as 'socketId' | 'subject')}>
            <FormControlLabel value="socketId" control={<Radio />} label="By socket id" />
            <FormControlLabel value="subject" control={<Radio />} label="By subject" />
          </RadioGroup>
          <Stack direction="row" spacing={1} alignItems="flex-start">
            <TextField
              label={by === 'socketId' ? 'Socket id' : 'Subject'}
              value={value}
              onChange={(e) => setValue(e.target.value)}
              error={Boolean(problem)}
              helperText={problem ?? ' '}
              size="small"
              sx={{ flex: 1 }}
            />
            <Button type="submit" variant="outlined" disabled={explain.isPending}>
              {explain.isPending ? 'Explaining…' : 'Explain'}
            </Button>
          </Stack>
        </Stack>
      </form>
      <ErrorAlert error={explain.error} />
      {a && 'connections' in a ? (
        a.connections.length === 0 ? (
          <Alert severity="info">No connection of this subject is remembered.</Alert>
        ) : (
          a.connections.map((c, i) => <OneExplanation key={c.socketId ?? i} e={c} />)
        )
      ) : (
        a && <OneExplanation e={a} />
      )}
    </Box>
  );
}
