import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { SchemaVersion } from '../../api/types';
import { Can } from '../../auth/permissions';
import { formatTime } from '../../components/format';
import { VisuallyHidden } from '../../components/VisuallyHidden';

interface Props {
  versions: SchemaVersion[];
  activeVersion: number;
  busy: boolean;
  /** PATCH the topic's activeSchemaVersion (0 stops enforcing). */
  onActivate: (version: number) => void;
}

/** The versions of a topic, newest first; one shown as JSON. */
export function VersionsPanel({ versions, activeVersion, busy, onActivate }: Props) {
  const newestFirst = [...versions].reverse();
  // null: the newest, also after a new version is registered.
  const [shown, setShown] = useState<number | null>(null);
  const current = versions.find((v) => v.version === shown) ?? newestFirst[0];

  return (
    <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', xl: 'minmax(0, 1fr) minmax(0, 1fr)' } }}>
      <TableContainer>
        <Table size="small" aria-label="Schema versions">
          <TableHead>
            <TableRow>
              <TableCell scope="col">Version</TableCell>
              <TableCell scope="col">Compatibility</TableCell>
              <TableCell scope="col">Registered</TableCell>
              <TableCell scope="col" align="right">
                Actions
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {newestFirst.map((v) => (
              <TableRow key={v.version} hover selected={v.version === current?.version}>
                <TableCell component="th" scope="row">
                  v{v.version}
                  {v.version === activeVersion && <Chip size="small" color="primary" label="enforced" sx={{ ml: 1 }} />}
                </TableCell>
                <TableCell>{v.compatibilityMode}</TableCell>
                <TableCell>{formatTime(v.createdAt)}</TableCell>
                <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                  <Button size="small" onClick={() => setShown(v.version)} aria-pressed={v.version === current?.version}>
                    View<VisuallyHidden> version {v.version}</VisuallyHidden>
                  </Button>
                  <Can permission="topics:update">
                    <Button size="small" disabled={busy} onClick={() => onActivate(v.version === activeVersion ? 0 : v.version)}>
                      {v.version === activeVersion ? 'Stop enforcing' : 'Enforce'}
                      <VisuallyHidden> version {v.version}</VisuallyHidden>
                    </Button>
                  </Can>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      {current && (
        <Box>
          <Typography variant="subtitle2" component="h3" sx={{ mb: 1 }}>
            Version {current.version}
          </Typography>
          <Box
            component="pre"
            tabIndex={0}
            role="region"
            aria-label={`JSON Schema of version ${current.version}`}
            sx={{
              m: 0,
              p: 2,
              bgcolor: 'action.hover',
              borderRadius: 1,
              overflow: 'auto',
              maxHeight: 480,
              fontSize: 13,
              fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace',
            }}
          >
            {JSON.stringify(current.schema, null, 2)}
          </Box>
        </Box>
      )}
    </Box>
  );
}
