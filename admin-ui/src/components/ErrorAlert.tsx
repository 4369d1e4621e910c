import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import { ApiError, errorMessage } from '../api/client';

/** The API's message for a failed request, its details (path: message) and a retry button. */
export function ErrorAlert({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  if (!error) return null;
  const details = error instanceof ApiError ? (error.details ?? []) : [];
  return (
    <Alert
      severity="error"
      role="alert"
      sx={{ my: 2 }}
      action={
        onRetry && (
          <Button color="inherit" size="small" onClick={onRetry}>
            Retry
          </Button>
        )
      }
    >
      {title && <AlertTitle>{title}</AlertTitle>}
      {errorMessage(error)}
      {details.length > 0 && (
        <ul style={{ margin: '8px 0 0', paddingLeft: 20 }}>
          {details.map((d, i) => (
            <li key={i}>
              {d.path !== undefined && <code>{d.path === '' ? '(root)' : d.path}</code>}
              {d.path !== undefined && ': '}
              {d.message ?? JSON.stringify(d)}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
