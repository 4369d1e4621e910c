// spec/12 Alert Center: alerts filtered by severity, state and environment (the selected one by
// default), acknowledge; and the alert rules (GET/POST/PATCH/DELETE /api/alerts/rules).
import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Tab from '@mui/material/Tab';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import Toolbar from '@mui/material/Toolbar';
import { alertsApi, ALERT_SEVERITIES } from '../../api/insights';
import type { Alert as AlertRow } from '../../api/insights';
import { ENVIRONMENTS } from '../../api/storage';
import { Can } from '../../auth/permissions';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatNumber, formatTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { useScope } from '../../state/scope';
import { AlertRulesPanel } from './AlertRulesPanel';
import { TableHeadRow } from '../../components/TableHeadRow';
import { QueryStates } from '../../components/QueryStates';

const SEVERITY_COLOR = { info: 'info', warning: 'warning', critical: 'error' } as const;

function AlertsPanel() {
  const { environment: current } = useScope();
  const queryClient = useQueryClient();
  const [severity, setSeverity] = useState('');
  const [state, setState] = useState('');
  const [environment, setEnvironment] = useState<string>(current);
  const q = { severity: severity || undefined, state: state || undefined, environment: environment || undefined, limit: 200 };
  const alerts = useQuery({ queryKey: ['alerts', q], queryFn: () => alertsApi.list(q), refetchInterval: 10_000, placeholderData: keepPreviousData });
  const ack = useMutation({
    mutationFn: (id: string) => alertsApi.ack(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['alerts'] }),
  });
  const select = (label: string, value: string, set: (v: string) => void, options: readonly string[], any: string) => (
    <TextField select size="small" label={label} value={value} onChange={(e) => set(e.target.value)} sx={{ minWidth: 180 }}>
      <MenuItem value="">{any}</MenuItem>
      {options.map((o) => <MenuItem key={o} value={o}>{o}</MenuItem>)}
    </TextField>
  );
  const rows: AlertRow[] = alerts.data ?? [];
  return (
    <>
      <Toolbar sx={{ gap: 2, flexWrap: 'wrap', py: 1 }}>
        {select('Severity', severity, setSeverity, ALERT_SEVERITIES, 'Any severity')}
        {select('State', state, setState, ['firing', 'resolved'], 'Active and resolved')}
        {select('Environment', environment, setEnvironment, ENVIRONMENTS, 'Every environment')}
      </Toolbar>
      <ErrorAlert error={ack.error} title="Could not acknowledge" />
      <QueryStates
        query={alerts}
        loading="Loading alerts…"
        errorTitle="Could not load alerts"
        keepDataOnError
        isEmpty={() => rows.length === 0}
        empty={<EmptyState title="No alerts" description="Alerts appear here when a rule's condition holds. Nothing matches these filters." />}
      >
        {() => (
          <TableContainer>
            <Table size="small" aria-label="Alerts">
              <TableHeadRow
                columns={[
                  'Rule',
                  'Severity',
                  'State',
                  'Message',
                  'Scope',
                  'Fired',
                  'Resolved',
                  { label: 'Acknowledged', align: 'right' },
                ]}
              />
              <TableBody>
                {rows.map((a) => (
                  <TableRow key={a.id} hover>
                    <TableCell component="th" scope="row">{a.ruleName}</TableCell>
                    <TableCell><Chip size="small" color={SEVERITY_COLOR[a.severity]} label={a.severity} /></TableCell>
                    <TableCell>
                      <Chip size="small" variant={a.state === 'firing' ? 'filled' : 'outlined'} color={a.state === 'firing' ? 'error' : 'default'} label={a.state} />
                    </TableCell>
                    <TableCell sx={{ fontFamily: 'monospace' }}>{a.message}</TableCell>
                    <TableCell>{[a.applicationId ?? 'every application', a.environment ?? 'every environment'].join(' · ')}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(a.firedAt)}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>
                      {a.resolvedAt ? `${formatTime(a.resolvedAt)}${a.resolvedValue !== null ? ` (${formatNumber(a.resolvedValue)})` : ''}` : '—'}
                    </TableCell>
                    <TableCell align="right">
                      {a.acknowledged ? (
                        `${formatTime(a.acknowledgedAt)} by ${a.acknowledgedBy ?? '?'}`
                      ) : (
                        <Can permission="metrics:update" fallback="No">
                          <Button size="small" variant="outlined" disabled={ack.isPending} onClick={() => ack.mutate(a.id)} aria-label={`Acknowledge ${a.ruleName} fired ${formatTime(a.firedAt)}`}>
                            Acknowledge
                          </Button>
                        </Can>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </QueryStates>
    </>
  );
}

export function AlertsPage() {
  const [tab, setTab] = useState(0);
  return (
    <>
      <PageHeader title="Alert Center" description="Alerts fired by the platform's rules, and the rules themselves. Rules watch the cluster-wide dashboard numbers." />
      <Paper variant="outlined">
        <Tabs value={tab} onChange={(_, v: number) => setTab(v)} aria-label="Alert Center sections" sx={{ borderBottom: 1, borderColor: 'divider', px: 1 }}>
          <Tab label="Alerts" id="alerts-tab-0" aria-controls={tab === 0 ? 'alerts-panel-0' : undefined} />
          <Tab label="Rules" id="alerts-tab-1" aria-controls={tab === 1 ? 'alerts-panel-1' : undefined} />
        </Tabs>
        <div role="tabpanel" id={`alerts-panel-${tab}`} aria-labelledby={`alerts-tab-${tab}`}>
          {tab === 0 ? <AlertsPanel /> : <AlertRulesPanel />}
        </div>
      </Paper>
    </>
  );
}
