// Broadcast an event to a channel's members (POST /api/socket/broadcast {channel, event, data}).
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { socketApi } from '../../api/operations';
import { ErrorAlert } from '../../components/ErrorAlert';
import { parseJson } from '../../components/JsonField';
import { JsonEditor } from '../../components/JsonEditor';

interface Props {
  open: boolean;
  /** The channel to prefill (may be empty: the user types one). */
  channel: string;
  onClose: () => void;
}

export function BroadcastDialog({ open, channel, onClose }: Props) {
  const titleId = useId();
  const [form, setForm] = useState({ channel: '', event: '', data: '{\n  \n}' });
  const [errors, setErrors] = useState<Partial<Record<'channel' | 'event' | 'data', string>>>({});
  const send = useMutation({
    mutationFn: (body: { channel: string; event: string; data: unknown }) => socketApi.broadcast(body),
  });

  useEffect(() => {
    if (!open) return;
    setForm({ channel, event: '', data: '{\n  "message": "hello"\n}' });
    setErrors({});
    send.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, channel]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseJson(form.data);
    const found = {
      channel: form.channel.trim() ? undefined : 'Enter a channel, e.g. chat:room1.',
      event: form.event.trim() ? undefined : 'Enter an event name, e.g. message.',
      data: parsed.ok ? undefined : `Not valid JSON: ${parsed.error}`,
    };
    setErrors(found);
    if (found.channel || found.event || !parsed.ok) return;
    send.mutate({ channel: form.channel.trim(), event: form.event.trim(), data: parsed.value });
  };

  return (
    <Dialog open={open} onClose={send.isPending ? undefined : onClose} aria-labelledby={titleId} fullWidth maxWidth="sm">
      <form onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>Broadcast to a channel</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField
              label="Channel"
              required
              autoFocus={!channel}
              value={form.channel}
              onChange={(e) => setForm((f) => ({ ...f, channel: e.target.value }))}
              error={Boolean(errors.channel)}
              helperText={errors.channel ?? 'Every member receives the event, and every subscriber of the channel as a topic.'}
              slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
            />
            <TextField
              label="Event"
              required
              autoFocus={Boolean(channel)}
              value={form.event}
              onChange={(e) => setForm((f) => ({ ...f, event: e.target.value }))}
              error={Boolean(errors.event)}
              helperText={errors.event ?? 'The event name (the RealtimeEvent type).'}
            />
            <JsonEditor
              label="Data (JSON)"
              value={form.data}
              onChange={(data) => setForm((f) => ({ ...f, data }))}
              error={errors.data}
              helperText="An object is sent as is; any other value is wrapped as {&quot;data&quot;: value}."
              minHeight={120}
              maxHeight={260}
            />
            {send.data && (
              <Alert severity="success">
                Sent as <code>{send.data.id}</code> to <code>{send.data.channel}</code>.
              </Alert>
            )}
            <ErrorAlert error={send.error} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={send.isPending}>
            {send.data ? 'Close' : 'Cancel'}
          </Button>
          <Button type="submit" variant="contained" disabled={send.isPending}>
            {send.isPending ? 'Sending…' : 'Send'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
