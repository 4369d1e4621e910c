// spec/12 Document Browser: choose a service (GET /api/services; the gear manages them), its
// documents load at once (GET /api/sync/:service/documents, 50 a page), edit one's data in the
// JSON editor, inspect it, delete it with confirmation. The service is kept in the URL.
import { useEffect, useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router-dom';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import Toolbar from '@mui/material/Toolbar';
import Tooltip from '@mui/material/Tooltip';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import EditOutlined from '@mui/icons-material/EditOutlined';
import ManageSearchOutlined from '@mui/icons-material/ManageSearchOutlined';
import SettingsOutlined from '@mui/icons-material/SettingsOutlined';
import { documentsApi } from '../../api/operations';
import type { SyncDocument } from '../../api/operations';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { useScope, useScopedKey } from '../../state/scope';
import { DocumentEditDialog } from './DocumentEditDialog';
import { preview } from './documentJson';
import { ServiceSelect, sortServices, useServices } from './ServiceSelect';
import { ServicesDialog } from './ServicesDialog';
import { RowAction } from '../../components/RowAction';
import { TableHeadRow } from '../../components/TableHeadRow';

export function DocumentsPage() {
  const { environment } = useScope();
  const [params, setParams] = useSearchParams();
  const service = params.get('service') ?? '';
  const setService = (s: string) => setParams(s ? { service: s } : {}, { replace: true });
  const services = useServices();
  const [managing, setManaging] = useState(false);
  const [editing, setEditing] = useState<SyncDocument | null>(null);
  const [deleting, setDeleting] = useState<SyncDocument | null>(null);
  const queryClient = useQueryClient();

  // Auto-select the first service when none is chosen.
  useEffect(() => {
    const first = sortServices(services.data)[0];
    if (!service && first) setService(first.name);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [services.data, service]);

  const key = useScopedKey('documents', service);
  const docs = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => documentsApi.list(service, 50, pageParam || undefined),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: service !== '',
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: key });
  const remove = useMutation({
    mutationFn: (d: SyncDocument) => documentsApi.remove(d.service, d.id),
    onSuccess: () => {
      setDeleting(null);
      refresh();
    },
  });
  const rows = docs.data?.pages.flatMap((p) => p.documents) ?? [];

  return (
    <>
      <PageHeader
        title="Document Browser"
        description={<>Sync documents by service, in <EnvironmentBadge environment={environment} />.</>}
      />
      <Paper variant="outlined">
        <Toolbar sx={{ gap: 1, py: 1, flexWrap: 'wrap' }}>
          <ServiceSelect value={service} onChange={setService} />
          <Tooltip title="Manage services">
            <IconButton aria-label="Manage services" onClick={() => setManaging(true)}>
              <SettingsOutlined />
            </IconButton>
          </Tooltip>
          <Box sx={{ flex: 1 }} />
          {service && (
            <Button onClick={refresh} disabled={docs.isFetching}>
              Refresh
            </Button>
          )}
        </Toolbar>
        <ErrorAlert error={services.error} title="Could not load services" onRetry={() => void services.refetch()} />
        {!service ? (
          services.isPending ? (
            <LoadingState label="Loading services…" />
          ) : (
            <EmptyState
              title="No service chosen"
              description="Register a service namespace with the gear button, or choose one above."
              action={<Button variant="contained" startIcon={<SettingsOutlined />} onClick={() => setManaging(true)}>Manage services</Button>}
            />
          )
        ) : docs.isPending ? (
          <LoadingState label="Loading documents…" />
        ) : !docs.data ? (
          <ErrorAlert error={docs.error} title="Could not load documents" onRetry={() => void docs.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title="No documents" description={<>The service <code>{service}</code> has no live documents in this environment.</>} />
        ) : (
          <TableContainer>
            <Table size="small" aria-label={`Documents of ${service}`}>
              <TableHeadRow
                columns={[
                  'Document',
                  { label: 'Revision', align: 'right' },
                  'Data',
                  'Created',
                  'Updated',
                  { label: 'Actions', align: 'right' },
                ]}
              />
              <TableBody>
                {rows.map((d) => (
                  <TableRow key={d.id} hover data-document-id={d.id}>
                    <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace' }}>{d.id}</TableCell>
                    <TableCell align="right" data-testid="revision">{d.revision}</TableCell>
                    <TableCell sx={{ fontFamily: 'monospace', fontSize: 12, maxWidth: 420, wordBreak: 'break-all' }}>{preview(d.data)}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(d.createdAt)}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTime(d.updatedAt)}</TableCell>
                    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                      <Tooltip title="Inspect">
                        <IconButton
                          component={RouterLink}
                          to={`/documents/inspect?service=${encodeURIComponent(d.service)}&id=${encodeURIComponent(d.id)}`}
                          aria-label={`Inspect ${d.id}`}
                        >
                          <ManageSearchOutlined fontSize="small" />
                        </IconButton>
                      </Tooltip>
                      <RowAction permission="documents:update" title="Edit" label={`Edit ${d.id}`} icon={<EditOutlined fontSize="small" />} onClick={() => setEditing(d)} />
                      <RowAction permission="documents:delete" title="Delete" label={`Delete ${d.id}`} icon={<DeleteOutline fontSize="small" />} onClick={() => setDeleting(d)} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {docs.hasNextPage && (
              <Box sx={{ p: 1 }}>
                <Button onClick={() => void docs.fetchNextPage()} disabled={docs.isFetchingNextPage}>
                  {docs.isFetchingNextPage ? 'Loading…' : 'Load more'}
                </Button>
              </Box>
            )}
            <ErrorAlert error={docs.error} />
          </TableContainer>
        )}
      </Paper>

      <ServicesDialog open={managing} onClose={() => setManaging(false)} />
      <DocumentEditDialog
        doc={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          refresh();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete document?"
        message={
          <>
            <strong>{deleting?.service}/{deleting?.id}</strong> (revision {deleting?.revision}) is deleted in {environment}; its subscribers get a
            delete event. Creating the same id again starts a new document.
          </>
        }
        confirmLabel="Delete"
        destructive
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
      />
    </>
  );
}
