// "Manage services": inline CRUD of the application's sync service namespaces
// (POST/PATCH/DELETE /api/services). Renaming or deleting a service leaves its documents alone.
import { Fragment, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import Add from '@mui/icons-material/Add';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import EditOutlined from '@mui/icons-material/EditOutlined';
import { SERVICE_NAME, servicesApi } from '../../api/operations';
import type { SyncService } from '../../api/operations';
import { Can } from '../../auth/permissions';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useScopedKey } from '../../state/scope';
import { sortServices, useServices } from './ServiceSelect';
import { TableHeadRow } from '../../components/TableHeadRow';
import { QueryStates } from '../../components/QueryStates';

export function serviceNameProblem(name: string): string | null {
  if (!name) return 'Enter a name.';
  if (name.length > 100) return 'At most 100 characters.';
  if (!SERVICE_NAME.test(name)) return 'Lowercase letters, digits, - and _, starting with a letter (e.g. order-tracking).';
  return null;
}

interface Draft {
  /** The service being edited; null: a new one. */
  id: string | null;
  name: string;
  description: string;
}

export function ServicesDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const titleId = useId();
  const services = useServices();
  const key = useScopedKey('services');
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<SyncService | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: key });

  const save = useMutation({
    mutationFn: (d: Draft) =>
      d.id ? servicesApi.update(d.id, { name: d.name, description: d.description }) : servicesApi.create({ name: d.name, description: d.description }),
    onSuccess: () => {
      setDraft(null);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => servicesApi.remove(id),
    onSuccess: () => {
      setDeleting(null);
      refresh();
    },
  });

  const startEdit = (d: Draft) => {
    setDraft(d);
    setNameError(null);
    save.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    const problem = serviceNameProblem(draft.name);
    setNameError(problem);
    if (!problem) save.mutate({ ...draft, description: draft.description.trim() });
  };

  const editor = draft && (
    <TableRow>
      <TableCell colSpan={3}>
        <form onSubmit={submit} noValidate aria-label={draft.id ? `Edit service ${draft.name}` : 'New service'}>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} alignItems="flex-start">
            <TextField
              label="Name"
              required
              autoFocus
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value.trim() })}
              error={Boolean(nameError)}
              helperText={nameError ?? 'e.g. order-tracking'}
              slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
            />
            <TextField label="Description" value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} sx={{ flex: 1 }} />
            <Button type="submit" variant="contained" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : draft.id ? 'Save' : 'Add'}
            </Button>
            <Button onClick={() => setDraft(null)} disabled={save.isPending}>Cancel</Button>
          </Stack>
          <ErrorAlert error={save.error} />
        </form>
      </TableCell>
    </TableRow>
  );

  const list = sortServices(services.data);
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby={titleId} fullWidth maxWidth="md">
      <DialogTitle id={titleId}>Manage services</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Service namespaces of this application (the same in every environment). Renaming or deleting one does not move or delete its documents.
        </Typography>
        <QueryStates
          query={services}
          loading="Loading services…"
          errorTitle="Could not load services"
        >
          {() => (
            <Table size="small" aria-label="Services">
              <TableHeadRow columns={['Name', 'Description', { label: 'Actions', align: 'right' }]} />
              <TableBody>
                {list.map((s) =>
                  draft?.id === s.id ? (
                    <Fragment key={s.id}>{editor}</Fragment>
                  ) : (
                    <TableRow key={s.id}>
                      <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>{s.name}</TableCell>
                      <TableCell>{s.description || '—'}</TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        <Can permission="documents:update">
                          <IconButton aria-label={`Edit service ${s.name}`} onClick={() => startEdit({ id: s.id, name: s.name, description: s.description ?? '' })}>
                            <EditOutlined fontSize="small" />
                          </IconButton>
                        </Can>
                        <Can permission="documents:delete">
                          <IconButton aria-label={`Delete service ${s.name}`} onClick={() => setDeleting(s)}>
                            <DeleteOutline fontSize="small" />
                          </IconButton>
                        </Can>
                      </TableCell>
                    </TableRow>
                  ),
                )}
                {draft?.id === null && editor}
              </TableBody>
            </Table>
          )}
        </QueryStates>
        {list.length === 0 && !services.isPending && !services.error && draft === null && (
          <EmptyState title="No services yet" description="Add the first namespace, e.g. notes or order-tracking." />
        )}
      </DialogContent>
      <DialogActions>
        <Can permission="documents:create" mode="disable">
          <Button startIcon={<Add />} onClick={() => startEdit({ id: null, name: '', description: '' })} disabled={draft !== null}>
            Add service
          </Button>
        </Can>
        <Button variant="contained" onClick={onClose}>Close</Button>
      </DialogActions>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete service?"
        message={<>The service <strong>{deleting?.name}</strong> is removed from the registry. Its documents stay and can still be read by name.</>}
        confirmLabel="Delete"
        destructive
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
      />
    </Dialog>
  );
}
