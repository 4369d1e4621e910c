// spec/12 Invites: invitations by email with a role — create (the link is shown once, to copy),
// track their status (pending, accepted, revoked, expired), revoke, delete.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Toolbar from '@mui/material/Toolbar';
import Add from '@mui/icons-material/Add';
import { invitesApi, rolesApi } from '../../api/security';
import type { Invite, NewInvite } from '../../api/security';
import { Can } from '../../auth/permissions';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { CopyField } from './CopyField';
import { EMAIL } from './users';
import { TableHeadRow } from '../../components/TableHeadRow';
import { QueryStates } from '../../components/QueryStates';

const STATUS_COLOR = { pending: 'info', accepted: 'success', revoked: 'default', expired: 'warning' } as const;

/** The admin UI's own accept page for a token (works from whichever origin serves this UI). */
export function inviteLink(token: string, origin = window.location.origin): string {
  return `${origin}/invite/${encodeURIComponent(token)}`;
}

function CreateInviteDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const roles = useQuery({ queryKey: ['roles'], queryFn: rolesApi.list, enabled: open });
  const [email, setEmail] = useState('');
  const [roleId, setRoleId] = useState('role_viewer');
  const [problem, setProblem] = useState<string | null>(null);
  const create = useMutation({ mutationFn: () => invitesApi.create(email.trim(), roleId), onSuccess: onCreated });
  const created: NewInvite | undefined = create.data;
  const close = () => {
    setEmail('');
    setProblem(null);
    create.reset();
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = EMAIL.test(email.trim()) ? null : 'Enter an email address.';
    setProblem(p);
    if (!p) create.mutate();
  };
  return (
    <Dialog open={open} onClose={create.isPending ? undefined : close} aria-labelledby="invite-title" fullWidth maxWidth="sm">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="invite-title">{created ? 'Invitation created' : 'Invite a user'}</DialogTitle>
        <DialogContent>
          {created ? (
            <Stack spacing={2}>
              <Alert severity={created.emailSent ? 'success' : 'info'}>
                {created.emailSent ? `An email was sent to ${created.email}. ` : `No email was sent (mail is not configured): give ${created.email} this link. `}
                It is valid once, until {formatTime(created.expiresAt)}, and is not shown again.
              </Alert>
              <CopyField label="Invite link" value={inviteLink(created.token)} testId="invite-link" />
            </Stack>
          ) : (
            <Stack spacing={2} sx={{ pt: 1 }}>
              <TextField label="Email" type="email" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} error={Boolean(problem)} helperText={problem} />
              <TextField select label="Role" value={roleId} onChange={(e) => setRoleId(e.target.value)} helperText="You can only invite to a role whose permissions you hold.">
                {(roles.data ?? [{ id: 'role_viewer', name: 'viewer', description: '' }]).map((r) => (
                  <MenuItem key={r.id} value={r.id}>{r.name}</MenuItem>
                ))}
              </TextField>
              <ErrorAlert error={create.error ?? roles.error} />
            </Stack>
          )}
        </DialogContent>
        <DialogActions>
          {created ? (
            <Button variant="contained" onClick={close}>Done</Button>
          ) : (
            <>
              <Button onClick={close} disabled={create.isPending}>Cancel</Button>
              <Button type="submit" variant="contained" disabled={create.isPending}>{create.isPending ? 'Inviting…' : 'Create invite'}</Button>
            </>
          )}
        </DialogActions>
      </form>
    </Dialog>
  );
}

export function InvitesPage() {
  const queryClient = useQueryClient();
  const invites = useQuery({ queryKey: ['invites'], queryFn: invitesApi.list });
  const roles = useQuery({ queryKey: ['roles'], queryFn: rolesApi.list });
  const [status, setStatus] = useState('');
  const [creating, setCreating] = useState(false);
  const [confirm, setConfirm] = useState<{ action: 'revoke' | 'delete'; invite: Invite } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['invites'] });
  const act = useMutation({
    mutationFn: ({ action, invite }: { action: 'revoke' | 'delete'; invite: Invite }): Promise<unknown> =>
      action === 'revoke' ? invitesApi.revoke(invite.id) : invitesApi.remove(invite.id),
    onSuccess: () => {
      setConfirm(null);
      refresh();
    },
  });
  const roleName = (id: string) => roles.data?.find((r) => r.id === id)?.name ?? id;
  const rows = [...(invites.data ?? [])].filter((i) => !status || i.status === status).sort((a, b) => b.createdAt - a.createdAt);

  return (
    <>
      <PageHeader
        title="Invites"
        description="Invite people by email with a role; they choose their name and password when they accept."
        actions={
          <Can permission={['invites:create', 'roles:read']} mode="disable">
            <Button variant="contained" startIcon={<Add />} onClick={() => setCreating(true)}>Invite user</Button>
          </Can>
        }
      />
      <Paper variant="outlined">
        <Toolbar>
          <TextField select size="small" label="Status" value={status} onChange={(e) => setStatus(e.target.value)} sx={{ minWidth: 180 }}>
            <MenuItem value="">Every status</MenuItem>
            {Object.keys(STATUS_COLOR).map((s) => <MenuItem key={s} value={s}>{s}</MenuItem>)}
          </TextField>
        </Toolbar>
        <QueryStates
          query={invites}
          loading="Loading invites…"
          errorTitle="Could not load invites"
          isEmpty={() => rows.length === 0}
          empty={<EmptyState title={status ? `No ${status} invites` : 'No invites yet'} description="Invite a user to give them access." />}
        >
          {() => (
            <TableContainer>
              <Table size="small" aria-label="Invites">
                <TableHeadRow
                  columns={[
                    'Email',
                    'Role',
                    'Status',
                    'Created',
                    'Expires',
                    'Accepted',
                    { label: 'Actions', align: 'right' },
                  ]}
                />
                <TableBody>
                  {rows.map((i) => (
                    <TableRow key={i.id} hover>
                      <TableCell component="th" scope="row">{i.email}</TableCell>
                      <TableCell>{roleName(i.roleId)}</TableCell>
                      <TableCell><Chip size="small" color={STATUS_COLOR[i.status] ?? 'default'} label={i.status} /></TableCell>
                      <TableCell>{formatTime(i.createdAt)}</TableCell>
                      <TableCell>{formatTime(i.expiresAt)}</TableCell>
                      <TableCell>{formatTime(i.acceptedAt)}</TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        {i.status === 'pending' && (
                          <Can permission="invites:update">
                            <Button size="small" onClick={() => { act.reset(); setConfirm({ action: 'revoke', invite: i }); }} aria-label={`Revoke the invite of ${i.email}`}>Revoke</Button>
                          </Can>
                        )}
                        <Can permission="invites:delete">
                          <Button size="small" color="error" onClick={() => { act.reset(); setConfirm({ action: 'delete', invite: i }); }} aria-label={`Delete the invite of ${i.email}`}>Delete</Button>
                        </Can>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </QueryStates>
      </Paper>
      <CreateInviteDialog open={creating} onClose={() => setCreating(false)} onCreated={refresh} />
      <ConfirmDialog
        open={confirm !== null}
        title={confirm?.action === 'revoke' ? 'Revoke invite?' : 'Delete invite?'}
        message={
          confirm?.action === 'revoke'
            ? `The link sent to ${confirm.invite.email} stops working.`
            : `The invite of ${confirm?.invite.email ?? ''} is removed from the list${confirm?.invite.status === 'pending' ? ' and its link stops working' : ''}.`
        }
        confirmLabel={confirm?.action === 'revoke' ? 'Revoke' : 'Delete'}
        destructive
        busy={act.isPending}
        error={act.error}
        onConfirm={() => confirm && act.mutate(confirm)}
        onClose={() => setConfirm(null)}
      />
    </>
  );
}
