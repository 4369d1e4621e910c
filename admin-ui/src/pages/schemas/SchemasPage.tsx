// spec/12 Schemas: topics in a searchable list (left), the selected topic's versions,
// registration, diff and payload validation (right). The topic is in the URL (?topic=).
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import { topicsApi } from '../../api/endpoints';
import { EmptyState } from '../../components/EmptyState';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { PageHeader } from '../../components/PageHeader';
import { useScope, useScopedKey } from '../../state/scope';
import { TopicSchemas } from './TopicSchemas';
import { QueryStates } from '../../components/QueryStates';

export function SchemasPage() {
  const { environment } = useScope();
  const topics = useQuery({ queryKey: useScopedKey('topics'), queryFn: topicsApi.list });
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState('');
  const selectedName = params.get('topic');

  const list = useMemo(() => {
    const q = search.trim().toLowerCase();
    const all = [...(topics.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    return q ? all.filter((t) => t.name.includes(q) || t.description.toLowerCase().includes(q)) : all;
  }, [topics.data, search]);
  const selected = topics.data?.find((t) => t.name === selectedName) ?? (selectedName ? undefined : list[0]);

  return (
    <>
      <PageHeader
        title="Schemas"
        description={<>JSON Schema versions per topic in <EnvironmentBadge environment={environment} />: register, compare, validate.</>}
      />
      <QueryStates
        query={topics}
        loading="Loading topics…"
        errorTitle="Could not load topics"
        isEmpty={(topicsData) => topicsData.length === 0}
        empty={
          <Paper variant="outlined">
            <EmptyState title="No topics yet" description="Schemas belong to topics: create a topic first on the Topics page." />
          </Paper>
        }
      >
        {() => (
          <Box sx={{ display: 'grid', gap: 3, gridTemplateColumns: { xs: '1fr', md: '280px minmax(0, 1fr)' }, alignItems: 'start' }}>
            <Paper variant="outlined" component="section" aria-label="Topics">
              <Box sx={{ p: 2, pb: 1 }}>
                <TextField label="Search topics" type="search" fullWidth value={search} onChange={(e) => setSearch(e.target.value)} />
              </Box>
              <List dense aria-label="Topic list" sx={{ maxHeight: 560, overflowY: 'auto' }}>
                {list.map((t) => (
                  <li key={t.name}>
                    <ListItemButton
                      selected={t.name === selected?.name}
                      aria-current={t.name === selected?.name ? 'true' : undefined}
                      onClick={() => setParams({ topic: t.name })}
                    >
                      <ListItemText
                        primary={t.name}
                        secondary={t.activeSchemaVersion > 0 ? `v${t.activeSchemaVersion} enforced` : undefined}
                        slotProps={{ primary: { sx: { fontFamily: 'monospace' } } }}
                      />
                    </ListItemButton>
                  </li>
                ))}
                {list.length === 0 && (
                  <li>
                    <EmptyState title="No topic matches" />
                  </li>
                )}
              </List>
            </Paper>
            {selected ? (
              <TopicSchemas topic={selected} />
            ) : (
              <Paper variant="outlined">
                <EmptyState title="Topic not found" description={`There is no topic named ${selectedName} here.`} />
              </Paper>
            )}
          </Box>
        )}
      </QueryStates>
    </>
  );
}
