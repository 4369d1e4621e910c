// spec/12 Topics: the registry of the selected application and environment — list, create,
// edit, delete with confirmation.
import { useMemo, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Toolbar from '@mui/material/Toolbar';
import Add from '@mui/icons-material/Add';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import EditOutlined from '@mui/icons-material/EditOutlined';
import { topicsApi } from '../../api/endpoints';
import type { Topic } from '../../api/types';
import { Can } from '../../auth/permissions';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { formatTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { useScope, useScopedKey } from '../../state/scope';
import { TopicDialog } from './TopicDialog';
import { RowAction } from '../../components/RowAction';
import { QueryStates } from '../../components/QueryStates';

export function TopicsPage() {
  const { environment } = useScope();
  const key = useScopedKey('topics');
  const queryClient = useQueryClient();
  const topics = useQuery({ queryKey: key, queryFn: topicsApi.list });
  const [search, setSearch] = useState('');
  const [dialog, setDialog] = useState<{ open: boolean; topic?: Topic }>({ open: false });
  const [deleting, setDeleting] = useState<Topic | null>(null);

  const remove = useMutation({
    mutationFn: (name: string) => topicsApi.remove(name),
    onSuccess: () => {
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });

  const rows = useMemo(() => {
    const q = search.trim().toLowerCase();
    const list = topics.data ?? [];
    const shown = q ? list.filter((t) => [t.name, t.description, t.owner].some((s) => s.toLowerCase().includes(q))) : list;
    return [...shown].sort((a, b) => a.name.localeCompare(b.name));
  }, [topics.data, search]);

  const createButton = (
    <Can permission="topics:create" mode="disable">
      <Button variant="contained" startIcon={<Add />} onClick={() => setDialog({ open: true })}>
        Create topic
      </Button>
    </Can>
  );

  return (
    <>
      <PageHeader
        title="Topics"
        description={<>The topic registry of this application in <EnvironmentBadge environment={environment} />.</>}
        actions={createButton}
      />
      <Paper variant="outlined">
        <Toolbar sx={{ gap: 2 }}>
          <TextField
            label="Search topics"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            sx={{ width: 320, maxWidth: '100%' }}
          />
        </Toolbar>
        <QueryStates
          query={topics}
          loading="Loading topics…"
          errorTitle="Could not load topics"
          isEmpty={() => rows.length === 0}
          empty={
            <EmptyState
              title={search ? 'No topic matches' : 'No topics yet'}
              description={search ? 'Try another search.' : 'Create the first topic of this application and environment.'}
              action={search ? undefined : createButton}
            />
          }
        >
          {() => (
            <TableContainer>
              <Table size="small" aria-label="Topics">
                <TableHead>
                  <TableRow>
                    <TableCell scope="col">Name</TableCell>
                    <TableCell scope="col">Description</TableCell>
                    <TableCell scope="col">Owner</TableCell>
                    <TableCell scope="col">Schema</TableCell>
                    <TableCell scope="col">Updated</TableCell>
                    <TableCell scope="col" align="right">
                      Actions
                    </TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {rows.map((t) => (
                    <TableRow key={t.name} hover>
                      <TableCell component="th" scope="row">
                        <Link component={RouterLink} to={`/schemas?topic=${encodeURIComponent(t.name)}`} sx={{ fontFamily: 'monospace' }}>
                          {t.name}
                        </Link>
                      </TableCell>
                      <TableCell sx={{ maxWidth: 360 }}>{t.description}</TableCell>
                      <TableCell>{t.owner}</TableCell>
                      <TableCell>
                        {t.activeSchemaVersion > 0 ? (
                          <Chip size="small" color="primary" variant="outlined" label={`v${t.activeSchemaVersion} enforced`} />
                        ) : (
                          <Chip size="small" variant="outlined" label="Not enforced" />
                        )}
                      </TableCell>
                      <TableCell>{formatTime(t.updatedAt)}</TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        <RowAction permission="topics:update" title="Edit" label={`Edit ${t.name}`} icon={<EditOutlined fontSize="small" />} onClick={() => setDialog({ open: true, topic: t })} />
                        <RowAction permission="topics:delete" title="Delete" label={`Delete ${t.name}`} icon={<DeleteOutline fontSize="small" />} onClick={() => setDeleting(t)} />
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </QueryStates>
      </Paper>

      <TopicDialog
        open={dialog.open}
        topic={dialog.topic}
        onClose={() => setDialog({ open: false })}
        onSaved={() => {
          setDialog({ open: false });
          void queryClient.invalidateQueries({ queryKey: key });
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete topic?"
        message={
          <>
            The topic <strong>{deleting?.name}</strong> is removed from the registry of this application in{' '}
            {environment}. This cannot be undone.
          </>
        }
        confirmLabel="Delete"
        destructive
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting.name)}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
      />
    </>
  );
}
