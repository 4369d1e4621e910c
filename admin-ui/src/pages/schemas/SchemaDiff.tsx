import { useMemo } from 'react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { alpha } from '@mui/material/styles';
import { VisuallyHidden } from '../../components/VisuallyHidden';
import { diffLines, stableJson } from './diff';

/** A unified line diff of two schemas' pretty-printed JSON. */
export function SchemaDiff({ from, to, fromLabel, toLabel }: { from: unknown; to: unknown; fromLabel: string; toLabel: string }) {
  const lines = useMemo(() => diffLines(stableJson(from), stableJson(to)), [from, to]);
  const added = lines.filter((l) => l.kind === 'added').length;
  const removed = lines.filter((l) => l.kind === 'removed').length;
  return (
    <Box>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }} role="status">
        {fromLabel} → {toLabel}: {added === 0 && removed === 0 ? 'identical' : `${added} line(s) added, ${removed} removed`}
      </Typography>
      <Box
        component="table"
        aria-label={`Differences between ${fromLabel} and ${toLabel}`}
        sx={{
          width: '100%',
          borderCollapse: 'collapse',
          fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace',
          fontSize: 13,
          border: 1,
          borderColor: 'divider',
          '& td': { px: 1, py: 0, verticalAlign: 'top', whiteSpace: 'pre-wrap', wordBreak: 'break-all' },
          '& td.num': { color: 'text.secondary', textAlign: 'right', width: 40, userSelect: 'none' },
        }}
      >
        <thead>
          <Box component="tr" sx={{ '& th': { textAlign: 'left', px: 1, py: 0.5, borderBottom: 1, borderColor: 'divider', fontSize: 12 } }}>
            <th scope="col">{fromLabel}</th>
            <th scope="col">{toLabel}</th>
            <th scope="col">Change</th>
            <th scope="col">Line</th>
          </Box>
        </thead>
        <tbody>
          {lines.map((l, i) => (
            <Box
              component="tr"
              key={i}
              sx={(t) => ({
                bgcolor:
                  l.kind === 'added'
                    ? alpha(t.palette.success.main, 0.15)
                    : l.kind === 'removed'
                      ? alpha(t.palette.error.main, 0.15)
                      : undefined,
              })}
            >
              <td className="num">{l.oldLine ?? ''}</td>
              <td className="num">{l.newLine ?? ''}</td>
              <td style={{ width: 16 }}>
                <span aria-hidden>{l.kind === 'added' ? '+' : l.kind === 'removed' ? '−' : ' '}</span>
                <VisuallyHidden>{l.kind === 'same' ? 'unchanged' : l.kind}</VisuallyHidden>
              </td>
              <td>{l.text}</td>
            </Box>
          ))}
        </tbody>
      </Box>
    </Box>
  );
}
