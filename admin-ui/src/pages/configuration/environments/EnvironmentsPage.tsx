// spec/12 Environment Grid: every promotable entity (topics, schemas, mappings, webhooks) in
// development, staging and production, coloured and labelled by sync state; details per cell;
// batch promotion of the selected rows.
import { useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import UpgradeOutlined from '@mui/icons-material/UpgradeOutlined';
import { deploymentsApi, ENTITY_TYPES } from '../../../api/configuration';
import type { EntityType, GridCell, GridEntity } from '../../../api/configuration';
import { ENVIRONMENTS } from '../../../api/storage';
import type { Environment } from '../../../api/storage';
import { Can } from '../../../auth/permissions';
import { EmptyState } from '../../../components/EmptyState';
import { ENVIRONMENT_LABELS } from '../../../components/EnvironmentBadge';
import { PageHeader } from '../../../components/PageHeader';
import { useScopedKey } from '../../../state/scope';
import { cellText, GridCellChip, STATE_TEXT } from './GridCellChip';
import { PromoteDialog } from './PromoteDialog';
import { QueryStates } from '../../../components/QueryStates';


const rowKey = (e: GridEntity) => `${e.type}:${e.id}`;

const EXPLAIN: Record<GridCell['state'], string> = {
  synced: 'Equal to the nearest earlier environment that has it (or no earlier environment has it).',
  newer: 'The earlier environment holds another version: a promotion is available.',
  missing: 'Another environment has this entity; this one does not.',
};

export function EnvironmentsPage() {
  const [type, setType] = useState<EntityType | 'all'>('all');
  const key = useScopedKey('grid', type);
  const queryClient = useQueryClient();
  const grid = useQuery({ queryKey: key, queryFn: () => deploymentsApi.grid(type === 'all' ? undefined : type) });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [detail, setDetail] = useState<{ entity: GridEntity; env: Environment; cell: GridCell } | null>(null);
  const [promoting, setPromoting] = useState<GridEntity[] | null>(null);

  const rows = grid.data?.entities ?? [];
  const shownSelected = useMemo(() => rows.filter((r) => selected.has(rowKey(r))), [rows, selected]);
  const allChecked = rows.length > 0 && shownSelected.length === rows.length;
  const toggle = (k: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(k)) n.delete(k);
      else n.add(k);
      return n;
    });

  return (
    <>
      <PageHeader
        title="Environment Grid"
        description="Every promotable entity across development, staging and production."
        actions={
          <Can permission="deployments:create" mode="disable">
            <Button variant="contained" startIcon={<UpgradeOutlined />} disabled={shownSelected.length === 0} onClick={() => setPromoting(shownSelected)}>
              Promote selected ({shownSelected.length})
            </Button>
          </Can>
        }
      />
      <Paper variant="outlined">
        <Toolbar sx={{ gap: 2, flexWrap: 'wrap', py: 1 }}>
          <ToggleButtonGroup
            size="small"
            exclusive
            value={type}
            onChange={(_, v: EntityType | 'all' | null) => v && setType(v)}
            aria-label="Entity type"
          >
            <ToggleButton value="all">All</ToggleButton>
            {ENTITY_TYPES.map((t) => (
              <ToggleButton key={t} value={t}>
                {t[0].toUpperCase() + t.slice(1)}s
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
          <Typography variant="body2" color="text.secondary">
            Green: {STATE_TEXT.synced.toLowerCase()} · yellow: {STATE_TEXT.newer.toLowerCase()} · red: {STATE_TEXT.missing.toLowerCase()}
          </Typography>
        </Toolbar>
        <QueryStates
          query={grid}
          loading="Loading the grid…"
          errorTitle="Could not load the environment grid"
          isEmpty={() => rows.length === 0}
          empty={<EmptyState title="Nothing to show" description="No entity of this type exists in any environment of this application." />}
        >
          {() => (
            <TableContainer>
              <Table size="small" aria-label="Environment grid">
                <TableHead>
                  <TableRow>
                    <TableCell padding="checkbox">
                      <Checkbox
                        checked={allChecked}
                        onChange={() => setSelected(allChecked ? new Set() : new Set(rows.map(rowKey)))}
                        slotProps={{ input: { 'aria-label': 'Select all rows' } }}
                      />
                    </TableCell>
                    <TableCell scope="col">Type</TableCell>
                    <TableCell scope="col">Entity</TableCell>
                    {ENVIRONMENTS.map((env) => (
                      <TableCell key={env} scope="col">
                        {ENVIRONMENT_LABELS[env]}
                      </TableCell>
                    ))}
                  </TableRow>
                </TableHead>
                <TableBody>
                  {rows.map((r) => (
                    <TableRow key={rowKey(r)} hover selected={selected.has(rowKey(r))} data-testid={`grid-row-${r.type}-${r.id}`}>
                      <TableCell padding="checkbox">
                        <Checkbox
                          checked={selected.has(rowKey(r))}
                          onChange={() => toggle(rowKey(r))}
                          slotProps={{ input: { 'aria-label': `Select ${r.type} ${r.id}` } }}
                        />
                      </TableCell>
                      <TableCell>{r.type}</TableCell>
                      <TableCell component="th" scope="row">
                        <Box sx={{ fontFamily: 'monospace' }}>{r.id}</Box>
                        {r.label && (
                          <Typography variant="caption" color="text.secondary">
                            {r.label}
                          </Typography>
                        )}
                      </TableCell>
                      {ENVIRONMENTS.map((env) => {
                        const cell = r.environments[env];
                        return (
                          <TableCell key={env} data-testid={`cell-${r.type}-${r.id}-${env}`}>
                            {cell ? (
                              <GridCellChip cell={cell} label={`${r.type} ${r.id} in ${env}`} onClick={() => setDetail({ entity: r, env, cell })} />
                            ) : (
                              '—'
                            )}
                          </TableCell>
                        );
                      })}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </QueryStates>
      </Paper>

      <Dialog open={detail !== null} onClose={() => setDetail(null)} aria-labelledby="grid-cell-title" fullWidth maxWidth="xs">
        <DialogTitle id="grid-cell-title">
          {detail?.entity.type} {detail?.entity.id} in {detail && ENVIRONMENT_LABELS[detail.env]}
        </DialogTitle>
        <DialogContent dividers>
          {detail && (
            <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: 2, rowGap: 1, '& dd': { m: 0 } }}>
              <dt>State</dt>
              <dd>{cellText(detail.cell)}</dd>
              <dt>Version</dt>
              <dd>{detail.cell.version ?? '—'}</dd>
              <dt>Fingerprint</dt>
              <dd style={{ fontFamily: 'monospace' }}>{detail.cell.fingerprint ?? '—'}</dd>
              {detail.entity.label && (
                <>
                  <dt>Label</dt>
                  <dd>{detail.entity.label}</dd>
                </>
              )}
              <dt>Meaning</dt>
              <dd>{EXPLAIN[detail.cell.state]}</dd>
            </Box>
          )}
        </DialogContent>
        <DialogActions>
          <Button variant="contained" onClick={() => setDetail(null)}>
            Close
          </Button>
        </DialogActions>
      </Dialog>
      <PromoteDialog
        entities={promoting}
        onClose={() => setPromoting(null)}
        onDone={() => {
          setSelected(new Set());
          void queryClient.invalidateQueries({ predicate: (q) => q.queryKey.includes('grid') || q.queryKey.includes('deployments') });
        }}
      />
    </>
  );
}
