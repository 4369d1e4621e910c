// A read-only value (a secret, an invite link) with a Copy button; says whether copying worked.
import { useState } from 'react';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ContentCopy from '@mui/icons-material/ContentCopy';

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <Stack direction="row" spacing={1} alignItems="flex-start">
      <TextField
        label={label}
        value={value}
        fullWidth
        onFocus={(e) => e.target.select()}
        helperText={state === 'copied' ? 'Copied to the clipboard.' : state === 'failed' ? 'Copy failed: select the text and copy it.' : ' '}
        slotProps={{ input: { readOnly: true }, htmlInput: { 'data-testid': testId, style: { fontFamily: 'monospace' } } }}
      />
      <Button
        variant="outlined"
        startIcon={<ContentCopy />}
        sx={{ mt: 1, flexShrink: 0 }}
        onClick={() => void copyText(value).then((ok) => setState(ok ? 'copied' : 'failed'))}
        aria-label={`Copy ${label.toLowerCase()}`}
      >
        Copy
      </Button>
    </Stack>
  );
}
