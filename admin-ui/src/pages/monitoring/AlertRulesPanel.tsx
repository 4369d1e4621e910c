// The Alert Center's rules: list, create, edit, enable/disable, delete (built-in rules cannot be
// deleted, only edited or disabled).
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import Add from '@mui/icons-material/Add';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import EditOutlined from '@mui/icons-material/EditOutlined';
import { alertsApi } from '../../api/insights';
import type { AlertRule } from '../../api/insights';
import { Can, usePermissions } from '../../auth/permissions';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AlertRuleDialog } from './AlertRuleDialog';
import { describeCondition } from './alertRules';
import { RowAction } from '../../components/RowAction';
import { TableHeadRow } from '../../components/TableHeadRow';
import { QueryStates } from '../../components/QueryStates';

const SEVERITY_COLOR = { info: 'info', warning: 'warning', critical: 'error' } as const;

export function AlertRulesPanel() {
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const rules = useQuery({ queryKey: ['alert-rules'], queryFn: alertsApi.rules });
  const [dialog, setDialog] = useState<{ open: boolean; rule?: AlertRule }>({ open: false });
  const [deleting, setDeleting] = useState<AlertRule | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['alert-rules'] });
  const toggle = useMutation({ mutationFn: (r: AlertRule) => alertsApi.updateRule(r.id, { enabled: !r.enabled }), onSuccess: refresh });
  const remove = useMutation({
    mutationFn: (id: string) => alertsApi.deleteRule(id),
    onSuccess: () => {
      setDeleting(null);
      refresh();
    },
  });

  return (
    <>
      <Box sx={{ display: 'flex', justifyContent: 'flex-end', p: 2, pb: 0 }}>
        <Can permission="metrics:create" mode="disable">
          <Button variant="contained" startIcon={<Add />} onClick={() => setDialog({ open: true })}>
            Create rule
          </Button>
        </Can>
      </Box>
      <ErrorAlert error={toggle.error} title="Could not change the rule" />
      <QueryStates
        query={rules}
        loading="Loading rules…"
        errorTitle="Could not load rules"
        isEmpty={(rulesData) => rulesData.length === 0}
        empty={<EmptyState title="No rules" description="Create a rule to be alerted when a metric crosses a threshold." />}
      >
        {(rulesData) => (
          <TableContainer>
            <Table size="small" aria-label="Alert rules">
              <TableHeadRow
                columns={[
                  'Name',
                  'Condition',
                  'Severity',
                  'Cooldown',
                  'Scope',
                  'Enabled',
                  { label: 'Actions', align: 'right' },
                ]}
              />
              <TableBody>
                {rulesData.map((r) => (
                  <TableRow key={r.id} hover>
                    <TableCell component="th" scope="row">
                      {r.name} {r.builtin && <Chip size="small" variant="outlined" label="built-in" sx={{ ml: 0.5 }} />}
                      {r.description && <Typography variant="caption" component="div" color="text.secondary">{r.description}</Typography>}
                    </TableCell>
                    <TableCell sx={{ fontFamily: 'monospace' }}>{describeCondition(r)}</TableCell>
                    <TableCell><Chip size="small" color={SEVERITY_COLOR[r.severity]} label={r.severity} /></TableCell>
                    <TableCell>{r.cooldown} s</TableCell>
                    <TableCell>{[r.applicationId ?? 'every application', r.environment ?? 'every environment'].join(' · ')}</TableCell>
                    <TableCell>
                      <Switch
                        checked={r.enabled}
                        disabled={!can('metrics:update') || toggle.isPending}
                        onChange={() => toggle.mutate(r)}
                        slotProps={{ input: { 'aria-label': `${r.name} enabled` } }}
                      />
                    </TableCell>
                    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                      <RowAction permission="metrics:update" title="Edit" label={`Edit ${r.name}`} icon={<EditOutlined fontSize="small" />} onClick={() => setDialog({ open: true, rule: r })} />
                      {!r.builtin && (
                        <RowAction permission="metrics:delete" title="Delete" label={`Delete ${r.name}`} icon={<DeleteOutline fontSize="small" />} onClick={() => setDeleting(r)} />
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </QueryStates>
      <AlertRuleDialog
        open={dialog.open}
        rule={dialog.rule}
        onClose={() => setDialog({ open: false })}
        onSaved={() => {
          setDialog({ open: false });
          refresh();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete alert rule?"
        message={<>The rule <strong>{deleting?.name}</strong> is deleted; its open alert, if any, is resolved.</>}
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
    </>
  );
}
