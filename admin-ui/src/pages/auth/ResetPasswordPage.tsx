import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { useMutation } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import { authApi } from '../../api/endpoints';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PasswordField, passwordProblem } from '../../components/PasswordField';
import { AuthLayout } from './AuthLayout';
import { useLinkToken } from './tokenParam';

/** POST /api/auth/reset-password {token, password}; every session of the user ends. */
export function ResetPasswordPage() {
  const token = useLinkToken();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ password?: string; confirm?: string }>({});
  const reset = useMutation({ mutationFn: (p: string) => authApi.resetPassword(token, p) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = {
      password: passwordProblem(password) ?? undefined,
      confirm: confirm === password ? undefined : 'The passwords differ.',
    };
    setErrors(next);
    if (!next.password && !next.confirm) reset.mutate(password);
  };

  if (!token) {
    return (
      <AuthLayout title="Reset password">
        <Alert severity="error">This reset link is incomplete. Request a new one.</Alert>
        <Link component={RouterLink} to="/forgot-password" sx={{ display: 'block', mt: 2 }}>
          Request a new link
        </Link>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Choose a new password">
      {reset.isSuccess ? (
        <Stack spacing={2}>
          <Alert severity="success" role="status">
            Your password was changed. Sign in with the new password.
          </Alert>
          <Button component={RouterLink} to="/login" variant="contained">
            Sign in
          </Button>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Reset password">
          <Stack spacing={2}>
            <PasswordField
              label="New password"
              autoComplete="new-password"
              autoFocus
              required
              fullWidth
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={Boolean(errors.password)}
              helperText={errors.password ?? 'At least 12 characters.'}
            />
            <PasswordField
              label="Confirm new password"
              autoComplete="new-password"
              required
              fullWidth
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              error={Boolean(errors.confirm)}
              helperText={errors.confirm}
            />
            <ErrorAlert error={reset.error} />
            <Button type="submit" variant="contained" size="large" disabled={reset.isPending}>
              {reset.isPending ? 'Saving…' : 'Set password'}
            </Button>
          </Stack>
        </form>
      )}
    </AuthLayout>
  );
}
