// Create (POST /api/topics) or edit (PATCH /api/topics/:name) one topic.
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { schemasApi, topicsApi } from '../../api/endpoints';
import type { Topic } from '../../api/types';
import { usePermissions } from '../../auth/permissions';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useScopedKey } from '../../state/scope';

export const TOPIC_NAME = /^[a-z0-9]+(\.[a-z0-9]+)*$/;

export function topicNameProblem(name: string): string | null {
  if (!name) return 'Enter a name.';
  if (name.length > 200 || !TOPIC_NAME.test(name)) return 'Lowercase letters and digits in dot-separated segments, e.g. session.status.';
  return null;
}

interface Props {
  open: boolean;
  /** The topic to edit; none → create. */
  topic?: Topic;
  onClose: () => void;
  onSaved: (t: Topic) => void;
}

export function TopicDialog({ open, topic, onClose, onSaved }: Props) {
  const titleId = useId();
  const editing = topic !== undefined;
  const { can } = usePermissions();
  const [form, setForm] = useState({ name: '', description: '', owner: '', activeSchemaVersion: 0 });
  const [errors, setErrors] = useState<Partial<Record<'name' | 'description' | 'owner', string>>>({});

  useEffect(() => {
    if (!open) return;
    setForm({
      name: topic?.name ?? '',
      description: topic?.description ?? '',
      owner: topic?.owner ?? '',
      activeSchemaVersion: topic?.activeSchemaVersion ?? 0,
    });
    setErrors({});
  }, [open, topic]);

  const versionsKey = useScopedKey('schemas', topic?.name);
  const versions = useQuery({
    queryKey: versionsKey,
    queryFn: () => schemasApi.versions(topic!.name),
    enabled: open && editing && can('schemas:read'),
  });

  const save = useMutation({
    mutationFn: () =>
      editing
        ? topicsApi.update(form.name, {
            description: form.description.trim(),
            owner: form.owner.trim(),
            activeSchemaVersion: form.activeSchemaVersion,
          })
        : topicsApi.create({ name: form.name, description: form.description.trim(), owner: form.owner.trim() }),
    onSuccess: onSaved,
  });
  useEffect(() => {
    if (open) save.reset();
  }, [open]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = {
      name: editing ? undefined : (topicNameProblem(form.name) ?? undefined),
      description: form.description.trim() ? (form.description.length > 1000 ? 'At most 1000 characters.' : undefined) : 'Enter a description.',
      owner: form.owner.trim() ? (form.owner.length > 200 ? 'At most 200 characters.' : undefined) : 'Enter an owner (a team or person).',
    };
    setErrors(found);
    if (!found.name && !found.description && !found.owner) save.mutate();
  };

  return (
    <Dialog open={open} onClose={save.isPending ? undefined : onClose} aria-labelledby={titleId} fullWidth maxWidth="sm">
      <form onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>{editing ? `Edit ${topic.name}` : 'Create topic'}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField
              label="Name"
              required
              autoFocus={!editing}
              disabled={editing}
              value={form.name}
              onChange={(e) => setForm((f) => ({ ...f, name: e.target.value.trim() }))}
              error={Boolean(errors.name)}
              helperText={errors.name ?? (editing ? 'A topic cannot be renamed.' : 'For example session.status')}
              slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
            />
            <TextField
              label="Description"
              required
              autoFocus={editing}
              multiline
              minRows={2}
              value={form.description}
              onChange={(e) => setForm((f) => ({ ...f, description: e.target.value }))}
              error={Boolean(errors.description)}
              helperText={errors.description}
            />
            <TextField
              label="Owner"
              required
              value={form.owner}
              onChange={(e) => setForm((f) => ({ ...f, owner: e.target.value }))}
              error={Boolean(errors.owner)}
              helperText={errors.owner ?? 'The team or person responsible for the topic.'}
            />
            {editing && (
              <TextField
                select
                label="Active schema version"
                value={form.activeSchemaVersion}
                onChange={(e) => setForm((f) => ({ ...f, activeSchemaVersion: Number(e.target.value) }))}
                helperText="Events published to the topic are validated against this version before delivery."
              >
                <MenuItem value={0}>None (no validation)</MenuItem>
                {(versions.data ?? []).map((v) => (
                  <MenuItem key={v.version} value={v.version}>
                    Version {v.version}
                  </MenuItem>
                ))}
                {form.activeSchemaVersion > 0 && !versions.data?.some((v) => v.version === form.activeSchemaVersion) && (
                  <MenuItem value={form.activeSchemaVersion}>Version {form.activeSchemaVersion}</MenuItem>
                )}
              </TextField>
            )}
            <ErrorAlert error={save.error} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : editing ? 'Save' : 'Create'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
