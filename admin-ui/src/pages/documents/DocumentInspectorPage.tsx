// spec/12 Document Inspector: one document (GET /api/sync/:service/documents/:id, refreshed every
// 5 s) as highlighted read-only JSON, a JSON Merge Patch form (PATCH …/:id/merge), and the
// revisions this page has seen. The server keeps only the current revision (docs/sync.md), so
// there is no server-side history to show.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Grid from '@mui/material/Grid';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { DOCUMENT_ID, documentsApi } from '../../api/operations';
import type { SyncDocument } from '../../api/operations';
import { Can } from '../../auth/permissions';
import { EmptyState } from '../../components/EmptyState';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { JsonEditor } from '../../components/JsonEditor';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { useScope, useScopedKey } from '../../state/scope';
import { dataProblem } from './documentJson';
import { RevisionList } from './RevisionList';
import { ServiceSelect } from './ServiceSelect';

export function DocumentInspectorPage() {
  const { environment } = useScope();
  const [params, setParams] = useSearchParams();
  const service = params.get('service') ?? '';
  const id = params.get('id') ?? '';
  const [form, setForm] = useState({ service, id });
  const [idError, setIdError] = useState<string | null>(null);
  useEffect(() => setForm({ service, id }), [service, id]);

  const key = useScopedKey('document', service, id);
  const queryClient = useQueryClient();
  const doc = useQuery({
    queryKey: key,
    queryFn: () => documentsApi.get(service, id),
    enabled: Boolean(service && id),
    refetchInterval: 5_000,
  });

  // The revisions seen while this document is open (newest first).
  const [seen, setSeen] = useState<SyncDocument[]>([]);
  useEffect(() => setSeen([]), [service, id]);
  useEffect(() => {
    const d = doc.data;
    if (d) setSeen((s) => (s[0]?.revision === d.revision ? s : [d, ...s.filter((x) => x.revision !== d.revision)].slice(0, 50)));
  }, [doc.data]);

  const [patch, setPatch] = useState('{\n  \n}');
  const [patchError, setPatchError] = useState<string | null>(null);
  const [conditional, setConditional] = useState(true);
  const merge = useMutation({
    mutationFn: (data: unknown) => documentsApi.merge(service, id, data, conditional ? doc.data?.revision : undefined),
    onSuccess: (d) => {
      queryClient.setQueryData(key, d);
      setPatch('{\n  \n}');
    },
  });
  useEffect(() => merge.reset(), [service, id]); // eslint-disable-line react-hooks/exhaustive-deps

  const open = (e: FormEvent) => {
    e.preventDefault();
    const s = form.service;
    const i = form.id.trim();
    const problem = !i ? 'Enter a document id.' : DOCUMENT_ID.test(i) ? null : '1–128 letters, digits and _ - . : @';
    setIdError(problem);
    if (!s || problem) return;
    setParams({ service: s, id: i }, { replace: false });
  };
  const submitMerge = () => {
    const checked = dataProblem(patch);
    setPatchError(checked.ok ? null : checked.error);
    if (checked.ok) merge.mutate(checked.value);
  };

  return (
    <>
      <PageHeader
        title="Document Inspector"
        description={<>Inspect one sync document and merge partial updates into it, in <EnvironmentBadge environment={environment} />.</>}
      />
      <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
        <Box component="form" onSubmit={open} noValidate aria-label="Choose a document" sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', alignItems: 'flex-start' }}>
          <ServiceSelect value={form.service} onChange={(s) => setForm((f) => ({ ...f, service: s }))} />
          <TextField
            label="Document id"
            value={form.id}
            onChange={(e) => setForm((f) => ({ ...f, id: e.target.value }))}
            error={Boolean(idError)}
            helperText={idError ?? ' '}
            sx={{ minWidth: 280 }}
            slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
          />
          <Button type="submit" variant="contained" disabled={!form.service} sx={{ mt: 0.25 }}>
            Inspect
          </Button>
        </Box>
      </Paper>

      {!service || !id ? (
        <Paper variant="outlined">
          <EmptyState title="No document chosen" description="Choose a service and enter a document id, or open one from the Document Browser." />
        </Paper>
      ) : doc.isPending ? (
        <LoadingState label="Loading the document…" />
      ) : !doc.data ? (
        <ErrorAlert error={doc.error} title={`Could not load ${service}/${id}`} onRetry={() => void doc.refetch()} />
      ) : (
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, lg: 7 }}>
            <Paper variant="outlined" sx={{ p: 2 }}>
              <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
                {service}/{id} <Typography component="span" color="text.secondary">revision <span data-testid="inspector-revision">{doc.data.revision}</span></Typography>
              </Typography>
              <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
                Created {formatTime(doc.data.createdAt)} · updated {formatTime(doc.data.updatedAt)}
                {doc.data.expiresAt ? ` · expires ${formatTime(doc.data.expiresAt)}` : ''}
              </Typography>
              <ErrorAlert error={doc.error} title="The last refresh failed" />
              <JsonEditor label="Document" value={JSON.stringify(doc.data, null, 2)} readOnly minHeight={200} maxHeight={560} testId="document-json" />
            </Paper>
          </Grid>
          <Grid size={{ xs: 12, lg: 5 }}>
            <Can permission="documents:update">
              <Paper variant="outlined" sx={{ p: 2, mb: 2 }}>
                <Typography variant="h6" component="h2" sx={{ mb: 1 }}>Merge a partial update</Typography>
                <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
                  JSON Merge Patch: objects merge key by key, <code>null</code> removes a key, arrays and values replace.
                </Typography>
                <JsonEditor label="Patch (JSON object)" value={patch} onChange={setPatch} error={patchError} minHeight={120} maxHeight={300} testId="merge-editor" />
                <FormControlLabel
                  control={<Checkbox checked={conditional} onChange={(e) => setConditional(e.target.checked)} />}
                  label={`Only if still at revision ${doc.data.revision}`}
                />
                <ErrorAlert error={merge.error} title="The merge was not applied" />
                {merge.data && !merge.isPending && <Alert severity="success" sx={{ mb: 1 }}>Merged: now revision {merge.data.revision}.</Alert>}
                <Button variant="contained" onClick={submitMerge} disabled={merge.isPending}>
                  {merge.isPending ? 'Merging…' : 'Merge'}
                </Button>
              </Paper>
            </Can>
            <RevisionList current={doc.data} seen={seen} />
          </Grid>
        </Grid>
      )}
    </>
  );
}
