// Revision history of the inspector: the server keeps only the current revision, so this lists
// the revisions the page itself has seen (loaded, refreshed, merged) while the document was open.
import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { SyncDocument } from '../../api/operations';
import { formatTime } from '../../components/format';
import { JsonEditor } from '../../components/JsonEditor';
import { TableHeadRow } from '../../components/TableHeadRow';

export function RevisionList({ current, seen }: { current: SyncDocument; seen: SyncDocument[] }) {
  const [shown, setShown] = useState<number | null>(null);
  const picked = seen.find((d) => d.revision === shown);
  return (
    <Paper variant="outlined" sx={{ p: 2 }}>
      <Typography variant="h6" component="h2" sx={{ mb: 1 }}>Revision history</Typography>
      <Alert severity="info" sx={{ mb: 1 }}>
        The server keeps only the current revision ({current.revision}); past revisions are not stored. Below are the revisions seen on
        this page since it opened the document.
      </Alert>
      <Table size="small" aria-label="Revisions seen">
        <TableHeadRow columns={['Revision', 'Updated', { label: 'Data', align: 'right' }]} />
        <TableBody>
          {seen.map((d) => (
            <TableRow key={d.revision} selected={d.revision === shown}>
              <TableCell component="th" scope="row">
                {d.revision}
                {d.revision === current.revision ? ' (current)' : ''}
              </TableCell>
              <TableCell>{formatTime(d.updatedAt)}</TableCell>
              <TableCell align="right">
                <Button size="small" onClick={() => setShown(shown === d.revision ? null : d.revision)} aria-pressed={shown === d.revision}>
                  {shown === d.revision ? 'Hide' : 'Show'} revision {d.revision}
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {picked && (
        <JsonEditor label={`Data of revision ${picked.revision}`} value={JSON.stringify(picked.data, null, 2)} readOnly minHeight={80} maxHeight={300} />
      )}
    </Paper>
  );
}
