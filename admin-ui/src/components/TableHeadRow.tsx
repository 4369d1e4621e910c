import type { ReactNode } from 'react';
import type { SxProps, Theme } from '@mui/material/styles';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';

/** One column header: a plain label, or a label with its alignment, key and style. */
export type TableHeadColumn =
  | string
  | { label: ReactNode; align?: 'right' | 'left' | 'center'; key?: string; sx?: SxProps<Theme> };

/** A table's header row: one `scope="col"` cell per column, in order. */
export function TableHeadRow({ columns }: { columns: TableHeadColumn[] }) {
  return (
    <TableHead>
      <TableRow>
        {columns.map((c, i) =>
          typeof c === 'string' ? (
            <TableCell key={i} scope="col">
              {c}
            </TableCell>
          ) : (
            <TableCell key={c.key ?? i} scope="col" align={c.align} sx={c.sx}>
              {c.label}
            </TableCell>
          ),
        )}
      </TableRow>
    </TableHead>
  );
}
