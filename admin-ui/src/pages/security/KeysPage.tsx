// spec/12 Signing Keys: the JWT signing keys with their status; create, rotate (a new key and
// the old one deactivated, atomically), deactivate, delete — each confirmed. A new key's secret
// is shown once.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import Add from '@mui/icons-material/Add';
import { keysApi } from '../../api/security';
import type { NewSigningKey, SigningKey } from '../../api/security';
import { Can } from '../../auth/permissions';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { formatTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { CopyField } from './CopyField';
import { TableHeadRow } from '../../components/TableHeadRow';
import { QueryStates } from '../../components/QueryStates';

type Action = 'create' | 'rotate' | 'deactivate' | 'delete';

const CONFIRM: Record<Action, { title: string; label: string; text: (k?: SigningKey) => string; destructive: boolean }> = {
  create: { title: 'Create a signing key?', label: 'Create', destructive: false, text: () => 'A new active HS256 key is created; new tokens are signed with the newest active key.' },
  rotate: { title: 'Rotate this key?', label: 'Rotate', destructive: true, text: (k) => `A new key replaces ${k?.keyId}, which is deactivated at the same moment: it signs no new token, and tokens it signed keep verifying until they expire.` },
  deactivate: { title: 'Deactivate this key?', label: 'Deactivate', destructive: true, text: (k) => `${k?.keyId} signs no new token; tokens it signed keep verifying until they expire.` },
  delete: { title: 'Delete this key?', label: 'Delete', destructive: true, text: (k) => `${k?.keyId} is deleted: every token it signed stops verifying and their connections are closed. This cannot be undone.` },
};

export function KeysPage() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: keysApi.list });
  const [pending, setPending] = useState<{ action: Action; key?: SigningKey } | null>(null);
  const [secret, setSecret] = useState<NewSigningKey | null>(null);
  const act = useMutation({
    mutationFn: ({ action, key }: { action: Action; key?: SigningKey }): Promise<unknown> =>
      action === 'create' ? keysApi.create() : action === 'rotate' ? keysApi.rotate(key!.keyId) : action === 'deactivate' ? keysApi.deactivate(key!.keyId) : keysApi.remove(key!.keyId),
    onSuccess: (answer, { action }) => {
      setPending(null);
      if (action === 'create' || action === 'rotate') setSecret(answer as NewSigningKey);
      void queryClient.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  const ask = (action: Action, key?: SigningKey) => {
    act.reset();
    setPending({ action, key });
  };
  const conf = pending ? CONFIRM[pending.action] : null;
  const rows = [...(keys.data ?? [])].sort((a, b) => Number(b.active) - Number(a.active) || b.createdAt - a.createdAt);

  return (
    <>
      <PageHeader
        title="Signing Keys"
        description="The HS256 keys that sign and verify the platform's JWTs. Secrets are shown once, when a key is created or rotated."
        actions={
          <Can permission="keys:create" mode="disable">
            <Button variant="contained" startIcon={<Add />} onClick={() => ask('create')}>Create key</Button>
          </Can>
        }
      />
      <Paper variant="outlined">
        <QueryStates
          query={keys}
          loading="Loading keys…"
          errorTitle="Could not load keys"
          isEmpty={() => rows.length === 0}
          empty={<EmptyState title="No signing keys" description="Create a key to issue tokens." />}
        >
          {() => (
            <TableContainer>
              <Table size="small" aria-label="Signing keys">
                <TableHeadRow
                  columns={[
                    'Key id',
                    'Status',
                    'Algorithm',
                    'Source',
                    'Created',
                    'Deactivated',
                    { label: 'Actions', align: 'right' },
                  ]}
                />
                <TableBody>
                  {rows.map((k) => (
                    <TableRow key={k.keyId} hover>
                      <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>{k.keyId}</TableCell>
                      <TableCell><Chip size="small" color={k.active ? 'success' : 'default'} label={k.active ? 'active' : 'inactive'} /></TableCell>
                      <TableCell>{k.algorithm}</TableCell>
                      <TableCell>{k.source === 'env' ? 'environment (JWT_SECRET)' : 'managed'}</TableCell>
                      <TableCell>{formatTime(k.createdAt)}</TableCell>
                      <TableCell>{formatTime(k.deactivatedAt)}</TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        {k.source === 'managed' && (
                          <>
                            {k.active && (
                              <Can permission="keys:update">
                                <Button size="small" onClick={() => ask('rotate', k)} aria-label={`Rotate ${k.keyId}`}>Rotate</Button>
                                <Button size="small" onClick={() => ask('deactivate', k)} aria-label={`Deactivate ${k.keyId}`}>Deactivate</Button>
                              </Can>
                            )}
                            <Can permission="keys:delete">
                              <Button size="small" color="error" onClick={() => ask('delete', k)} aria-label={`Delete ${k.keyId}`}>Delete</Button>
                            </Can>
                          </>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </QueryStates>
      </Paper>
      <ConfirmDialog
        open={pending !== null}
        title={conf?.title ?? ''}
        message={conf?.text(pending?.key) ?? ''}
        confirmLabel={conf?.label}
        destructive={conf?.destructive}
        busy={act.isPending}
        error={act.error}
        onConfirm={() => pending && act.mutate(pending)}
        onClose={() => setPending(null)}
      />
      <Dialog open={secret !== null} onClose={() => setSecret(null)} aria-labelledby="secret-title" fullWidth maxWidth="sm">
        <DialogTitle id="secret-title">{secret?.rotatedFrom ? 'Key rotated' : 'Key created'}</DialogTitle>
        <DialogContent>
          <Alert severity="warning" sx={{ mb: 2 }}>
            Copy the secret of <code>{secret?.keyId}</code> now: it is never shown again.
            {secret?.rotatedFrom && <> It replaces <code>{secret.rotatedFrom}</code>, now inactive.</>}
          </Alert>
          {secret && <CopyField label="Secret" value={secret.secret} testId="key-secret" />}
        </DialogContent>
        <DialogActions>
          <Button variant="contained" onClick={() => setSecret(null)}>Done</Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
