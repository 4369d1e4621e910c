// A mapping's version history in this environment (GET …/:id/versions), a snapshot of the
// current definition as a new version (POST …/:id/versions) and each version's definition.
import { useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import { mappingsApi } from '../../../api/configuration';
import type { Mapping } from '../../../api/configuration';
import { Can } from '../../../auth/permissions';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatTime } from '../../../components/format';
import { useScopedKey } from '../../../state/scope';
import { QueryStates } from '../../../components/QueryStates';

export function VersionsDialog({ mapping, onClose }: { mapping: Mapping | null; onClose: () => void }) {
  const titleId = useId();
  const key = useScopedKey('mapping-versions', mapping?.id);
  const listKey = useScopedKey('mappings');
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<number | null>(null);
  const versions = useQuery({ queryKey: key, queryFn: () => mappingsApi.versions(mapping!.id), enabled: mapping !== null });
  const snapshot = useMutation({
    mutationFn: () => mappingsApi.snapshot(mapping!.id),
    onSuccess: (v) => {
      setSelected(v.version);
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: listKey });
    },
  });
  const close = () => {
    setSelected(null);
    snapshot.reset();
    onClose();
  };
  const list = [...(versions.data ?? [])].sort((a, b) => b.version - a.version);
  const shown = list.find((v) => v.version === selected) ?? list[0];

  return (
    <Dialog
      open={mapping !== null}
      onClose={close}
      aria-labelledby={titleId}
      fullWidth
      maxWidth="md"
    >
      <DialogTitle id={titleId}>Versions of {mapping?.id}</DialogTitle>
      <DialogContent dividers>
        <QueryStates
          query={versions}
          loading="Loading versions…"
          errorTitle="Could not load versions"
          isEmpty={() => list.length === 0}
          empty={<EmptyState title="No versions" />}
        >
          {() => (
            <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '200px minmax(0, 1fr)' }, gap: 2 }}>
              <List dense aria-label="Versions">
                {list.map((v) => (
                  <li key={v.version}>
                    <ListItemButton
                      selected={v.version === shown?.version}
                      aria-current={v.version === shown?.version ? 'true' : undefined}
                      onClick={() => setSelected(v.version)}
                    >
                      <ListItemText
                        primary={`Version ${v.version}${v.version === mapping?.version ? ' (current)' : ''}`}
                        secondary={formatTime(v.createdAt)}
                      />
                    </ListItemButton>
                  </li>
                ))}
              </List>
              <Box
                component="pre"
                role="region"
                aria-label={`Definition of version ${shown?.version}`}
                tabIndex={0}
                sx={{ m: 0, p: 1.5, bgcolor: 'action.hover', borderRadius: 1, fontSize: 12, overflow: 'auto', maxHeight: 420 }}
              >
                {JSON.stringify(shown?.definition, null, 2)}
              </Box>
            </Box>
          )}
        </QueryStates>
        <ErrorAlert error={snapshot.error} />
      </DialogContent>
      <DialogActions>
        <Can permission="mappings:update" mode="disable">
          <Button onClick={() => snapshot.mutate()} disabled={snapshot.isPending}>
            {snapshot.isPending ? 'Saving…' : 'Snapshot as new version'}
          </Button>
        </Can>
        <Button variant="contained" onClick={close}>
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
