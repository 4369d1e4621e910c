// spec/12 Mappings: the CDC domain mappings of the selected application and environment — list,
// create/edit with the visual condition builder and event preview, versions, promotion, delete.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Add from '@mui/icons-material/Add';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import EditOutlined from '@mui/icons-material/EditOutlined';
import HistoryOutlined from '@mui/icons-material/HistoryOutlined';
import UpgradeOutlined from '@mui/icons-material/UpgradeOutlined';
import { mappingsApi, nextEnvironment } from '../../../api/configuration';
import type { Mapping } from '../../../api/configuration';
import { ENVIRONMENTS } from '../../../api/storage';
import type { Environment } from '../../../api/storage';
import { Can, usePermissions } from '../../../auth/permissions';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { EmptyState } from '../../../components/EmptyState';
import { ENVIRONMENT_LABELS, EnvironmentBadge } from '../../../components/EnvironmentBadge';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { PageHeader } from '../../../components/PageHeader';
import { useScope, useScopedKey } from '../../../state/scope';
import { describeCondition, fromJson } from './conditions';
import { MappingDialog } from './MappingDialog';
import { VersionsDialog } from './VersionsDialog';
import { RowAction } from '../../../components/RowAction';
import { QueryStates } from '../../../components/QueryStates';

const SHORT: Record<Environment, string> = { development: 'dev', staging: 'stg', production: 'prod' };

export function MappingsPage() {
  const { environment } = useScope();
  const { can } = usePermissions();
  const key = useScopedKey('mappings');
  const statusKey = useScopedKey('mappings-status');
  const queryClient = useQueryClient();
  const mappings = useQuery({ queryKey: key, queryFn: mappingsApi.list });
  const status = useQuery({ queryKey: statusKey, queryFn: mappingsApi.status });
  const [dialog, setDialog] = useState<{ open: boolean; mapping?: Mapping }>({ open: false });
  const [versionsOf, setVersionsOf] = useState<Mapping | null>(null);
  const [promoting, setPromoting] = useState<Mapping | null>(null);
  const [deleting, setDeleting] = useState<Mapping | null>(null);
  const target = nextEnvironment(environment);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: statusKey });
    // The grid and every environment's lists change with a promotion.
    void queryClient.invalidateQueries({ predicate: (q) => q.queryKey.includes('grid') || q.queryKey.includes('mappings') });
  };

  const promote = useMutation({
    mutationFn: (m: Mapping) => mappingsApi.promote(m.id, target!),
    onSuccess: () => {
      setPromoting(null);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (m: Mapping) => mappingsApi.remove(m.id),
    onSuccess: () => {
      setDeleting(null);
      refresh();
    },
  });
  const toggle = useMutation({
    mutationFn: (m: Mapping) => mappingsApi.update(m.id, { active: !m.active }),
    onSuccess: refresh,
  });

  const rows = [...(mappings.data ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  const statusOf = (id: string) => status.data?.find((s) => s.id === id);
  const createButton = (
    <Can permission="mappings:create" mode="disable">
      <Button variant="contained" startIcon={<Add />} onClick={() => setDialog({ open: true })}>
        Create mapping
      </Button>
    </Can>
  );

  return (
    <>
      <PageHeader
        title="Mappings"
        description={<>Database changes that become events, in <EnvironmentBadge environment={environment} />.</>}
        actions={createButton}
      />
      <ErrorAlert error={toggle.error} />
      <Paper variant="outlined">
        <QueryStates
          query={mappings}
          loading="Loading mappings…"
          errorTitle="Could not load mappings"
          isEmpty={() => rows.length === 0}
          empty={
            <EmptyState
              title="No mappings yet"
              description="A mapping turns inserts, updates and deletes of a table into events on a topic."
              action={createButton}
            />
          }
        >
          {() => (
            <TableContainer>
              <Table size="small" aria-label="Mappings">
                <TableHead>
                  <TableRow>
                    <TableCell scope="col">Id</TableCell>
                    <TableCell scope="col">Table → topic</TableCell>
                    <TableCell scope="col">Events</TableCell>
                    <TableCell scope="col">Condition</TableCell>
                    <TableCell scope="col">Environments</TableCell>
                    <TableCell scope="col">Active</TableCell>
                    <TableCell scope="col" align="right">
                      Actions
                    </TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {rows.map((m) => {
                    const cond = m.when ? fromJson(m.when) : null;
                    const st = statusOf(m.id);
                    return (
                      <TableRow key={m.id} hover>
                        <TableCell component="th" scope="row">
                          <Box sx={{ fontFamily: 'monospace' }}>{m.id}</Box>
                          <Box component="span" sx={{ color: 'text.secondary', fontSize: 12 }}>
                            version {m.version}
                          </Box>
                        </TableCell>
                        <TableCell sx={{ fontFamily: 'monospace' }}>
                          {m.table} → {m.topic}
                        </TableCell>
                        <TableCell>
                          <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
                            {m.events.map((e) => (
                              <Chip key={e} size="small" variant="outlined" label={e} />
                            ))}
                          </Box>
                        </TableCell>
                        <TableCell sx={{ minWidth: 200, maxWidth: 320 }}>{m.when ? (cond ? describeCondition(cond) : JSON.stringify(m.when)) : 'Always'}</TableCell>
                        <TableCell sx={{ whiteSpace: 'nowrap' }}>
                          {ENVIRONMENTS.map((env) => (
                            <Box key={env} component="span" sx={{ mr: 1, fontSize: 13 }}>
                              <abbr title={ENVIRONMENT_LABELS[env]}>{SHORT[env]}</abbr> {st?.environments[env] ? `v${st.environments[env]!.version}` : '—'}
                            </Box>
                          ))}
                        </TableCell>
                        <TableCell>
                          <Switch
                            checked={m.active}
                            disabled={!can('mappings:update') || toggle.isPending}
                            onChange={() => toggle.mutate(m)}
                            slotProps={{ input: { 'aria-label': `${m.id} active` } }}
                          />
                        </TableCell>
                        <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                          <Tooltip title="Versions">
                            <IconButton aria-label={`Versions of ${m.id}`} onClick={() => setVersionsOf(m)}>
                              <HistoryOutlined fontSize="small" />
                            </IconButton>
                          </Tooltip>
                          <Can permission="mappings:update">
                            <Tooltip title="Edit">
                              <IconButton aria-label={`Edit ${m.id}`} onClick={() => setDialog({ open: true, mapping: m })}>
                                <EditOutlined fontSize="small" />
                              </IconButton>
                            </Tooltip>
                            {target && (
                              <Tooltip title={`Promote to ${target}`}>
                                <IconButton aria-label={`Promote ${m.id} to ${target}`} onClick={() => setPromoting(m)}>
                                  <UpgradeOutlined fontSize="small" />
                                </IconButton>
                              </Tooltip>
                            )}
                          </Can>
                          <RowAction permission="mappings:delete" title="Delete" label={`Delete ${m.id}`} icon={<DeleteOutline fontSize="small" />} onClick={() => setDeleting(m)} />
                        </TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </QueryStates>
      </Paper>

      <MappingDialog
        open={dialog.open}
        mapping={dialog.mapping}
        onClose={() => setDialog({ open: false })}
        onSaved={() => {
          setDialog({ open: false });
          refresh();
        }}
      />
      <VersionsDialog mapping={versionsOf} onClose={() => setVersionsOf(null)} />
      <ConfirmDialog
        open={promoting !== null}
        title={`Promote to ${target}?`}
        message={
          <>
            Copies version {promoting?.version} of <strong>{promoting?.id}</strong> from {environment} into {target}, creating or
            replacing the mapping there. It runs in {target} right away.
          </>
        }
        confirmLabel="Promote"
        busy={promote.isPending}
        error={promote.error}
        onConfirm={() => promoting && promote.mutate(promoting)}
        onClose={() => {
          setPromoting(null);
          promote.reset();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete mapping?"
        message={
          <>
            The mapping <strong>{deleting?.id}</strong> is removed from {environment} with its versions and subscriptions. Other
            environments keep theirs.
          </>
        }
        confirmLabel="Delete"
        destructive
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
      />
    </>
  );
}
