import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';

/** Shown instead of a page whose read permission the user does not hold. */
export function NoAccess({ permission }: { permission: string }) {
  return (
    <Alert severity="warning" sx={{ mt: 2 }}>
      <AlertTitle>No access</AlertTitle>
      Your roles do not include <code>{permission}</code>. Ask an administrator for access.
    </Alert>
  );
}
