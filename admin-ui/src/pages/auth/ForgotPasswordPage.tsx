import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { useMutation } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { authApi } from '../../api/endpoints';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AuthLayout } from './AuthLayout';
import { emailProblem } from './validation';

/** POST /api/auth/forgot-password: always the same answer, whether the address exists or not. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const forgot = useMutation({ mutationFn: authApi.forgotPassword });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = emailProblem(email);
    setProblem(p);
    if (!p) forgot.mutate(email.trim());
  };
  return (
    <AuthLayout title="Forgot password" subtitle="We will send a link to reset your password.">
      {forgot.isSuccess ? (
        <Stack spacing={2}>
          <Alert severity="success" role="status">
            {forgot.data?.message ?? 'If the address belongs to a user, a reset link was sent.'} The link is valid for one hour.
          </Alert>
          <Link component={RouterLink} to="/login">
            Back to sign in
          </Link>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Request password reset">
          <Stack spacing={2}>
            <TextField
              label="Email"
              type="email"
              autoComplete="email"
              autoFocus
              required
              fullWidth
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={Boolean(problem)}
              helperText={problem}
            />
            <ErrorAlert error={forgot.error} />
            <Button type="submit" variant="contained" size="large" disabled={forgot.isPending}>
              {forgot.isPending ? 'Sending…' : 'Send reset link'}
            </Button>
            <Link component={RouterLink} to="/login" variant="body2" sx={{ alignSelf: 'center' }}>
              Back to sign in
            </Link>
          </Stack>
        </form>
      )}
    </AuthLayout>
  );
}
