import { useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useMutation, useQuery } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { authApi } from '../../api/endpoints';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadingState } from '../../components/LoadingState';
import { PasswordField, passwordProblem } from '../../components/PasswordField';
import { AuthLayout } from './AuthLayout';
import { useLinkToken } from './tokenParam';

/** GET /api/invites/by-token/:token, then POST /api/invites/accept (creates the user, signs in). */
export function InvitePage() {
  const token = useLinkToken();
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const invite = useQuery({ queryKey: ['invite', token], queryFn: () => authApi.inviteByToken(token), enabled: Boolean(token), retry: false });
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ name?: string; password?: string }>({});
  const accept = useMutation({
    mutationFn: authApi.acceptInvite,
    onSuccess: (answer) => {
      signIn(answer);
      navigate('/', { replace: true });
    },
  });

  if (!token) {
    return (
      <AuthLayout title="Accept invitation">
        <Alert severity="error">This invitation link is incomplete.</Alert>
      </AuthLayout>
    );
  }
  if (invite.isPending) return <LoadingState fullPage label="Checking your invitation…" />;
  if (invite.error || !invite.data) {
    return (
      <AuthLayout title="Accept invitation">
        <ErrorAlert error={invite.error} title="This invitation cannot be used" />
        <Alert severity="info">An invitation is valid for 7 days and only once. Ask your administrator for a new one.</Alert>
      </AuthLayout>
    );
  }
  const info = invite.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = {
      name: name.trim() ? undefined : 'Enter your name.',
      password: passwordProblem(password, info.email) ?? undefined,
    };
    setErrors(next);
    if (!next.name && !next.password) accept.mutate({ token, name: name.trim(), password });
  };
  return (
    <AuthLayout title="Accept invitation" subtitle={<>You were invited as <strong>{info.roleName}</strong>.</>}>
      <form onSubmit={submit} noValidate aria-label="Accept invitation">
        <Stack spacing={2}>
          <TextField label="Email" value={info.email} fullWidth slotProps={{ input: { readOnly: true } }} />
          <TextField
            label="Name"
            autoComplete="name"
            autoFocus
            required
            fullWidth
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={Boolean(errors.name)}
            helperText={errors.name}
          />
          <PasswordField
            label="Password"
            autoComplete="new-password"
            required
            fullWidth
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={Boolean(errors.password)}
            helperText={errors.password ?? 'At least 12 characters.'}
          />
          <ErrorAlert error={accept.error} />
          <Button type="submit" variant="contained" size="large" disabled={accept.isPending}>
            {accept.isPending ? 'Creating account…' : 'Create account'}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
