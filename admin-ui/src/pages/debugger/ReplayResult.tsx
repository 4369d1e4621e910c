// The answer of a replay: the new event, the schema verdict, where a dry-run would go, and the
// webhook endpoints that want it.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { ReplayAnswer } from '../../api/insights';
import { JsonBlock } from './JsonBlock';
import { TableHeadRow } from '../../components/TableHeadRow';

export function ReplayResult({ answer }: { answer: ReplayAnswer }) {
  const dry = answer.mode === 'dry-run';
  const routing = answer.routing;
  return (
    <Box component="section" aria-label="Replay result" data-testid="replay-result">
      <Typography variant="h6" component="h3" gutterBottom>
        Result
      </Typography>
      <Alert severity={answer.schema.valid ? 'success' : 'warning'} sx={{ mb: 2 }}>
        {dry ? 'Dry-run of ' : `Replayed (${answer.mode}) `}
        <code>{answer.replayOf}</code>
        {answer.eventId && (
          <>
            {' '}as the new event <code>{answer.eventId}</code>
          </>
        )}
        .{' '}
        {answer.schema.version === null
          ? 'No schema applies to the topic.'
          : answer.schema.valid
            ? `It passes schema version ${answer.schema.version}.`
            : `It fails schema version ${answer.schema.version}: ${answer.schema.message ?? ''}`}
        {answer.schema.errors && answer.schema.errors.length > 0 && (
          <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
            {answer.schema.errors.map((e, i) => (
              <li key={i}>
                <code>{e.path || '(root)'}</code>: {e.message}
              </li>
            ))}
          </ul>
        )}
      </Alert>
      <Stack direction="row" spacing={1} sx={{ mb: 2, flexWrap: 'wrap', gap: 1 }}>
        {routing && (
          <Chip
            label={`${routing.matchingSubscriptions} of ${routing.activeSubscriptions} subscription(s) would receive it`}
            variant="outlined"
          />
        )}
        {answer.webhooks && (
          <Chip
            label={`${answer.webhooks.endpoints} webhook endpoint(s)${dry ? ' would be enqueued' : ' enqueued'}`}
            variant="outlined"
          />
        )}
      </Stack>
      {routing && routing.routingDetails.length > 0 && (
        <Table size="small" aria-label="Where the dry-run would deliver" sx={{ mb: 2 }}>
          <TableHeadRow columns={['Subscription', 'Verdict', 'Filter', 'Socket', 'Instance']} />
          <TableBody>
            {routing.routingDetails.map((d) => (
              <TableRow key={`${d.instance}/${d.subscriptionId}`}>
                <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>
                  {d.subscriptionId}
                </TableCell>
                <TableCell>
                  <Chip size="small" color={d.matched ? 'success' : 'default'} label={d.matched ? 'matches' : 'filtered'} />
                </TableCell>
                <TableCell sx={{ fontFamily: 'monospace' }}>{d.filter === null ? 'none' : JSON.stringify(d.filter)}</TableCell>
                <TableCell sx={{ fontFamily: 'monospace' }}>{d.socketId}</TableCell>
                <TableCell sx={{ fontFamily: 'monospace' }}>{d.instance}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {answer.webhooks && answer.webhooks.endpointIds.length > 0 && (
        <Typography variant="body2" sx={{ mb: 2 }}>
          Webhook endpoints: {answer.webhooks.endpointIds.map((id) => <code key={id}>{id} </code>)}
        </Typography>
      )}
      <JsonBlock label="The event as replayed" value={answer.event} />
    </Box>
  );
}
