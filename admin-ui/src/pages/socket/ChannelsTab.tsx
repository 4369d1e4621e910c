// Channels: every active channel with its member count (GET /api/socket/channels, refreshed
// every 5 s), its members page by page, and a broadcast to a channel (POST /api/socket/broadcast).
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import CampaignOutlined from '@mui/icons-material/CampaignOutlined';
import GroupOutlined from '@mui/icons-material/GroupOutlined';
import { socketApi } from '../../api/operations';
import { Can } from '../../auth/permissions';
import { EmptyState } from '../../components/EmptyState';
import { useScopedKey } from '../../state/scope';
import { BroadcastDialog } from './BroadcastDialog';
import { MembersDialog } from './MembersDialog';
import { TableHeadRow } from '../../components/TableHeadRow';
import { QueryStates } from '../../components/QueryStates';

export function ChannelsTab() {
  const key = useScopedKey('socket', 'channels');
  const q = useQuery({ queryKey: key, queryFn: socketApi.channels, refetchInterval: 5_000 });
  const [members, setMembers] = useState<string | null>(null);
  const [broadcast, setBroadcast] = useState<{ open: boolean; channel: string }>({ open: false, channel: '' });

  const broadcastButton = (
    <Can permission="socket:create" mode="disable">
      <Button variant="contained" startIcon={<CampaignOutlined />} onClick={() => setBroadcast({ open: true, channel: '' })}>
        Broadcast
      </Button>
    </Can>
  );

  const rows = [...(q.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', mb: 1, gap: 2, flexWrap: 'wrap' }}>
        <Typography variant="h6" component="h2">Channels</Typography>
        {broadcastButton}
      </Box>
      <QueryStates
        query={q}
        loading="Loading channels…"
        errorTitle="Could not load channels"
        isEmpty={() => rows.length === 0}
        empty={<EmptyState title="No active channels" description="A channel appears here while at least one connection has joined it." />}
      >
        {() => (
          <TableContainer>
            <Table size="small" aria-label="Active channels">
              <TableHeadRow columns={['Channel', { label: 'Members', align: 'right' }, { label: 'Actions', align: 'right' }]} />
              <TableBody>
                {rows.map((c) => (
                  <TableRow key={c.name} hover>
                    <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>{c.name}</TableCell>
                    <TableCell align="right">{c.memberCount}</TableCell>
                    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                      <Button size="small" startIcon={<GroupOutlined />} onClick={() => setMembers(c.name)} aria-label={`Members of ${c.name}`}>
                        Members
                      </Button>
                      <Can permission="socket:create">
                        <Button
                          size="small"
                          startIcon={<CampaignOutlined />}
                          onClick={() => setBroadcast({ open: true, channel: c.name })}
                          aria-label={`Broadcast to ${c.name}`}
                        >
                          Broadcast
                        </Button>
                      </Can>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </QueryStates>
      <MembersDialog channel={members} onClose={() => setMembers(null)} />
      <BroadcastDialog open={broadcast.open} channel={broadcast.channel} onClose={() => setBroadcast({ open: false, channel: '' })} />
    </>
  );
}
