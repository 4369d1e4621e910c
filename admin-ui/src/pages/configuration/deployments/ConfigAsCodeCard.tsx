// Config as code: download an environment's export (GET /api/config/export) and import a file
// into an environment — a dry run first (POST /api/config/import?dryRun=true: a draft with its
// change report), then apply it by executing that draft.
import { useId, useState } from 'react';
import type { ChangeEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import Download from '@mui/icons-material/Download';
import UploadFile from '@mui/icons-material/UploadFile';
import { deploymentsApi } from '../../../api/configuration';
import type { Deployment } from '../../../api/configuration';
import { ENVIRONMENTS } from '../../../api/storage';
import type { Environment } from '../../../api/storage';
import { Can } from '../../../auth/permissions';
import { ENVIRONMENT_LABELS } from '../../../components/EnvironmentBadge';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { useScope } from '../../../state/scope';
import { ExecuteDialog } from './ExecuteDialog';
import { ReportTable } from './ReportTable';
import { dangerButtonSx } from '../danger';

function EnvSelect({ label, value, onChange }: { label: string; value: Environment; onChange: (e: Environment) => void }) {
  return (
    <TextField select label={label} value={value} onChange={(e) => onChange(e.target.value as Environment)} slotProps={{ select: { native: true } }} sx={{ width: 200 }}>
      {ENVIRONMENTS.map((e) => (
        <option key={e} value={e}>
          {ENVIRONMENT_LABELS[e]}
        </option>
      ))}
    </TextField>
  );
}

export function ConfigAsCodeCard({ onImported }: { onImported: (d: Deployment) => void }) {
  const headingId = useId();
  const { applicationId, environment } = useScope();
  const queryClient = useQueryClient();
  const [exportEnv, setExportEnv] = useState<Environment>(environment);
  const [importEnv, setImportEnv] = useState<Environment>(environment);
  const [prune, setPrune] = useState(true);
  const [file, setFile] = useState<{ name: string; doc: unknown } | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [applying, setApplying] = useState<Deployment | null>(null);

  const exportDoc = useMutation({
    mutationFn: () => deploymentsApi.exportConfig(exportEnv),
    onSuccess: (doc) => {
      const blob = new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `realtime-${applicationId}-${exportEnv}.json`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
  });
  const dryRun = useMutation({
    mutationFn: () => deploymentsApi.importConfig(importEnv, file!.doc, { dryRun: true, prune }),
    onSuccess: () => void queryClient.invalidateQueries({ predicate: (q) => q.queryKey.includes('deployments') }),
  });

  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    dryRun.reset();
    if (!f) return;
    try {
      setFile({ name: f.name, doc: JSON.parse(await f.text()) });
      setFileProblem(null);
    } catch (err) {
      setFile(null);
      setFileProblem(`${f.name} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return (
    <Paper variant="outlined" component="section" aria-labelledby={headingId} sx={{ p: 2, mt: 3 }}>
      <Typography id={headingId} variant="h6" component="h2">
        Config as code
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        An environment's topics, schemas, mappings and webhooks as one JSON document (no secrets): keep it in git, import it
        elsewhere.
      </Typography>
      <Box sx={{ display: 'grid', gap: 3, gridTemplateColumns: { xs: '1fr', lg: '1fr 2fr' }, alignItems: 'start' }}>
        <Box>
          <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
            Export
          </Typography>
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
            <EnvSelect label="Environment to export" value={exportEnv} onChange={setExportEnv} />
            <Button variant="outlined" startIcon={<Download />} onClick={() => exportDoc.mutate()} disabled={exportDoc.isPending}>
              {exportDoc.isPending ? 'Exporting…' : 'Download JSON'}
            </Button>
          </Box>
          <ErrorAlert error={exportDoc.error} />
        </Box>
        <Can permission="deployments:create" fallback={<Typography color="text.secondary">Importing needs deployments:create.</Typography>}>
          <Box>
            <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
              Import
            </Typography>
            <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
              <Button variant="outlined" component="label" startIcon={<UploadFile />}>
                {file ? file.name : 'Choose file…'}
                <input type="file" accept="application/json,.json" hidden onChange={(e) => void pick(e)} aria-label="Configuration file" />
              </Button>
              <EnvSelect label="Import into" value={importEnv} onChange={(e) => { setImportEnv(e); dryRun.reset(); }} />
              <FormControlLabel
                control={<Checkbox checked={prune} onChange={(e) => { setPrune(e.target.checked); dryRun.reset(); }} />}
                label="Delete what the file lacks"
              />
              <Button variant="contained" onClick={() => dryRun.mutate()} disabled={!file || dryRun.isPending}>
                {dryRun.isPending ? 'Checking…' : 'Dry run'}
              </Button>
            </Box>
            {fileProblem && <ErrorAlert error={new Error(fileProblem)} />}
            <ErrorAlert error={dryRun.error} title={dryRun.error ? 'The import was refused' : undefined} />
            {dryRun.data && (
              <Box sx={{ mt: 2 }} data-testid="import-report">
                <ReportTable report={dryRun.data.report} title={`Dry run: import into ${importEnv}`} />
                <Box sx={{ display: 'flex', gap: 1, mt: 2, alignItems: 'center' }}>
                  <Button
                    variant="contained"
                    sx={importEnv === 'production' ? dangerButtonSx : undefined}
                    disabled={dryRun.data.report.blocked}
                    onClick={() => setApplying(dryRun.data.deployment)}
                  >
                    Apply import
                  </Button>
                  <Typography variant="body2" color="text.secondary">
                    Draft {dryRun.data.deployment.id}: applying executes exactly this report.
                  </Typography>
                </Box>
              </Box>
            )}
          </Box>
        </Can>
      </Box>
      <ExecuteDialog
        deployment={applying}
        onClose={() => setApplying(null)}
        onDone={(d) => {
          dryRun.reset();
          setFile(null);
          void queryClient.invalidateQueries({ predicate: (q) => q.queryKey.includes('deployments') || q.queryKey.includes('grid') });
          onImported(d);
        }}
      />
    </Paper>
  );
}
