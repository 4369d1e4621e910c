// POST /api/schemas/:topic/validate {payload}: checks a payload against the latest version.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { schemasApi } from '../../api/endpoints';
import { ErrorAlert } from '../../components/ErrorAlert';
import { JsonField, parseJson } from '../../components/JsonField';

export function ValidatePanel({ topic, latestVersion }: { topic: string; latestVersion?: number }) {
  const [text, setText] = useState('{\n  \n}');
  const [problem, setProblem] = useState<string | null>(null);
  const validate = useMutation({ mutationFn: (payload: unknown) => schemasApi.validate(topic, payload) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseJson(text);
    if (!parsed.ok) {
      setProblem(`Not valid JSON: ${parsed.error}`);
      validate.reset();
      return;
    }
    setProblem(null);
    validate.mutate(parsed.value);
  };
  const result = validate.data;

  return (
    <form onSubmit={submit} noValidate aria-label="Validate a payload">
      <Stack spacing={2}>
        <JsonField
          label="Payload (JSON)"
          rows={10}
          value={text}
          onChange={(e) => setText(e.target.value)}
          error={Boolean(problem)}
          helperText={problem ?? `Validated against the latest version${latestVersion ? ` (v${latestVersion})` : ''}.`}
        />
        <div>
          <Button type="submit" variant="contained" disabled={validate.isPending || !latestVersion}>
            {validate.isPending ? 'Validating…' : 'Validate'}
          </Button>
        </div>
        <ErrorAlert error={validate.error} />
        {result && (
          <div role="status">
            {result.valid ? (
              <Alert severity="success">The payload is valid.</Alert>
            ) : (
              <Alert severity="error">
                The payload is not valid:
                <ul style={{ margin: '8px 0 0', paddingLeft: 20 }}>
                  {(result.errors ?? []).map((e, i) => (
                    <li key={i}>
                      <code>{e.path === '' ? '(root)' : e.path}</code>: {e.message}
                    </li>
                  ))}
                </ul>
              </Alert>
            )}
          </div>
        )}
      </Stack>
    </form>
  );
}
