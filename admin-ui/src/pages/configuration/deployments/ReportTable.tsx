// A change report (docs/deployments.md): the summary, each item with its action chip, its
// blockers and an expandable field diff (path, from → to).
import { Fragment, useState } from 'react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Collapse from '@mui/material/Collapse';
import IconButton from '@mui/material/IconButton';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import ExpandLess from '@mui/icons-material/ExpandLess';
import ExpandMore from '@mui/icons-material/ExpandMore';
import type { ChangeReport, ItemAction, ReportItem } from '../../../api/configuration';
import { VisuallyHidden } from '../../../components/VisuallyHidden';
import { TableHeadRow } from '../../../components/TableHeadRow';

const ACTION_COLOR: Record<ItemAction, 'success' | 'primary' | 'error' | 'default'> = {
  create: 'success',
  update: 'primary',
  delete: 'error',
  unchanged: 'default',
};

export function ActionChip({ action }: { action: ItemAction | null }) {
  if (!action) return <Chip size="small" variant="outlined" label="not reported" />;
  return <Chip size="small" color={ACTION_COLOR[action]} variant={action === 'unchanged' ? 'outlined' : 'filled'} label={action} />;
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function ItemRows({ item }: { item: ReportItem }) {
  const [open, setOpen] = useState(item.blockers.length > 0);
  const name = `${item.type} ${item.id}`;
  return (
    <Fragment>
      <TableRow data-testid={`report-item-${item.type}-${item.id}`}>
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-label={`${open ? 'Hide' : 'Show'} changes of ${name}`}
            aria-expanded={open}
            onClick={() => setOpen((o) => !o)}
            disabled={item.diff.length === 0 && item.blockers.length === 0}
          >
            {open ? <ExpandLess fontSize="small" /> : <ExpandMore fontSize="small" />}
          </IconButton>
        </TableCell>
        <TableCell>{item.type}</TableCell>
        <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
          {item.id}
        </TableCell>
        <TableCell>
          <ActionChip action={item.action} />
        </TableCell>
        <TableCell>{item.diff.length === 0 ? 'none' : `${item.diff.length} field${item.diff.length === 1 ? '' : 's'}`}</TableCell>
        <TableCell>
          {item.blockers.length > 0 ? <Chip size="small" color="error" label={`${item.blockers.length} blocker${item.blockers.length === 1 ? '' : 's'}`} /> : '—'}
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell colSpan={6} sx={{ py: 0, borderBottom: open ? undefined : 'none' }}>
          <Collapse in={open} unmountOnExit>
            <Box sx={{ py: 1.5 }}>
              {item.blockers.map((b, i) => (
                <Alert key={i} severity="error" sx={{ mb: 1 }}>
                  <code>{b.code}</code>: {b.message}
                </Alert>
              ))}
              {item.diff.length > 0 && (
                <Table size="small" aria-label={`Field changes of ${name}`}>
                  <TableHeadRow columns={['Field', 'From (target now)', 'To']} />
                  <TableBody>
                    {item.diff.map((d) => (
                      <TableRow key={d.path}>
                        <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>
                          {d.path}
                        </TableCell>
                        <TableCell sx={{ fontFamily: 'monospace', color: 'error.main', wordBreak: 'break-all', maxWidth: 280 }}>{show(d.from)}</TableCell>
                        <TableCell sx={{ fontFamily: 'monospace', color: 'success.main', wordBreak: 'break-all', maxWidth: 280 }}>{show(d.to)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </Box>
          </Collapse>
        </TableCell>
      </TableRow>
    </Fragment>
  );
}

export function ReportSummary({ report }: { report: ChangeReport }) {
  return (
    <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center' }}>
      {(['create', 'update', 'delete', 'unchanged'] as const).map((a) => (
        <Chip key={a} size="small" variant="outlined" label={`${report.summary[a] ?? 0} ${a}`} />
      ))}
      {report.blocked ? (
        <Chip size="small" color="error" label={`Blocked: ${report.blockerCount} blocker${report.blockerCount === 1 ? '' : 's'}`} />
      ) : (
        <Chip size="small" color="success" label="No blockers" />
      )}
    </Box>
  );
}

export function ReportTable({ report, title = 'Change report' }: { report: ChangeReport; title?: string }) {
  return (
    <Box>
      <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
        {title}
      </Typography>
      <ReportSummary report={report} />
      {report.blocked && (
        <Alert severity="error" sx={{ mt: 1.5 }}>
          <AlertTitle>Execution is blocked</AlertTitle>
          Resolve the blockers below (for example, add the missing topic or schema to the deployment) and report again.
        </Alert>
      )}
      <TableContainer sx={{ mt: 1.5 }}>
        <Table size="small" aria-label={title}>
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">
                <VisuallyHidden>Details</VisuallyHidden>
              </TableCell>
              <TableCell scope="col">Type</TableCell>
              <TableCell scope="col">Entity</TableCell>
              <TableCell scope="col">Action</TableCell>
              <TableCell scope="col">Changes</TableCell>
              <TableCell scope="col">Blockers</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {report.items.map((it) => (
              <ItemRows key={`${it.type}:${it.id}`} item={it} />
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    </Box>
  );
}
