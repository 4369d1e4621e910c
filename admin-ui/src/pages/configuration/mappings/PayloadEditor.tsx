// Rows of payload key → a row column ("$row.<column>"), a literal value or a nested object.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Add from '@mui/icons-material/Add';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import type { LiteralType } from './conditions';
import { newRow } from './payload';
import type { PayloadRow } from './payload';

const nativeSelect = { select: { native: true } } as const;
const mono = { spellCheck: false, style: { fontFamily: 'monospace' } };

function RowEditor({ row, path, onChange, onRemove }: { row: PayloadRow; path: string; onChange: (r: PayloadRow) => void; onRemove: () => void }) {
  const setKind = (kind: string) => {
    if (kind === 'column') onChange({ key: row.key, kind: 'column', column: '' });
    else if (kind === 'literal') onChange({ key: row.key, kind: 'literal', type: 'string', text: '' });
    else onChange({ key: row.key, kind: 'object', children: [newRow()] });
  };
  return (
    <Box>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <TextField
          size="small"
          label="Key"
          value={row.key}
          onChange={(e) => onChange({ ...row, key: e.target.value })}
          slotProps={{ htmlInput: { ...mono, 'aria-label': `Payload field ${path} key` } }}
          sx={{ width: 160 }}
        />
        <TextField
          select
          size="small"
          label="Source"
          value={row.kind}
          onChange={(e) => setKind(e.target.value)}
          slotProps={{ ...nativeSelect, htmlInput: { 'aria-label': `Payload field ${path} source` } }}
          sx={{ width: 150 }}
        >
          <option value="column">row column</option>
          <option value="literal">fixed value</option>
          <option value="object">nested object</option>
        </TextField>
        {row.kind === 'column' && (
          <TextField
            size="small"
            label="Column"
            value={row.column}
            onChange={(e) => onChange({ ...row, column: e.target.value })}
            slotProps={{
              htmlInput: { ...mono, 'aria-label': `Payload field ${path} column` },
              input: { startAdornment: <Box component="span" sx={{ color: 'text.secondary', fontFamily: 'monospace', mr: 0.5 }}>$row.</Box> },
            }}
            sx={{ width: 200 }}
          />
        )}
        {row.kind === 'literal' && (
          <>
            <TextField
              select
              size="small"
              label="Type"
              value={row.type}
              onChange={(e) => {
                const type = e.target.value as LiteralType;
                onChange({ ...row, type, text: type === 'boolean' ? 'true' : type === 'null' ? '' : row.text });
              }}
              slotProps={{ ...nativeSelect, htmlInput: { 'aria-label': `Payload field ${path} type` } }}
              sx={{ width: 110 }}
            >
              <option value="string">text</option>
              <option value="number">number</option>
              <option value="boolean">boolean</option>
              <option value="null">null</option>
            </TextField>
            {row.type === 'boolean' ? (
              <TextField
                select
                size="small"
                label="Value"
                value={row.text}
                onChange={(e) => onChange({ ...row, text: e.target.value })}
                slotProps={{ ...nativeSelect, htmlInput: { 'aria-label': `Payload field ${path} value` } }}
                sx={{ width: 100 }}
              >
                <option value="true">true</option>
                <option value="false">false</option>
              </TextField>
            ) : row.type !== 'null' ? (
              <TextField
                size="small"
                label="Value"
                type={row.type === 'number' ? 'number' : 'text'}
                value={row.text}
                onChange={(e) => onChange({ ...row, text: e.target.value })}
                slotProps={{ htmlInput: { 'aria-label': `Payload field ${path} value` } }}
                sx={{ width: 160 }}
              />
            ) : null}
          </>
        )}
        <Tooltip title="Remove field">
          <IconButton aria-label={`Remove payload field ${path}`} onClick={onRemove} size="small" sx={{ mt: 0.5 }}>
            <DeleteOutline fontSize="small" />
          </IconButton>
        </Tooltip>
      </Box>
      {row.kind === 'object' && (
        <Box sx={{ pl: 3, mt: 1, borderLeft: 2, borderColor: 'divider' }}>
          <PayloadEditor rows={row.children} onChange={(children) => onChange({ ...row, children })} path={path} />
        </Box>
      )}
    </Box>
  );
}

export function PayloadEditor({ rows, onChange, path = '' }: { rows: PayloadRow[]; onChange: (rows: PayloadRow[]) => void; path?: string }) {
  const prefix = path ? `${path}.` : '';
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      {rows.map((r, i) => (
        <RowEditor
          key={i}
          row={r}
          path={`${prefix}${i + 1}`}
          onChange={(x) => onChange(rows.map((y, j) => (j === i ? x : y)))}
          onRemove={() => onChange(rows.filter((_, j) => j !== i))}
        />
      ))}
      <Box>
        <Button size="small" startIcon={<Add />} onClick={() => onChange([...rows, newRow()])} aria-label={path ? `Add field to ${path}` : 'Add payload field'}>
          Field
        </Button>
      </Box>
    </Box>
  );
}
