// One topic's schema versions: the list (view, make active), compare two, validate a payload.
import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Typography from '@mui/material/Typography';
import Add from '@mui/icons-material/Add';
import { schemasApi, topicsApi } from '../../api/endpoints';
import type { Topic } from '../../api/types';
import { Can } from '../../auth/permissions';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadingState } from '../../components/LoadingState';
import { useScopedKey } from '../../state/scope';
import { ComparePanel } from './ComparePanel';
import { RegisterSchemaDialog } from './RegisterSchemaDialog';
import { ValidatePanel } from './ValidatePanel';
import { VersionsPanel } from './VersionsPanel';

type TabName = 'versions' | 'compare' | 'validate';

export function TopicSchemas({ topic }: { topic: Topic }) {
  const key = useScopedKey('schemas', topic.name);
  const topicsKey = useScopedKey('topics');
  const queryClient = useQueryClient();
  const versions = useQuery({ queryKey: key, queryFn: () => schemasApi.versions(topic.name) });
  const [tab, setTab] = useState<TabName>('versions');
  const [registering, setRegistering] = useState(false);
  useEffect(() => setTab('versions'), [topic.name]);

  const activate = useMutation({
    mutationFn: (version: number) => topicsApi.update(topic.name, { activeSchemaVersion: version }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: topicsKey }),
  });

  const list = versions.data ?? [];
  const latest = list.length > 0 ? list[list.length - 1] : undefined;

  return (
    <Paper variant="outlined" component="section" aria-labelledby="topic-schemas-title" sx={{ p: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography id="topic-schemas-title" variant="h6" component="h2" sx={{ fontFamily: 'monospace', mr: 1 }}>
          {topic.name}
        </Typography>
        {topic.activeSchemaVersion > 0 ? (
          <Chip size="small" color="primary" label={`v${topic.activeSchemaVersion} enforced on publish`} />
        ) : (
          <Chip size="small" variant="outlined" label="No schema enforced" />
        )}
        <Box sx={{ flexGrow: 1 }} />
        <Can permission="schemas:create" mode="disable">
          <Button variant="contained" startIcon={<Add />} onClick={() => setRegistering(true)}>
            Register version
          </Button>
        </Can>
      </Box>
      {topic.description && (
        <Typography color="text.secondary" sx={{ mt: 0.5 }}>
          {topic.description}
        </Typography>
      )}
      <Tabs value={tab} onChange={(_, v: TabName) => setTab(v)} aria-label="Schema tools" sx={{ mt: 1, borderBottom: 1, borderColor: 'divider' }}>
        <Tab value="versions" label={`Versions${list.length ? ` (${list.length})` : ''}`} id="tab-versions" aria-controls="tabpanel-schemas" />
        <Tab value="compare" label="Compare" id="tab-compare" aria-controls="tabpanel-schemas" disabled={list.length < 2} />
        <Tab value="validate" label="Validate payload" id="tab-validate" aria-controls="tabpanel-schemas" disabled={list.length === 0} />
      </Tabs>
      <Box role="tabpanel" id="tabpanel-schemas" aria-labelledby={`tab-${tab}`} sx={{ pt: 2 }}>
        {versions.isPending ? (
          <LoadingState label="Loading versions…" />
        ) : versions.error ? (
          <ErrorAlert error={versions.error} onRetry={() => void versions.refetch()} />
        ) : list.length === 0 ? (
          <EmptyState title="No schema yet" description="Register the first JSON Schema version of this topic." />
        ) : tab === 'versions' ? (
          <>
            <ErrorAlert error={activate.error} />
            <VersionsPanel
              versions={list}
              activeVersion={topic.activeSchemaVersion}
              busy={activate.isPending}
              onActivate={(v) => activate.mutate(v)}
            />
          </>
        ) : tab === 'compare' ? (
          <ComparePanel versions={list} />
        ) : (
          <ValidatePanel topic={topic.name} latestVersion={latest?.version} />
        )}
      </Box>
      <RegisterSchemaDialog
        open={registering}
        topic={topic.name}
        latest={latest}
        onClose={() => setRegistering(false)}
        onRegistered={() => {
          setRegistering(false);
          void queryClient.invalidateQueries({ queryKey: key });
        }}
      />
    </Paper>
  );
}
