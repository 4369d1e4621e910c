// The live preview of the event a mapping emits: the user types sample values for the columns
// the mapping uses and picks the operation; the envelope updates as the form changes.
import { useId, useState } from 'react';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { MappingOperation } from '../../../api/configuration';
import { previewEvent } from './payload';

interface Props {
  topic: string;
  table: string;
  events: MappingOperation[];
  payload: Record<string, unknown>;
  columns: string[];
}

export function EventPreview({ topic, table, events, payload, columns }: Props) {
  const headingId = useId();
  const [row, setRow] = useState<Record<string, string>>({});
  const [op, setOp] = useState<MappingOperation | ''>('');
  const operation = op && events.includes(op) ? op : (events[0] ?? 'insert');
  // A column without a sample value is null in the preview.
  const sample = Object.fromEntries(columns.filter((c) => row[c]).map((c) => [c, row[c]]));
  const event = previewEvent({ topic: topic || '<topic>', table: table || '<table>', operation, payload, row: sample, now: 0 });
  const shown = { ...event, metadata: { ...event.metadata, timestamp: '<commit time>' } };

  return (
    <Paper variant="outlined" component="section" aria-labelledby={headingId} sx={{ p: 2 }}>
      <Typography id={headingId} variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
        Event preview
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Type sample column values (JSON such as <code>42</code> or <code>true</code>, otherwise text).
      </Typography>
      <TextField
        select
        size="small"
        label="Operation"
        value={operation}
        onChange={(e) => setOp(e.target.value as MappingOperation)}
        slotProps={{ select: { native: true } }}
        sx={{ mb: 2, width: 160 }}
      >
        {(events.length ? events : (['insert'] as MappingOperation[])).map((e) => (
          <option key={e} value={e}>
            {e}
          </option>
        ))}
      </TextField>
      <Box sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 1, mb: 2 }}>
        {columns.map((c) => (
          <TextField
            key={c}
            size="small"
            label={`Sample ${c}`}
            value={row[c] ?? ''}
            onChange={(e) => setRow((r) => ({ ...r, [c]: e.target.value }))}
            slotProps={{ htmlInput: { spellCheck: false } }}
          />
        ))}
        {columns.length === 0 && (
          <Typography variant="body2" color="text.secondary" sx={{ gridColumn: '1 / -1' }}>
            Map a payload field to a column to type its sample value.
          </Typography>
        )}
      </Box>
      <Box
        component="pre"
        data-testid="event-preview"
        role="region"
        aria-label="Emitted event"
        tabIndex={0}
        sx={{ m: 0, p: 1.5, bgcolor: 'action.hover', borderRadius: 1, fontSize: 12, overflow: 'auto', maxHeight: 360 }}
      >
        {JSON.stringify(shown, null, 2)}
      </Box>
    </Paper>
  );
}
