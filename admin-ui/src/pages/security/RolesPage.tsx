// spec/12 Roles: the built-in roles (read-only) and custom roles — create, edit, delete — with
// the permission matrix editor (resources × read/create/update/delete).
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Add from '@mui/icons-material/Add';
import { rolesApi } from '../../api/security';
import type { Role } from '../../api/security';
import { Can, usePermissions } from '../../auth/permissions';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { PermissionMatrix } from './PermissionMatrix';
import { fromPermissions, toPermissions } from './permissionMatrix';
import { TableHeadRow } from '../../components/TableHeadRow';
import { QueryStates } from '../../components/QueryStates';

function RoleDialog({ open, role, onClose, onSaved }: { open: boolean; role?: Role; onClose: () => void; onSaved: () => void }) {
  const titleId = useId();
  const { can } = usePermissions();
  const readOnly = Boolean(role?.builtIn) || !can(role ? 'roles:update' : 'roles:create');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [matrix, setMatrix] = useState<Set<string>>(new Set());
  const [errors, setErrors] = useState<{ name?: string; matrix?: string }>({});
  const save = useMutation({
    mutationFn: () => {
      const body = { name: name.trim(), description: description.trim(), permissions: toPermissions(matrix) };
      return role ? rolesApi.update(role.id, body) : rolesApi.create(body);
    },
    onSuccess: onSaved,
  });
  useEffect(() => {
    if (!open) return;
    setName(role?.name ?? '');
    setDescription(role?.description ?? '');
    setMatrix(fromPermissions(role?.permissions ?? []));
    setErrors({});
    save.reset();
  }, [open, role]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = {
      name: !name.trim() ? 'Enter a name.' : name.trim().length > 100 ? 'At most 100 characters.' : undefined,
      matrix: matrix.size === 0 ? 'Give the role at least one permission.' : undefined,
    };
    setErrors(found);
    if (!found.name && !found.matrix) save.mutate();
  };
  return (
    <Dialog open={open} onClose={save.isPending ? undefined : onClose} aria-labelledby={titleId} fullWidth maxWidth="md">
      <form onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>{role ? (readOnly ? `Role ${role.name}` : `Edit role ${role.name}`) : 'Create role'}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField label="Name" required autoFocus={!readOnly} disabled={readOnly} value={name} onChange={(e) => setName(e.target.value)} error={Boolean(errors.name)} helperText={errors.name ?? (role?.builtIn ? 'Built-in roles cannot be changed.' : undefined)} />
            <TextField label="Description" disabled={readOnly} value={description} onChange={(e) => setDescription(e.target.value)} />
            <PermissionMatrix value={matrix} onChange={setMatrix} readOnly={readOnly} />
            {errors.matrix && <ErrorAlert error={new Error(errors.matrix)} />}
            {!readOnly && <span style={{ fontSize: 13 }}>You can only grant permissions you hold yourself.</span>}
          </Stack>
          <ErrorAlert error={save.error} />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={save.isPending}>{readOnly ? 'Close' : 'Cancel'}</Button>
          {!readOnly && (
            <Button type="submit" variant="contained" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : role ? 'Save' : 'Create'}
            </Button>
          )}
        </DialogActions>
      </form>
    </Dialog>
  );
}

export function RolesPage() {
  const queryClient = useQueryClient();
  const roles = useQuery({ queryKey: ['roles'], queryFn: rolesApi.list });
  const [dialog, setDialog] = useState<{ open: boolean; role?: Role }>({ open: false });
  const [deleting, setDeleting] = useState<Role | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['roles'] });
  const remove = useMutation({
    mutationFn: (id: string) => rolesApi.remove(id),
    onSuccess: () => {
      setDeleting(null);
      refresh();
    },
  });
  const rows = [...(roles.data ?? [])].sort((a, b) => Number(b.builtIn) - Number(a.builtIn) || a.name.localeCompare(b.name));

  return (
    <>
      <PageHeader
        title="Roles"
        description="What each role may do, as resource × action permissions. Built-in roles are fixed; custom roles can be created and edited."
        actions={
          <Can permission="roles:create" mode="disable">
            <Button variant="contained" startIcon={<Add />} onClick={() => setDialog({ open: true })}>Create role</Button>
          </Can>
        }
      />
      <Paper variant="outlined">
        <QueryStates
          query={roles}
          loading="Loading roles…"
          errorTitle="Could not load roles"
          isEmpty={() => rows.length === 0}
          empty={<EmptyState title="No roles" />}
        >
          {() => (
            <TableContainer>
              <Table size="small" aria-label="Roles">
                <TableHeadRow
                  columns={[
                    'Name',
                    'Description',
                    'Kind',
                    { label: 'Permissions', align: 'right' },
                    { label: 'Actions', align: 'right' },
                  ]}
                />
                <TableBody>
                  {rows.map((r) => (
                    <TableRow key={r.id} hover>
                      <TableCell component="th" scope="row">{r.name}</TableCell>
                      <TableCell>{r.description}</TableCell>
                      <TableCell><Chip size="small" variant="outlined" label={r.builtIn ? 'built-in' : 'custom'} /></TableCell>
                      <TableCell align="right">{r.permissions.length}</TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        {r.builtIn ? (
                          <Button size="small" onClick={() => setDialog({ open: true, role: r })} aria-label={`View ${r.name}`}>View</Button>
                        ) : (
                          <>
                            <Can permission="roles:update" fallback={<Button size="small" onClick={() => setDialog({ open: true, role: r })} aria-label={`View ${r.name}`}>View</Button>}>
                              <Button size="small" onClick={() => setDialog({ open: true, role: r })} aria-label={`Edit ${r.name}`}>Edit</Button>
                            </Can>
                            <Can permission="roles:delete">
                              <Button size="small" color="error" onClick={() => { remove.reset(); setDeleting(r); }} aria-label={`Delete ${r.name}`}>Delete</Button>
                            </Can>
                          </>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </QueryStates>
      </Paper>
      <RoleDialog open={dialog.open} role={dialog.role} onClose={() => setDialog({ open: false })} onSaved={() => { setDialog({ open: false }); refresh(); }} />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete role?"
        message={<>The role <strong>{deleting?.name}</strong> is deleted; users who hold it lose its permissions.</>}
        confirmLabel="Delete"
        destructive
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}
