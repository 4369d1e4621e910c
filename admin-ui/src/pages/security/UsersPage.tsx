// spec/12 Users: the user accounts — create, edit, assign roles, set a password, reset MFA,
// disable / enable, delete (each destructive action confirmed).
import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Toolbar from '@mui/material/Toolbar';
import Add from '@mui/icons-material/Add';
import MoreVert from '@mui/icons-material/MoreVert';
import { adminUsersApi, rolesApi } from '../../api/security';
import type { User } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { Can, usePermissions } from '../../auth/permissions';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { formatTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { PasswordDialog, UserDialog, UserRolesDialog } from './UserDialogs';
import { QueryStates } from '../../components/QueryStates';

type Confirmable = 'disable' | 'enable' | 'delete' | 'reset-mfa';

const CONFIRM: Record<Confirmable, { title: string; label: string; text: (u: User) => string }> = {
  disable: { title: 'Disable user?', label: 'Disable', text: (u) => `${u.name} (${u.email}) can no longer sign in and their sessions end.` },
  enable: { title: 'Enable user?', label: 'Enable', text: (u) => `${u.name} (${u.email}) can sign in again.` },
  delete: { title: 'Delete user?', label: 'Delete', text: (u) => `${u.name} (${u.email}) is deleted with their sessions. This cannot be undone.` },
  'reset-mfa': { title: 'Reset MFA?', label: 'Reset MFA', text: (u) => `Two-step verification of ${u.name} is turned off; they sign in with their password only until they set it up again.` },
};

export function UsersPage() {
  const queryClient = useQueryClient();
  const { me } = useAuth();
  const { can } = usePermissions();
  const users = useQuery({ queryKey: ['users'], queryFn: adminUsersApi.list });
  const roles = useQuery({ queryKey: ['roles'], queryFn: rolesApi.list, enabled: can('roles:read') });
  const [search, setSearch] = useState('');
  const [menu, setMenu] = useState<{ anchor: HTMLElement; user: User } | null>(null);
  const [editing, setEditing] = useState<{ open: boolean; user?: User }>({ open: false });
  const [rolesOf, setRolesOf] = useState<User | null>(null);
  const [passwordOf, setPasswordOf] = useState<User | null>(null);
  const [confirm, setConfirm] = useState<{ action: Confirmable; user: User } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['users'] });
  const act = useMutation({
    mutationFn: ({ action, user }: { action: Confirmable; user: User }): Promise<unknown> =>
      action === 'delete' ? adminUsersApi.remove(user.id)
        : action === 'reset-mfa' ? adminUsersApi.resetMfa(user.id)
          : adminUsersApi.update(user.id, { disabled: action === 'disable' }),
    onSuccess: () => {
      setConfirm(null);
      refresh();
    },
  });
  const open = (action: Confirmable, user: User) => {
    setMenu(null);
    act.reset();
    setConfirm({ action, user });
  };
  const rows = useMemo(() => {
    const q = search.trim().toLowerCase();
    const list = users.data ?? [];
    return (q ? list.filter((u) => `${u.name} ${u.email}`.toLowerCase().includes(q)) : list).sort((a, b) => a.name.localeCompare(b.name));
  }, [users.data, search]);
  const mayChange = can('users:update') || can('users:delete');
  const m = menu?.user;
  const self = m?.id === me?.id;

  return (
    <>
      <PageHeader
        title="Users"
        description="The people who may use this admin UI, their roles and their two-step verification."
        actions={
          <Can permission={['users:create', 'roles:read']} mode="disable">
            <Button variant="contained" startIcon={<Add />} onClick={() => setEditing({ open: true })}>Create user</Button>
          </Can>
        }
      />
      <Paper variant="outlined">
        <Toolbar>
          <TextField label="Search users" type="search" size="small" value={search} onChange={(e) => setSearch(e.target.value)} sx={{ width: 320, maxWidth: '100%' }} />
        </Toolbar>
        <QueryStates
          query={users}
          loading="Loading users…"
          errorTitle="Could not load users"
          isEmpty={() => rows.length === 0}
          empty={<EmptyState title={search ? 'No user matches' : 'No users'} description={search ? 'Try another search.' : undefined} />}
        >
          {() => (
            <TableContainer>
              <Table size="small" aria-label="Users">
                <TableHead>
                  <TableRow>
                    <TableCell scope="col">Name</TableCell>
                    <TableCell scope="col">Email</TableCell>
                    <TableCell scope="col">Roles</TableCell>
                    <TableCell scope="col">MFA</TableCell>
                    <TableCell scope="col">Status</TableCell>
                    <TableCell scope="col">Last sign-in</TableCell>
                    {mayChange && <TableCell scope="col" align="right">Actions</TableCell>}
                  </TableRow>
                </TableHead>
                <TableBody>
                  {rows.map((u) => (
                    <TableRow key={u.id} hover>
                      <TableCell component="th" scope="row">{u.name}{u.id === me?.id && ' (you)'}</TableCell>
                      <TableCell>{u.email}</TableCell>
                      <TableCell>
                        <Stack direction="row" sx={{ gap: 0.5, flexWrap: 'wrap' }}>
                          {u.roles.map((r) => <Chip key={r.id} size="small" label={r.name} />)}
                        </Stack>
                      </TableCell>
                      <TableCell>{u.mfaEnabled ? 'On' : 'Off'}</TableCell>
                      <TableCell>
                        <Chip size="small" color={u.disabled ? 'default' : 'success'} label={u.disabled ? 'disabled' : 'active'} />
                      </TableCell>
                      <TableCell>{formatTime(u.lastLoginAt)}</TableCell>
                      {mayChange && (
                        <TableCell align="right">
                          <IconButton aria-label={`Actions for ${u.email}`} aria-haspopup="menu" onClick={(e) => setMenu({ anchor: e.currentTarget, user: u })}>
                            <MoreVert fontSize="small" />
                          </IconButton>
                        </TableCell>
                      )}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </QueryStates>
      </Paper>
      <Menu anchorEl={menu?.anchor} open={menu !== null} onClose={() => setMenu(null)}>
        {m && can('users:update') && [
          <MenuItem key="edit" onClick={() => { setMenu(null); setEditing({ open: true, user: m }); }}>Edit name and email</MenuItem>,
          can('roles:read') && <MenuItem key="roles" onClick={() => { setMenu(null); setRolesOf(m); }}>Change roles</MenuItem>,
          <MenuItem key="pw" onClick={() => { setMenu(null); setPasswordOf(m); }}>Set password</MenuItem>,
          m.mfaEnabled && <MenuItem key="mfa" onClick={() => open('reset-mfa', m)}>Reset MFA</MenuItem>,
          !self && <MenuItem key="dis" onClick={() => open(m.disabled ? 'enable' : 'disable', m)}>{m.disabled ? 'Enable' : 'Disable'}</MenuItem>,
        ]}
        {m && !self && can('users:delete') && <MenuItem onClick={() => open('delete', m)} sx={{ color: 'error.main' }}>Delete</MenuItem>}
      </Menu>
      <UserDialog open={editing.open} user={editing.user} roles={roles.data ?? []} onClose={() => setEditing({ open: false })} onSaved={() => { setEditing({ open: false }); refresh(); }} />
      <UserRolesDialog user={rolesOf} roles={roles.data ?? []} onClose={() => setRolesOf(null)} onSaved={() => { setRolesOf(null); refresh(); }} />
      <PasswordDialog user={passwordOf} onClose={() => setPasswordOf(null)} />
      <ConfirmDialog
        open={confirm !== null}
        title={confirm ? CONFIRM[confirm.action].title : ''}
        message={confirm ? CONFIRM[confirm.action].text(confirm.user) : ''}
        confirmLabel={confirm ? CONFIRM[confirm.action].label : undefined}
        destructive={confirm?.action !== 'enable'}
        busy={act.isPending}
        error={act.error}
        onConfirm={() => confirm && act.mutate(confirm)}
        onClose={() => setConfirm(null)}
      />
    </>
  );
}
