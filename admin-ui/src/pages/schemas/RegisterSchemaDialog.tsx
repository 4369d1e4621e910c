// POST /api/schemas/:topic {schema, compatibilityMode}: the next version, or the server's
// compatibility issues (details: [{path, rule, message}]) shown in the dialog.
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { schemasApi } from '../../api/endpoints';
import { COMPATIBILITY_MODES } from '../../api/types';
import type { CompatibilityMode, SchemaVersion } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { JsonField, parseJson } from '../../components/JsonField';

export const MODE_HELP: Record<CompatibilityMode, string> = {
  backward: 'Consumers on the new schema read payloads of the latest version (default).',
  forward: 'Consumers still on the latest version read payloads of the new one.',
  full: 'Both backward and forward.',
  none: 'Any schema is accepted.',
  backward_transitive: 'Backward, against every earlier version.',
  forward_transitive: 'Forward, against every earlier version.',
  full_transitive: 'Full, against every earlier version.',
};

const STARTER = JSON.stringify({ type: 'object', properties: {}, required: [] }, null, 2);

interface Props {
  open: boolean;
  topic: string;
  latest?: SchemaVersion;
  onClose: () => void;
  onRegistered: (v: SchemaVersion) => void;
}

export function RegisterSchemaDialog({ open, topic, latest, onClose, onRegistered }: Props) {
  const titleId = useId();
  const [text, setText] = useState(STARTER);
  const [mode, setMode] = useState<CompatibilityMode>('backward');
  const [problem, setProblem] = useState<string | null>(null);
  const register = useMutation({
    mutationFn: (schema: unknown) => schemasApi.register(topic, schema, mode),
    onSuccess: onRegistered,
  });

  useEffect(() => {
    if (!open) return;
    setText(latest ? JSON.stringify(latest.schema, null, 2) : STARTER);
    setMode(latest?.compatibilityMode ?? 'backward');
    setProblem(null);
    register.reset();
    // Only when the dialog opens: later changes of `latest` must not overwrite the user's text.
  }, [open]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseJson(text);
    if (!parsed.ok) return setProblem(`Not valid JSON: ${parsed.error}`);
    const v = parsed.value;
    if (typeof v !== 'boolean' && (v === null || typeof v !== 'object' || Array.isArray(v))) {
      return setProblem('A JSON Schema is an object (or true / false).');
    }
    setProblem(null);
    register.mutate(v);
  };

  return (
    <Dialog open={open} onClose={register.isPending ? undefined : onClose} aria-labelledby={titleId} fullWidth maxWidth="md">
      <form onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>Register a schema version of {topic}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField
              select
              label="Compatibility mode"
              value={mode}
              onChange={(e) => setMode(e.target.value as CompatibilityMode)}
              helperText={MODE_HELP[mode]}
              sx={{ maxWidth: 360 }}
            >
              {COMPATIBILITY_MODES.map((m) => (
                <MenuItem key={m} value={m}>
                  {m}
                </MenuItem>
              ))}
            </TextField>
            <JsonField
              label="JSON Schema (draft-07)"
              required
              rows={16}
              value={text}
              onChange={(e) => setText(e.target.value)}
              error={Boolean(problem)}
              helperText={problem ?? (latest ? `Starts from version ${latest.version}.` : 'The first version of this topic.')}
            />
            <ErrorAlert error={register.error} title="The server refused this schema" />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={register.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={register.isPending}>
            {register.isPending ? 'Registering…' : 'Register version'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
