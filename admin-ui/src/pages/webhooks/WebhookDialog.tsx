// Create an endpoint (POST /api/webhooks). On success the parent shows the secret once.
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
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
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import AutorenewOutlined from '@mui/icons-material/AutorenewOutlined';
import { WEBHOOK_EVENTS, webhooksApi } from '../../api/operations';
import type { Webhook } from '../../api/operations';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PasswordField } from '../../components/PasswordField';
import { EMPTY_FORM, generateSecret, toInput, validateWebhook } from './webhookForm';
import type { WebhookForm, WebhookFormErrors } from './webhookForm';

interface Props {
  open: boolean;
  onClose: () => void;
  onCreated: (w: Webhook, secret: string) => void;
}

const ALL = '*';

export function WebhookDialog({ open, onClose, onCreated }: Props) {
  const titleId = useId();
  const [form, setForm] = useState<WebhookForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<WebhookFormErrors>({});
  const set = <K extends keyof WebhookForm>(k: K, v: WebhookForm[K]) => setForm((f) => ({ ...f, [k]: v }));

  const create = useMutation({
    mutationFn: (f: WebhookForm) => webhooksApi.create(toInput(f)),
    onSuccess: (w, f) => onCreated(w, w.secret ?? f.secret),
  });
  useEffect(() => {
    if (!open) return;
    setForm(EMPTY_FORM);
    setErrors({});
    create.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const toggleEvent = (ev: string, on: boolean) => {
    if (ev === ALL) return set('events', on ? [ALL] : []);
    const rest = form.events.filter((e) => e !== ev && e !== ALL);
    set('events', on ? [...rest, ev] : rest);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateWebhook(form);
    setErrors(found);
    if (Object.values(found).every((v) => !v)) create.mutate(form);
  };

  return (
    <Dialog open={open} onClose={create.isPending ? undefined : onClose} aria-labelledby={titleId} fullWidth maxWidth="md">
      <form onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>Add webhook endpoint</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField
              label="URL"
              required
              autoFocus
              value={form.url}
              onChange={(e) => set('url', e.target.value)}
              error={Boolean(errors.url)}
              helperText={errors.url ?? 'https://… (http and private addresses only where the server allows them).'}
              slotProps={{ htmlInput: { spellCheck: false } }}
            />
            <Stack direction="row" spacing={1} alignItems="flex-start">
              <PasswordField
                label="Secret"
                required
                fullWidth
                value={form.secret}
                onChange={(e) => set('secret', e.target.value)}
                error={Boolean(errors.secret)}
                helperText={errors.secret ?? 'Signs every delivery (HMAC-SHA256). It is shown once after creation, then never again.'}
                autoComplete="new-password"
              />
              <Button startIcon={<AutorenewOutlined />} onClick={() => set('secret', generateSecret())} sx={{ whiteSpace: 'nowrap', mt: 0.25 }}>
                Generate
              </Button>
            </Stack>
            <FormControl component="fieldset" error={Boolean(errors.events)}>
              <FormLabel component="legend">Event types</FormLabel>
              <FormGroup row>
                <FormControlLabel
                  control={<Checkbox checked={form.events.includes(ALL)} onChange={(e) => toggleEvent(ALL, e.target.checked)} />}
                  label="All (*)"
                />
                {WEBHOOK_EVENTS.map((ev) => (
                  <FormControlLabel
                    key={ev}
                    control={
                      <Checkbox
                        checked={form.events.includes(ev)}
                        disabled={form.events.includes(ALL)}
                        onChange={(e) => toggleEvent(ev, e.target.checked)}
                      />
                    }
                    label={ev}
                  />
                ))}
              </FormGroup>
              <FormHelperText>{errors.events ?? 'An event is delivered when its type is chosen or its topic matches a pattern below.'}</FormHelperText>
            </FormControl>
            <TextField
              label="Topic patterns"
              value={form.topics}
              onChange={(e) => set('topics', e.target.value)}
              helperText="Optional, comma separated: session.*, orders.?"
              slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
            />
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
              <TextField
                select
                label="Signature scheme"
                value={form.signatureScheme}
                onChange={(e) => set('signatureScheme', e.target.value as WebhookForm['signatureScheme'])}
                helperText={form.signatureScheme === 'standard' ? 'Standard Webhooks (Svix): needs a whsec_ secret.' : 'X-Webhook-Signature: t=…,v1=…'}
                sx={{ flex: 1 }}
              >
                <MenuItem value="realtime">Realtime</MenuItem>
                <MenuItem value="standard">Standard Webhooks</MenuItem>
              </TextField>
              <TextField
                select
                label="Ordering"
                value={form.ordering}
                onChange={(e) => set('ordering', e.target.value as WebhookForm['ordering'])}
                helperText={form.ordering === 'fifo' ? 'One delivery at a time, in event order.' : 'Deliveries in parallel.'}
                sx={{ flex: 1 }}
              >
                <MenuItem value="none">None</MenuItem>
                <MenuItem value="fifo">FIFO</MenuItem>
              </TextField>
              <TextField
                label="Max concurrency"
                value={form.maxConcurrency}
                onChange={(e) => set('maxConcurrency', e.target.value)}
                error={Boolean(errors.maxConcurrency)}
                helperText={errors.maxConcurrency ?? 'Deliveries in flight, 1–100.'}
                slotProps={{ htmlInput: { inputMode: 'numeric' } }}
                sx={{ flex: 1 }}
              />
            </Stack>
            <TextField
              label="Description"
              multiline
              minRows={2}
              value={form.description}
              onChange={(e) => set('description', e.target.value)}
              error={Boolean(errors.description)}
              helperText={errors.description}
            />
            <FormControlLabel
              control={<Switch checked={form.active} onChange={(e) => set('active', e.target.checked)} />}
              label="Active (receives deliveries)"
            />
            <ErrorAlert error={create.error} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
