// spec/10 "Setting up MFA": setup → scan the QR code → confirm with a code → recovery codes.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { usersApi } from '../../api/endpoints';
import type { Me } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';

function CodeField(props: { value: string; onChange: (v: string) => void; error?: string | null; label?: string }) {
  return (
    <TextField
      label={props.label ?? 'Verification code'}
      autoComplete="one-time-code"
      required
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      error={Boolean(props.error)}
      helperText={props.error ?? 'The 6-digit code your authenticator app shows.'}
      slotProps={{ htmlInput: { inputMode: 'numeric', maxLength: 32 } }}
      sx={{ maxWidth: 280 }}
    />
  );
}

export function MfaCard({ me, onChanged }: { me: Me; onChanged: () => void }) {
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const setup = useMutation({ mutationFn: () => usersApi.mfaSetup(me.id) });
  const confirm = useMutation({
    mutationFn: (c: string) => usersApi.mfaConfirm(me.id, c),
    onSuccess: (r) => {
      setRecovery(r.recoveryCodes);
      setup.reset();
      setCode('');
      onChanged();
    },
  });
  const disable = useMutation({
    mutationFn: (c: string) => usersApi.mfaDisable(me.id, c),
    onSuccess: () => {
      setCode('');
      setRecovery(null);
      onChanged();
    },
  });

  const withCode = (action: (c: string) => void) => (e: FormEvent) => {
    e.preventDefault();
    const c = code.replace(/\s+/g, '');
    const p = c.length < 6 ? 'Enter the code from your authenticator app.' : null;
    setProblem(p);
    if (!p) action(c);
  };

  return (
    <Card id="mfa">
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1 }}>
          <Typography variant="h6" component="h2">
            Multi-factor authentication
          </Typography>
          <Chip size="small" label={me.mfaEnabled ? 'Enabled' : 'Off'} color={me.mfaEnabled ? 'success' : 'default'} />
        </Box>
        <Typography color="text.secondary" sx={{ mb: 2 }}>
          A time-based code from Google Authenticator, Authy, 1Password or a similar app is asked for at sign-in.
        </Typography>

        {recovery && (
          <Alert severity="success" sx={{ mb: 2 }}>
            MFA is on. Keep these single-use recovery codes somewhere safe; they are shown only once:
            <Box component="ul" sx={{ fontFamily: 'monospace', columns: 2, mt: 1, mb: 0 }}>
              {recovery.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </Box>
          </Alert>
        )}

        {me.mfaEnabled ? (
          <form onSubmit={withCode((c) => disable.mutate(c))} noValidate aria-label="Disable MFA">
            <Stack spacing={2} sx={{ alignItems: 'flex-start' }}>
              <CodeField value={code} onChange={setCode} error={problem} label="Code to disable MFA" />
              <ErrorAlert error={disable.error} />
              <Button type="submit" color="error" variant="outlined" disabled={disable.isPending}>
                {disable.isPending ? 'Disabling…' : 'Disable MFA'}
              </Button>
            </Stack>
          </form>
        ) : setup.data ? (
          <form onSubmit={withCode((c) => confirm.mutate(c))} noValidate aria-label="Confirm MFA">
            <Stack spacing={2} sx={{ alignItems: 'flex-start' }}>
              <Typography>1. Scan this QR code with your authenticator app.</Typography>
              <Box
                component="img"
                src={setup.data.qrCode}
                alt="QR code to add this account to an authenticator app"
                sx={{ width: 200, height: 200, bgcolor: '#fff', p: 1, borderRadius: 1, border: 1, borderColor: 'divider' }}
              />
              <Typography variant="body2" color="text.secondary">
                Or enter this key by hand: <code style={{ wordBreak: 'break-all' }}>{setup.data.secret}</code>
              </Typography>
              <Typography>2. Enter the code it shows to confirm.</Typography>
              <CodeField value={code} onChange={setCode} error={problem} />
              <ErrorAlert error={confirm.error} />
              <Stack direction="row" spacing={1}>
                <Button type="submit" variant="contained" disabled={confirm.isPending}>
                  {confirm.isPending ? 'Confirming…' : 'Confirm and enable'}
                </Button>
                <Button onClick={() => setup.reset()}>Cancel</Button>
              </Stack>
            </Stack>
          </form>
        ) : (
          <>
            <ErrorAlert error={setup.error} />
            <Button variant="contained" onClick={() => setup.mutate()} disabled={setup.isPending}>
              {setup.isPending ? 'Preparing…' : 'Set up MFA'}
            </Button>
          </>
        )}
      </CardContent>
    </Card>
  );
}
