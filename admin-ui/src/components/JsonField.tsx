import TextField from '@mui/material/TextField';
import type { TextFieldProps } from '@mui/material/TextField';

/** Parses JSON text: the value, or the parser's message. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** A monospace multi-line field for JSON text (CodeMirror comes later). */
export function JsonField(props: TextFieldProps & { rows?: number }) {
  const { rows = 12, slotProps, ...rest } = props;
  return (
    <TextField
      multiline
      minRows={rows}
      maxRows={30}
      fullWidth
      {...rest}
      slotProps={{
        ...slotProps,
        htmlInput: { spellCheck: false, style: { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 13 } },
      }}
    />
  );
}
