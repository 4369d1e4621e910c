// POST /api/deployments: source and target environments and an entity picker fed by the
// environment grid (the entities that exist in the source, or only in the target = a delete).
import { useEffect, useId, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { deploymentsApi, ENTITY_TYPES } from '../../../api/configuration';
import type { Deployment, EntityType, GridEntity } from '../../../api/configuration';
import { ENVIRONMENTS } from '../../../api/storage';
import type { Environment } from '../../../api/storage';
import { ENVIRONMENT_LABELS } from '../../../components/EnvironmentBadge';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { useScopedKey } from '../../../state/scope';
import { cellText } from '../environments/GridCellChip';
import { QueryStates } from '../../../components/QueryStates';


const key = (e: { type: string; id: string }) => `${e.type}:${e.id}`;

export function CreateDeploymentDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (d: Deployment) => void }) {
  const titleId = useId();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [source, setSource] = useState<Environment>('development');
  const [target, setTarget] = useState<Environment>('staging');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [problem, setProblem] = useState<string | null>(null);
  const grid = useQuery({ queryKey: useScopedKey('grid', 'all'), queryFn: () => deploymentsApi.grid(), enabled: open });
  const create = useMutation({
    mutationFn: () =>
      deploymentsApi.create({
        sourceEnvironment: source,
        targetEnvironment: target,
        name: name.trim() || undefined,
        description: description.trim() || undefined,
        items: [...picked].map((k) => {
          const i = k.indexOf(':');
          return { type: k.slice(0, i) as EntityType, id: k.slice(i + 1) };
        }),
      }),
    onSuccess: onCreated,
  });
  useEffect(() => {
    if (!open) return;
    setName('');
    setDescription('');
    setPicked(new Set());
    setProblem(null);
    create.reset();
  }, [open]);

  // Entities of the source, plus the target's that the source lacks (picking one deletes it).
  const candidates = useMemo(
    () => (grid.data?.entities ?? []).filter((e) => e.environments[source]?.state !== 'missing' || e.environments[target]?.state !== 'missing'),
    [grid.data, source, target],
  );
  const toggle = (k: string) =>
    setPicked((s) => {
      const n = new Set(s);
      if (n.has(k)) n.delete(k);
      else n.add(k);
      return n;
    });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = source === target ? 'Source and target must differ.' : picked.size === 0 ? 'Pick at least one entity.' : null;
    setProblem(p);
    if (!p) create.mutate();
  };

  const describe = (e: GridEntity) => {
    const s = e.environments[source];
    const t = e.environments[target];
    if (!s || s.state === 'missing') return `delete from ${target}`;
    return `${source}: ${cellText(s)} · ${target}: ${t ? cellText(t) : '—'}`;
  };

  return (
    <Dialog open={open} onClose={create.isPending ? undefined : onClose} aria-labelledby={titleId} fullWidth maxWidth="md">
      <form onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>New deployment</DialogTitle>
        <DialogContent dividers>
          <Stack spacing={2}>
            <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' } }}>
              <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} helperText="Optional, e.g. orders v2" />
              <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
              <TextField select label="Source environment" value={source} onChange={(e) => setSource(e.target.value as Environment)} slotProps={{ select: { native: true } }}>
                {ENVIRONMENTS.map((e) => (
                  <option key={e} value={e}>
                    {ENVIRONMENT_LABELS[e]}
                  </option>
                ))}
              </TextField>
              <TextField select label="Target environment" value={target} onChange={(e) => setTarget(e.target.value as Environment)} slotProps={{ select: { native: true } }}>
                {ENVIRONMENTS.map((e) => (
                  <option key={e} value={e}>
                    {ENVIRONMENT_LABELS[e]}
                  </option>
                ))}
              </TextField>
            </Box>
            <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
              Entities ({picked.size} picked)
            </Typography>
            <QueryStates
              query={grid}
              loading="Loading entities…"
              errorTitle="Could not load the entities"
              isEmpty={() => candidates.length === 0}
              empty={<Typography color="text.secondary">Neither environment has any entity.</Typography>}
            >
              {() => (
                <Box sx={{ maxHeight: 360, overflowY: 'auto' }}>
                  {ENTITY_TYPES.map((type) => {
                    const list = candidates.filter((c) => c.type === type);
                    if (list.length === 0) return null;
                    const all = list.every((c) => picked.has(key(c)));
                    return (
                      <Box key={type} component="fieldset" sx={{ border: 0, p: 0, m: 0, mb: 1.5 }}>
                        <Box component="legend" sx={{ p: 0 }}>
                          <FormControlLabel
                            label={<strong>{type}s</strong>}
                            control={
                              <Checkbox
                                checked={all}
                                onChange={() =>
                                  setPicked((s) => {
                                    const n = new Set(s);
                                    list.forEach((c) => (all ? n.delete(key(c)) : n.add(key(c))));
                                    return n;
                                  })
                                }
                                slotProps={{ input: { 'aria-label': `All ${type}s` } }}
                              />
                            }
                          />
                        </Box>
                        <Box sx={{ pl: 3, display: 'flex', flexDirection: 'column' }}>
                          {list.map((c) => (
                            <FormControlLabel
                              key={key(c)}
                              control={<Checkbox size="small" checked={picked.has(key(c))} onChange={() => toggle(key(c))} />}
                              label={
                                <span>
                                  <Box component="span" sx={{ fontFamily: 'monospace' }}>
                                    {c.id}
                                  </Box>{' '}
                                  <Typography component="span" variant="body2" color="text.secondary">
                                    {describe(c)}
                                  </Typography>
                                </span>
                              }
                            />
                          ))}
                        </Box>
                      </Box>
                    );
                  })}
                </Box>
              )}
            </QueryStates>
            {problem && (
              <Alert severity="error" role="alert">
                {problem}
              </Alert>
            )}
            <ErrorAlert error={create.error} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create draft'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
