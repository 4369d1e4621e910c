// Create (POST /api/database/mappings) or edit (PATCH …/:id) a CDC mapping: table, events,
// topic, trigger columns, the `when` condition (visual builder), the payload field mapping and
// a live preview of the emitted event.
import { useEffect, useId, useMemo, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
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
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { MAPPING_OPERATIONS, mappingsApi } from '../../../api/configuration';
import type { Mapping } from '../../../api/configuration';
import { topicsApi } from '../../../api/endpoints';
import { usePermissions } from '../../../auth/permissions';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { JsonField } from '../../../components/JsonField';
import { useScopedKey } from '../../../state/scope';
import { ConditionBuilder } from './ConditionBuilder';
import { describeCondition, newLeaf } from './conditions';
import { EventPreview } from './EventPreview';
import { definitionOf, emptyForm, formOf, formPayload, splitColumns, validate } from './mappingForm';
import type { FormErrors, MappingForm } from './mappingForm';
import { templateColumns } from './payload';
import { PayloadEditor } from './PayloadEditor';

interface Props {
  open: boolean;
  mapping?: Mapping;
  onClose: () => void;
  onSaved: (m: Mapping) => void;
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box component="section">
      <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
        {title}
      </Typography>
      {children}
    </Box>
  );
}

export function MappingDialog({ open, mapping, onClose, onSaved }: Props) {
  const titleId = useId();
  const creating = mapping === undefined;
  const { can } = usePermissions();
  const [form, setForm] = useState<MappingForm>(emptyForm);
  const [errors, setErrors] = useState<FormErrors>({});
  const set = (patch: Partial<MappingForm>) => setForm((f) => ({ ...f, ...patch }));

  useEffect(() => {
    if (!open) return;
    setForm(mapping ? formOf(mapping) : emptyForm());
    setErrors({});
  }, [open, mapping]);

  const topics = useQuery({ queryKey: useScopedKey('topics'), queryFn: topicsApi.list, enabled: open && can('topics:read') });
  const save = useMutation({
    mutationFn: () =>
      creating ? mappingsApi.create(definitionOf(form, true)) : mappingsApi.update(mapping.id, definitionOf(form, false)),
    onSuccess: onSaved,
  });
  useEffect(() => {
    if (open) save.reset();
  }, [open]);

  const payload = formPayload(form) ?? {};
  const payloadText = JSON.stringify(payload);
  const columns = useMemo(() => templateColumns(JSON.parse(payloadText)), [payloadText]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validate(form, creating);
    setErrors(found);
    if (Object.keys(found).length === 0) save.mutate();
  };

  const toggleEvent = (op: (typeof MAPPING_OPERATIONS)[number], on: boolean) =>
    set({ events: on ? [...form.events, op] : form.events.filter((x) => x !== op) });

  return (
    <Dialog open={open} onClose={save.isPending ? undefined : onClose} aria-labelledby={titleId} fullWidth maxWidth="lg">
      <form onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>{creating ? 'Create mapping' : `Edit mapping ${mapping.id}`}</DialogTitle>
        <DialogContent dividers>
          <Box sx={{ display: 'grid', gap: 3, gridTemplateColumns: { xs: '1fr', md: 'minmax(0, 3fr) minmax(0, 2fr)' }, alignItems: 'start' }}>
            <Stack spacing={3}>
              <Section title="Source and target">
                <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' } }}>
                  <TextField
                    label="Mapping id"
                    value={form.id}
                    disabled={!creating}
                    onChange={(e) => set({ id: e.target.value.trim() })}
                    error={Boolean(errors.id)}
                    helperText={errors.id ?? (creating ? 'Optional: a generated map_… id otherwise.' : 'An id cannot change.')}
                    slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
                  />
                  <TextField
                    label="Table"
                    required
                    autoFocus={creating}
                    value={form.table}
                    onChange={(e) => set({ table: e.target.value.trim() })}
                    error={Boolean(errors.table)}
                    helperText={errors.table ?? 'table or schema.table'}
                    slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
                  />
                  <Autocomplete
                    freeSolo
                    options={(topics.data ?? []).map((t) => t.name)}
                    inputValue={form.topic}
                    onInputChange={(_, v) => set({ topic: v.trim() })}
                    renderInput={(params) => (
                      <TextField
                        {...params}
                        label="Topic"
                        required
                        error={Boolean(errors.topic)}
                        helperText={errors.topic ?? 'Where the events are published.'}
                      />
                    )}
                  />
                  <TextField
                    label="Trigger columns"
                    value={form.triggerColumns}
                    onChange={(e) => set({ triggerColumns: e.target.value })}
                    error={Boolean(errors.triggerColumns)}
                    helperText={errors.triggerColumns ?? 'Comma-separated; an update fires only if one changed.'}
                    slotProps={{ htmlInput: { spellCheck: false } }}
                  />
                </Box>
                <FormControl component="fieldset" error={Boolean(errors.events)} sx={{ mt: 2 }}>
                  <FormLabel component="legend">Events</FormLabel>
                  <FormGroup row>
                    {MAPPING_OPERATIONS.map((op) => (
                      <FormControlLabel
                        key={op}
                        label={op}
                        control={<Checkbox checked={form.events.includes(op)} onChange={(e) => toggleEvent(op, e.target.checked)} />}
                      />
                    ))}
                  </FormGroup>
                  <FormHelperText>{errors.events ?? 'Each event has the type database.<operation>.'}</FormHelperText>
                </FormControl>
              </Section>

              <Section title="Condition">
                {form.whenJson !== null ? (
                  <JsonField
                    label="Condition (JSON)"
                    rows={6}
                    value={form.whenJson}
                    onChange={(e) => set({ whenJson: e.target.value })}
                    error={Boolean(errors.when)}
                    helperText={errors.when ?? 'This condition uses values the visual builder cannot show (objects or arrays).'}
                  />
                ) : (
                  <>
                    <FormControlLabel
                      control={<Switch checked={form.when !== null} onChange={(e) => set({ when: e.target.checked ? newLeaf() : null })} />}
                      label="Only emit when a condition holds"
                    />
                    {form.when && (
                      <Box sx={{ mt: 1 }}>
                        <ConditionBuilder value={form.when} onChange={(when) => set({ when })} />
                        <Typography variant="body2" color={errors.when ? 'error' : 'text.secondary'} sx={{ mt: 1 }} role={errors.when ? 'alert' : undefined}>
                          {errors.when ?? `Emits when: ${describeCondition(form.when)}`}
                        </Typography>
                      </Box>
                    )}
                  </>
                )}
              </Section>

              <Section title="Payload">
                {form.payloadJson !== null ? (
                  <JsonField
                    label="Payload template (JSON)"
                    rows={8}
                    value={form.payloadJson}
                    onChange={(e) => set({ payloadJson: e.target.value })}
                    error={Boolean(errors.payload)}
                    helperText={errors.payload ?? 'This payload holds arrays, which the field editor cannot show.'}
                  />
                ) : (
                  <>
                    <PayloadEditor rows={form.rows} onChange={(rows) => set({ rows })} />
                    {errors.payload && (
                      <Typography variant="body2" color="error" role="alert" sx={{ mt: 1 }}>
                        {errors.payload}
                      </Typography>
                    )}
                  </>
                )}
              </Section>
            </Stack>
            <Box sx={{ position: { md: 'sticky' }, top: 0 }}>
              <EventPreview topic={form.topic} table={form.table} events={form.events} payload={payload} columns={columns} />
              {splitColumns(form.triggerColumns).length > 0 && (
                <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
                  Updates fire only when {splitColumns(form.triggerColumns).join(', ')} changed.
                </Typography>
              )}
            </Box>
          </Box>
          <ErrorAlert error={save.error} />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : creating ? 'Create' : 'Save'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
