import { useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { usersApi } from '../../api/endpoints';
import type { Me } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PasswordField, passwordProblem } from '../../components/PasswordField';

/** POST /api/users/:id/change-password; the user's other sessions end. */
export function PasswordCard({ me }: { me: Me }) {
  const [form, setForm] = useState({ current: '', next: '', confirm: '' });
  const [errors, setErrors] = useState<Partial<Record<keyof typeof form, string>>>({});
  const change = useMutation({
    mutationFn: () => usersApi.changePassword(me.id, form.current, form.next),
    onSuccess: () => setForm({ current: '', next: '', confirm: '' }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = {
      current: form.current ? undefined : 'Enter your current password.',
      next: passwordProblem(form.next, me.email) ?? undefined,
      confirm: form.confirm === form.next ? undefined : 'The passwords differ.',
    };
    setErrors(found);
    if (!found.current && !found.next && !found.confirm) change.mutate();
  };
  const field = (k: keyof typeof form, label: string, autoComplete: string) => (
    <PasswordField
      label={label}
      autoComplete={autoComplete}
      required
      value={form[k]}
      onChange={(e) => setForm((f) => ({ ...f, [k]: e.target.value }))}
      error={Boolean(errors[k])}
      helperText={errors[k]}
      sx={{ maxWidth: 360 }}
    />
  );
  return (
    <Card>
      <CardContent>
        <Typography variant="h6" component="h2" sx={{ mb: 2 }}>
          Password
        </Typography>
        <form onSubmit={submit} noValidate aria-label="Change password">
          <Stack spacing={2} sx={{ alignItems: 'flex-start' }}>
            {field('current', 'Current password', 'current-password')}
            {field('next', 'New password', 'new-password')}
            {field('confirm', 'Confirm new password', 'new-password')}
            <ErrorAlert error={change.error} />
            {change.isSuccess && (
              <Alert severity="success" role="status">
                Password changed. Your other sessions were signed out.
              </Alert>
            )}
            <Button type="submit" variant="contained" disabled={change.isPending}>
              {change.isPending ? 'Saving…' : 'Change password'}
            </Button>
          </Stack>
        </form>
      </CardContent>
    </Card>
  );
}
