import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link as RouterLink, useLocation, useNavigate } from 'react-router-dom';
import { useMutation } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { authApi } from '../../api/endpoints';
import type { MfaChallenge, SessionAnswer } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PasswordField } from '../../components/PasswordField';
import { AuthLayout } from './AuthLayout';
import { collectErrors, emailProblem } from './validation';
import type { FieldErrors } from './validation';

interface LoginState {
  from?: string;
  expired?: boolean;
}

/** POST /api/auth/login, then POST /api/auth/mfa/verify when the account has MFA. */
export function LoginPage() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const state = (useLocation().state ?? {}) as LoginState;
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);

  const done = (answer: SessionAnswer) => {
    signIn(answer);
    const to = state.from && !state.from.startsWith('/login') ? state.from : '/';
    navigate(to, { replace: true });
  };

  return challenge ? (
    <MfaStep challenge={challenge} onDone={done} onCancel={() => setChallenge(null)} />
  ) : (
    <PasswordStep expired={state.expired} onDone={done} onMfa={setChallenge} />
  );
}

function PasswordStep(props: { expired?: boolean; onDone: (a: SessionAnswer) => void; onMfa: (c: MfaChallenge) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors<'email' | 'password'>>({});
  const login = useMutation({
    mutationFn: authApi.login,
    onSuccess: (answer) => ('mfaRequired' in answer && answer.mfaRequired ? props.onMfa(answer) : props.onDone(answer as SessionAnswer)),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = collectErrors({ email: emailProblem(email), password: password ? null : 'Enter your password.' });
    setErrors(found);
    if (Object.keys(found).length === 0) login.mutate({ email: email.trim(), password });
  };
  return (
    <AuthLayout title="Sign in" subtitle="Sign in to manage your Realtime platform.">
      {props.expired && !login.error && (
        <Alert severity="info" sx={{ mb: 2 }}>
          Your session has ended. Please sign in again.
        </Alert>
      )}
      <form onSubmit={submit} noValidate aria-label="Sign in">
        <Stack spacing={2}>
          <TextField
            label="Email"
            type="email"
            autoComplete="username"
            autoFocus
            required
            fullWidth
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={Boolean(errors.email)}
            helperText={errors.email}
          />
          <PasswordField
            label="Password"
            autoComplete="current-password"
            required
            fullWidth
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={Boolean(errors.password)}
            helperText={errors.password}
          />
          <ErrorAlert error={login.error} />
          <Button type="submit" variant="contained" size="large" disabled={login.isPending}>
            {login.isPending ? 'Signing in…' : 'Sign in'}
          </Button>
          <Link component={RouterLink} to="/forgot-password" variant="body2" sx={{ alignSelf: 'center' }}>
            Forgot password?
          </Link>
        </Stack>
      </form>
    </AuthLayout>
  );
}

function MfaStep(props: { challenge: MfaChallenge; onDone: (a: SessionAnswer) => void; onCancel: () => void }) {
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const verify = useMutation({ mutationFn: authApi.verifyMfa, onSuccess: props.onDone });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const c = code.replace(/\s+/g, '');
    // A 6-digit TOTP code, or one of the recovery codes (longer, with letters).
    const p = c.length < 6 ? 'Enter the 6-digit code from your authenticator app, or a recovery code.' : null;
    setProblem(p);
    if (!p) verify.mutate({ mfaToken: props.challenge.mfaToken, code: c });
  };
  return (
    <AuthLayout title="Two-step verification" subtitle="Enter the code from your authenticator app.">
      <form onSubmit={submit} noValidate aria-label="Verify code">
        <Stack spacing={2}>
          <TextField
            label="Authentication code"
            autoComplete="one-time-code"
            autoFocus
            required
            fullWidth
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={Boolean(problem)}
            helperText={problem ?? 'A 6-digit code, or one of your recovery codes.'}
            slotProps={{ htmlInput: { inputMode: 'text', maxLength: 32 } }}
          />
          <ErrorAlert error={verify.error} />
          <Button type="submit" variant="contained" size="large" disabled={verify.isPending}>
            {verify.isPending ? 'Verifying…' : 'Verify'}
          </Button>
          <Button onClick={props.onCancel}>Back to sign in</Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
