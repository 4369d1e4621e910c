import { useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useMutation } from '@tanstack/react-query';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { authApi } from '../../api/endpoints';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PasswordField, passwordProblem } from '../../components/PasswordField';
import { AuthLayout } from './AuthLayout';
import { collectErrors, emailProblem } from './validation';
import type { FieldErrors } from './validation';

type Field = 'name' | 'email' | 'password' | 'confirm';

/** First start: creates the first super_admin (POST /api/auth/setup) and signs in. */
export function SetupPage() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const [form, setForm] = useState({ name: '', email: '', password: '', confirm: '' });
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const setup = useMutation({
    mutationFn: authApi.setup,
    onSuccess: (answer) => {
      signIn(answer);
      navigate('/', { replace: true });
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = collectErrors<Field>({
      name: form.name.trim() ? null : 'Enter your name.',
      email: emailProblem(form.email),
      password: passwordProblem(form.password, form.email),
      confirm: form.confirm === form.password ? null : 'The passwords differ.',
    });
    setErrors(found);
    if (Object.keys(found).length === 0) {
      setup.mutate({ name: form.name.trim(), email: form.email.trim(), password: form.password });
    }
  };
  const bind = (k: Field) => ({
    value: form[k],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value })),
    error: Boolean(errors[k]),
    helperText: errors[k],
    fullWidth: true,
    required: true,
  });

  return (
    <AuthLayout title="Welcome" subtitle="Create the first administrator account of this Realtime instance.">
      <form onSubmit={submit} noValidate aria-label="Create administrator">
        <Stack spacing={2}>
          <TextField label="Name" autoComplete="name" autoFocus {...bind('name')} />
          <TextField label="Email" type="email" autoComplete="email" {...bind('email')} />
          <PasswordField
            label="Password"
            autoComplete="new-password"
            {...bind('password')}
            helperText={errors.password ?? 'At least 12 characters.'}
          />
          <PasswordField label="Confirm password" autoComplete="new-password" {...bind('confirm')} />
          <ErrorAlert error={setup.error} />
          <Button type="submit" variant="contained" size="large" disabled={setup.isPending}>
            {setup.isPending ? 'Creating…' : 'Create account'}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
