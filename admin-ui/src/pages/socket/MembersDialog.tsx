// The members of one channel, 50 at a time (GET /api/socket/channels/:channel/members?limit=&cursor=,
// following nextCursor with "Load more").
import { useId } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { socketApi } from '../../api/operations';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { LoadingState } from '../../components/LoadingState';
import { useScopedKey } from '../../state/scope';
import { TableHeadRow } from '../../components/TableHeadRow';

const PAGE = 50;

export function MembersDialog({ channel, onClose }: { channel: string | null; onClose: () => void }) {
  const titleId = useId();
  const key = useScopedKey('socket', 'members', channel);
  const q = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => socketApi.members(channel!, PAGE, pageParam || undefined),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: channel !== null,
  });
  const members = q.data?.pages.flatMap((p) => p.members) ?? [];
  const total = q.data?.pages[q.data.pages.length - 1]?.memberCount ?? members.length;

  return (
    <Dialog open={channel !== null} onClose={onClose} aria-labelledby={titleId} fullWidth maxWidth="md">
      <DialogTitle id={titleId}>Members of {channel}</DialogTitle>
      <DialogContent>
        {q.isPending ? (
          <LoadingState label="Loading members…" />
        ) : !q.data ? (
          <ErrorAlert error={q.error} title="Could not load the members" onRetry={() => void q.refetch()} />
        ) : members.length === 0 ? (
          <EmptyState title="No members" description="Everyone has left this channel." />
        ) : (
          <>
            <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
              Showing {members.length} of {total} members, in join order.
            </Typography>
            <Table size="small" aria-label={`Members of ${channel}`}>
              <TableHeadRow columns={['Socket', 'Subject', 'Joined']} />
              <TableBody>
                {members.map((m) => (
                  <TableRow key={m.socketId}>
                    <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>{m.socketId}</TableCell>
                    <TableCell>{m.subject || '—'}</TableCell>
                    <TableCell>{formatTime(m.joinedAt)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {q.hasNextPage && (
              <Button sx={{ mt: 1 }} onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
                {q.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </Button>
            )}
            <ErrorAlert error={q.error} />
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
