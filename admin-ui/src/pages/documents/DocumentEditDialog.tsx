// Edit a document's data in the JSON editor: PUT /api/sync/:service/documents/:id with
// expectedRevision, so a write made meanwhile by someone else is a conflict, not lost.
import { useEffect, useId, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import { ApiError } from '../../api/client';
import { documentsApi } from '../../api/operations';
import type { SyncDocument } from '../../api/operations';
import { ErrorAlert } from '../../components/ErrorAlert';
import { JsonEditor } from '../../components/JsonEditor';
import { dataProblem } from './documentJson';

interface Props {
  doc: SyncDocument | null;
  onClose: () => void;
  onSaved: (d: SyncDocument) => void;
}

export function DocumentEditDialog({ doc, onClose, onSaved }: Props) {
  const titleId = useId();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (v: { data: unknown; revision: number }) => documentsApi.replace(doc!.service, doc!.id, v.data, v.revision),
    onSuccess: onSaved,
  });
  useEffect(() => {
    if (!doc) return;
    setText(JSON.stringify(doc.data, null, 2));
    setProblem(null);
    save.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [doc]);

  const submit = () => {
    const checked = dataProblem(text);
    setProblem(checked.ok ? null : checked.error);
    if (checked.ok && doc) save.mutate({ data: checked.value, revision: doc.revision });
  };
  const conflict = save.error instanceof ApiError && save.error.status === 409;

  return (
    <Dialog open={doc !== null} onClose={save.isPending ? undefined : onClose} aria-labelledby={titleId} fullWidth maxWidth="md">
      <DialogTitle id={titleId}>
        Edit {doc?.service}/{doc?.id}
      </DialogTitle>
      <DialogContent>
        <Alert severity="info" sx={{ mb: 2 }}>
          Saving replaces the whole data of revision {doc?.revision}. If the document changed meanwhile, nothing is written.
        </Alert>
        <JsonEditor
          label="Document data (JSON object)"
          value={text}
          onChange={setText}
          error={problem}
          minHeight={240}
          maxHeight={480}
          testId="document-data-editor"
        />
        <ErrorAlert error={save.error} title={conflict ? 'The document changed meanwhile: close and reopen it to edit the new revision.' : undefined} />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={save.isPending}>
          Cancel
        </Button>
        <Button variant="contained" onClick={submit} disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
