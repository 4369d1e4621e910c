// The resource × action checkbox grid of a role (read-only for built-in roles).
import Checkbox from '@mui/material/Checkbox';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import { ACTIONS, RESOURCES, rowState, toggle, toggleColumn, toggleRow } from './permissionMatrix';
import type { Matrix } from './permissionMatrix';

export function PermissionMatrix({ value, onChange, readOnly = false }: { value: Matrix; onChange?: (m: Set<string>) => void; readOnly?: boolean }) {
  const change = (m: Set<string>) => onChange?.(m);
  return (
    <TableContainer sx={{ maxHeight: 480 }}>
      <Table size="small" stickyHeader aria-label="Permissions" data-testid="permission-matrix">
        <TableHead>
          <TableRow>
            <TableCell scope="col">Resource</TableCell>
            {ACTIONS.map((a) => {
              const all = RESOURCES.every((r) => value.has(`${r}:${a}`));
              return (
                <TableCell key={a} scope="col" align="center" sx={{ textTransform: 'capitalize' }}>
                  {readOnly ? (
                    a
                  ) : (
                    <>
                      <Checkbox
                        size="small"
                        checked={all}
                        indeterminate={!all && RESOURCES.some((r) => value.has(`${r}:${a}`))}
                        onChange={() => change(toggleColumn(value, a))}
                        slotProps={{ input: { 'aria-label': `${a} on every resource` } }}
                      />
                      {a}
                    </>
                  )}
                </TableCell>
              );
            })}
            {!readOnly && <TableCell scope="col" align="center">All</TableCell>}
          </TableRow>
        </TableHead>
        <TableBody>
          {RESOURCES.map((r) => {
            const state = rowState(value, r);
            return (
              <TableRow key={r} hover>
                <TableCell component="th" scope="row">{r}</TableCell>
                {ACTIONS.map((a) => (
                  <TableCell key={a} align="center" padding="checkbox">
                    <Checkbox
                      size="small"
                      checked={value.has(`${r}:${a}`)}
                      disabled={readOnly}
                      onChange={() => change(toggle(value, r, a))}
                      slotProps={{ input: { 'aria-label': `${r} ${a}` } }}
                    />
                  </TableCell>
                ))}
                {!readOnly && (
                  <TableCell align="center" padding="checkbox">
                    <Checkbox
                      size="small"
                      checked={state === 'all'}
                      indeterminate={state === 'some'}
                      onChange={() => change(toggleRow(value, r))}
                      slotProps={{ input: { 'aria-label': `Every action on ${r}` } }}
                    />
                  </TableCell>
                )}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
