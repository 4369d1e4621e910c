// The replay form shared by the debugger's replay dialog and the Replay Tool page:
// POST /api/debugger/replay {traceId, mode, overrides}, then the answer (ReplayResult).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { debuggerApi, REPLAY_MODES } from '../../api/insights';
import type { ReplayAnswer, ReplayMode } from '../../api/insights';
import { Can } from '../../auth/permissions';
import { ErrorAlert } from '../../components/ErrorAlert';
import { JsonField } from '../../components/JsonField';
import { checkOverrides } from './overrides';
import { ReplayResult } from './ReplayResult';

export const MODE_HELP: Record<ReplayMode, string> = {
  'dry-run': 'Nothing is delivered, stored or traced: the answer says where the event would go.',
  router: 'Published like any event: socket subscribers on every instance, webhooks, and a trace of its own.',
  websocket: 'Socket subscribers only, on every instance; no webhook delivery. Traced.',
  webhook: 'Enqueued for the matching webhook endpoints only; no socket delivery, no trace.',
};

const OVERRIDES_EXAMPLE = '{\n  "payload": { "status": "ended" }\n}';

export function ReplayForm({ traceId, onReplayed }: { traceId: string; onReplayed?: (a: ReplayAnswer) => void }) {
  const [mode, setMode] = useState<ReplayMode>('dry-run');
  const [text, setText] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const replay = useMutation({
    mutationFn: (overrides: Record<string, unknown> | undefined) =>
      debuggerApi.replay({ traceId, mode, ...(overrides ? { overrides } : {}) }),
    onSuccess: (a) => onReplayed?.(a),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = checkOverrides(text);
    if (!checked.ok) {
      setFieldError(checked.error);
      return;
    }
    setFieldError(null);
    replay.mutate(checked.value);
  };

  return (
    <Stack spacing={2}>
      <form onSubmit={submit} noValidate aria-label="Replay the event">
        <Stack spacing={2}>
          <TextField
            select
            label="Mode"
            value={mode}
            onChange={(e) => {
              setMode(e.target.value as ReplayMode);
              replay.reset();
            }}
            helperText={MODE_HELP[mode]}
            sx={{ maxWidth: 480 }}
          >
            {REPLAY_MODES.map((m) => (
              <MenuItem key={m} value={m}>
                {m}
              </MenuItem>
            ))}
          </TextField>
          <JsonField
            label="Overrides (JSON, optional)"
            rows={5}
            value={text}
            placeholder={OVERRIDES_EXAMPLE}
            onChange={(e) => {
              setText(e.target.value);
              if (fieldError) setFieldError(null);
            }}
            error={Boolean(fieldError)}
            helperText={
              fieldError ??
              'Deep-merged into the traced event: payload (an object), type, metadata {table, operation, revision}.'
            }
          />
          {mode !== 'dry-run' && (
            <Alert severity="warning">
              This replay is delivered for real ({mode}). It is a new event with a new id, marked as a replay.
            </Alert>
          )}
          <ErrorAlert error={replay.error} title="The replay was refused" />
          <div>
            <Can permission="debugger:create" mode="disable">
              <Button type="submit" variant="contained" disabled={replay.isPending}>
                {replay.isPending ? 'Replaying…' : mode === 'dry-run' ? 'Run dry-run' : `Replay (${mode})`}
              </Button>
            </Can>
          </div>
        </Stack>
      </form>
      {replay.data && <ReplayResult answer={replay.data} />}
    </Stack>
  );
}
