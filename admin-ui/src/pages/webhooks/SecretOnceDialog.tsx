// After a create: the endpoint's secret, shown this once (the server never returns it again).
import { useId, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import ContentCopy from '@mui/icons-material/ContentCopy';

export function SecretOnceDialog({ open, url, secret, onClose }: { open: boolean; url: string; secret: string; onClose: () => void }) {
  const titleId = useId();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby={titleId} fullWidth maxWidth="sm" slotProps={{ transition: { onExited: () => setCopied(false) } }}>
      <DialogTitle id={titleId}>Endpoint created</DialogTitle>
      <DialogContent>
        <Typography sx={{ mb: 2 }}>
          Deliveries to <code>{url}</code> are signed with this secret. Copy it now: it is not shown again.
        </Typography>
        <Box
          component="code"
          data-testid="webhook-secret"
          sx={{ display: 'block', p: 1.5, borderRadius: 1, bgcolor: 'action.hover', wordBreak: 'break-all', fontSize: 14 }}
        >
          {secret}
        </Box>
        {copied && (
          <Alert severity="success" sx={{ mt: 2 }}>
            Copied to the clipboard.
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button startIcon={<ContentCopy />} onClick={() => void copy()}>
          Copy secret
        </Button>
        <Button variant="contained" onClick={onClose}>
          Done
        </Button>
      </DialogActions>
    </Dialog>
  );
}
