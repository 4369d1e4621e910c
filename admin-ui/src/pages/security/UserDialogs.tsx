// The Users page's dialogs: create or edit a user (POST / PATCH /api/users), change their roles
// (POST / DELETE /api/users/:id/roles), set a new password (POST /api/users/:id/change-password).
import { useEffect, useId, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useMutation } from '@tanstack/react-query';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { adminUsersApi } from '../../api/security';
import type { Role } from '../../api/security';
import type { User } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PasswordField, passwordProblem } from '../../components/PasswordField';
import { roleChanges, userFormProblems } from './users';
import type { UserErrors, UserForm } from './users';

function FormDialog(p: { open: boolean; title: string; busy: boolean; error: unknown; submitLabel: string; onClose: () => void; onSubmit: () => void; children: ReactNode }) {
  const titleId = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    p.onSubmit();
  };
  return (
    <Dialog open={p.open} onClose={p.busy ? undefined : p.onClose} aria-labelledby={titleId} fullWidth maxWidth="sm">
      <form onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>{p.title}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>{p.children}</Stack>
          <ErrorAlert error={p.error} />
        </DialogContent>
        <DialogActions>
          <Button onClick={p.onClose} disabled={p.busy}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={p.busy}>{p.busy ? 'Saving…' : p.submitLabel}</Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

export function RoleCheckboxes({ roles, value, onChange, error }: { roles: Role[]; value: string[]; onChange: (ids: string[]) => void; error?: string }) {
  return (
    <FormControl component="fieldset" error={Boolean(error)}>
      <FormLabel component="legend">Roles</FormLabel>
      <FormGroup>
        {roles.map((r) => (
          <FormControlLabel
            key={r.id}
            label={`${r.name}${r.description ? ` — ${r.description}` : ''}`}
            control={
              <Checkbox
                checked={value.includes(r.id)}
                onChange={(e) => onChange(e.target.checked ? [...value, r.id] : value.filter((id) => id !== r.id))}
              />
            }
          />
        ))}
      </FormGroup>
      {error && <FormHelperText>{error}</FormHelperText>}
    </FormControl>
  );
}

export function UserDialog({ open, user, roles, onClose, onSaved }: { open: boolean; user?: User; roles: Role[]; onClose: () => void; onSaved: () => void }) {
  const creating = !user;
  const [form, setForm] = useState<UserForm>({ name: '', email: '', password: '', roleIds: [] });
  const [errors, setErrors] = useState<UserErrors>({});
  const save = useMutation({
    mutationFn: () =>
      user
        ? adminUsersApi.update(user.id, { name: form.name.trim(), email: form.email.trim() })
        : adminUsersApi.create({ name: form.name.trim(), email: form.email.trim(), password: form.password, roleIds: form.roleIds }),
    onSuccess: onSaved,
  });
  useEffect(() => {
    if (!open) return;
    setForm({ name: user?.name ?? '', email: user?.email ?? '', password: '', roleIds: user ? user.roles.map((r) => r.id) : ['role_viewer'] });
    setErrors({});
    save.reset();
  }, [open, user]);
  const set = (k: keyof UserForm, v: string) => setForm((f) => ({ ...f, [k]: v }));
  return (
    <FormDialog
      open={open}
      title={creating ? 'Create user' : `Edit ${user.name}`}
      busy={save.isPending}
      error={save.error}
      submitLabel={creating ? 'Create' : 'Save'}
      onClose={onClose}
      onSubmit={() => {
        const e = userFormProblems(form, creating);
        setErrors(e);
        if (Object.keys(e).length === 0) save.mutate();
      }}
    >
      <TextField label="Name" required autoFocus value={form.name} onChange={(e) => set('name', e.target.value)} error={Boolean(errors.name)} helperText={errors.name} />
      <TextField label="Email" type="email" required value={form.email} onChange={(e) => set('email', e.target.value)} error={Boolean(errors.email)} helperText={errors.email} />
      {creating && (
        <>
          <PasswordField label="Password" required autoComplete="new-password" value={form.password} onChange={(e) => set('password', e.target.value)} error={Boolean(errors.password)} helperText={errors.password ?? 'At least 12 characters; the user can change it later.'} />
          <RoleCheckboxes roles={roles} value={form.roleIds} onChange={(roleIds) => setForm((f) => ({ ...f, roleIds }))} error={errors.roleIds} />
        </>
      )}
    </FormDialog>
  );
}

export function UserRolesDialog({ user, roles, onClose, onSaved }: { user: User | null; roles: Role[]; onClose: () => void; onSaved: () => void }) {
  const [value, setValue] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    setValue(user ? user.roles.map((r) => r.id) : []);
    setProblem(undefined);
  }, [user]);
  const save = useMutation({
    mutationFn: async () => {
      if (!user) return;
      const { add, remove } = roleChanges(user.roles.map((r) => r.id), value);
      for (const id of add) await adminUsersApi.assignRole(user.id, id);
      for (const id of remove) await adminUsersApi.removeRole(user.id, id);
    },
    onSuccess: onSaved,
  });
  return (
    <FormDialog
      open={user !== null}
      title={`Roles of ${user?.name ?? ''}`}
      busy={save.isPending}
      error={save.error}
      submitLabel="Save roles"
      onClose={() => {
        save.reset();
        onClose();
      }}
      onSubmit={() => {
        if (value.length === 0) return setProblem('Keep at least one role (disable the user to take all access away).');
        setProblem(undefined);
        save.mutate();
      }}
    >
      <RoleCheckboxes roles={roles} value={value} onChange={setValue} error={problem} />
    </FormDialog>
  );
}

export function PasswordDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation({ mutationFn: () => adminUsersApi.setPassword(user!.id, password), onSuccess: onClose });
  useEffect(() => {
    setPassword('');
    setProblem(null);
    save.reset();
  }, [user]);
  return (
    <FormDialog
      open={user !== null}
      title={`Set a new password for ${user?.name ?? ''}`}
      busy={save.isPending}
      error={save.error}
      submitLabel="Set password"
      onClose={onClose}
      onSubmit={() => {
        const p = passwordProblem(password, user?.email);
        setProblem(p);
        if (!p) save.mutate();
      }}
    >
      <PasswordField label="New password" required autoFocus autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={Boolean(problem)} helperText={problem ?? 'Their other sessions end.'} />
    </FormDialog>
  );
}
