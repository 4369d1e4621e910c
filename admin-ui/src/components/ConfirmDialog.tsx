import type { ReactNode } from 'react';
import { useId } from 'react';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { ErrorAlert } from './ErrorAlert';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  message: ReactNode;
  confirmLabel?: string;
  /** Destructive actions get a red button. */
  destructive?: boolean;
  busy?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onClose: () => void;
}

/** Asks before a destructive action; stays open showing the API's error when it fails. */
export function ConfirmDialog(p: ConfirmDialogProps) {
  const titleId = useId();
  const descId = useId();
  return (
    <Dialog open={p.open} onClose={p.busy ? undefined : p.onClose} aria-labelledby={titleId} aria-describedby={descId}>
      <DialogTitle id={titleId}>{p.title}</DialogTitle>
      <DialogContent>
        <DialogContentText id={descId} component="div">
          {p.message}
        </DialogContentText>
        <ErrorAlert error={p.error} />
      </DialogContent>
      <DialogActions>
        <Button onClick={p.onClose} disabled={p.busy}>
          Cancel
        </Button>
        <Button
          onClick={p.onConfirm}
          disabled={p.busy}
          variant="contained"
          color={p.destructive ? 'error' : 'primary'}
          autoFocus
        >
          {p.busy ? 'Working…' : (p.confirmLabel ?? 'Confirm')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
