import { useState } from 'react';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import type { TextFieldProps } from '@mui/material/TextField';
import Visibility from '@mui/icons-material/Visibility';
import VisibilityOff from '@mui/icons-material/VisibilityOff';

/** A password input with a labelled show/hide toggle. */
export function PasswordField(props: TextFieldProps) {
  const [shown, setShown] = useState(false);
  return (
    <TextField
      {...props}
      type={shown ? 'text' : 'password'}
      slotProps={{
        input: {
          endAdornment: (
            <InputAdornment position="end">
              <IconButton
                aria-label={shown ? 'Hide password' : 'Show password'}
                onClick={() => setShown((s) => !s)}
                edge="end"
                size="small"
              >
                {shown ? <VisibilityOff fontSize="small" /> : <Visibility fontSize="small" />}
              </IconButton>
            </InputAdornment>
          ),
        },
      }}
    />
  );
}

/** The server's rules (docs/security.md), checked before submitting; the server checks again. */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < 12) return 'At least 12 characters.';
  if (new TextEncoder().encode(password).length > 72) return 'At most 72 bytes.';
  if (/^(.)\1*$/.test(password)) return 'Not one repeated character.';
  if (email && password.toLowerCase() === email.toLowerCase()) return 'Must not be your email address.';
  return null;
}
