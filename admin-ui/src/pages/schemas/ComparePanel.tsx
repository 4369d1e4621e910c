import { useEffect, useState } from 'react';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import type { SchemaVersion } from '../../api/types';
import { SchemaDiff } from './SchemaDiff';

/** Pick two versions (default: the two newest) and see their line diff. */
export function ComparePanel({ versions }: { versions: SchemaVersion[] }) {
  const n = versions.length;
  const [from, setFrom] = useState(versions[n - 2]?.version ?? 1);
  const [to, setTo] = useState(versions[n - 1]?.version ?? 1);
  useEffect(() => {
    setFrom(versions[n - 2]?.version ?? 1);
    setTo(versions[n - 1]?.version ?? 1);
  }, [versions, n]);
  const a = versions.find((v) => v.version === from);
  const b = versions.find((v) => v.version === to);
  const select = (label: string, value: number, set: (v: number) => void) => (
    <TextField select label={label} value={value} onChange={(e) => set(Number(e.target.value))} sx={{ minWidth: 160 }}>
      {versions.map((v) => (
        <MenuItem key={v.version} value={v.version}>
          Version {v.version}
        </MenuItem>
      ))}
    </TextField>
  );
  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={2}>
        {select('From', from, setFrom)}
        {select('To', to, setTo)}
      </Stack>
      {a && b && <SchemaDiff from={a.schema} to={b.schema} fromLabel={`v${a.version}`} toLabel={`v${b.version}`} />}
    </Stack>
  );
}
