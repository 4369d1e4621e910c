// A deployment's inline comments (GET/POST …/:id/comments), oldest first.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { deploymentsApi } from '../../../api/configuration';
import { Can } from '../../../auth/permissions';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatTime } from '../../../components/format';
import { useScopedKey } from '../../../state/scope';
import { QueryStates } from '../../../components/QueryStates';

export function CommentsPanel({ deploymentId, actorName }: { deploymentId: string; actorName: (id: string) => string }) {
  const key = useScopedKey('deployment-comments', deploymentId);
  const queryClient = useQueryClient();
  const comments = useQuery({ queryKey: key, queryFn: () => deploymentsApi.comments(deploymentId) });
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => deploymentsApi.comment(deploymentId, body.trim()),
    onSuccess: () => {
      setBody('');
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = body.trim() ? null : 'Write a comment first.';
    setProblem(p);
    if (!p) add.mutate();
  };

  return (
    <Box component="section" aria-labelledby={`comments-${deploymentId}`}>
      <Typography id={`comments-${deploymentId}`} variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
        Comments
      </Typography>
      <QueryStates
        query={comments}
        loading="Loading comments…"
        errorTitle="Could not load comments"
        isEmpty={(commentsData) => commentsData.length === 0}
        empty={
          <Typography variant="body2" color="text.secondary">
            No comments yet.
          </Typography>
        }
      >
        {(commentsData) => (
          <Box component="ol" sx={{ listStyle: 'none', p: 0, m: 0, display: 'flex', flexDirection: 'column', gap: 1 }} aria-label="Comments">
            {commentsData.map((c) => (
              <Box component="li" key={c.id} sx={{ p: 1.5, borderRadius: 1, bgcolor: 'action.hover' }}>
                <Typography variant="caption" color="text.secondary">
                  {actorName(c.author)} · {formatTime(c.createdAt)}
                </Typography>
                <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap' }}>
                  {c.body}
                </Typography>
              </Box>
            ))}
          </Box>
        )}
      </QueryStates>
      <Can permission="deployments:create">
        <Box component="form" onSubmit={submit} noValidate sx={{ mt: 1.5, display: 'flex', gap: 1, alignItems: 'flex-start' }}>
          <TextField
            label="Add a comment"
            multiline
            minRows={1}
            maxRows={6}
            fullWidth
            value={body}
            onChange={(e) => setBody(e.target.value)}
            error={Boolean(problem)}
            helperText={problem ?? undefined}
          />
          <Button type="submit" variant="outlined" disabled={add.isPending}>
            {add.isPending ? 'Posting…' : 'Post'}
          </Button>
        </Box>
        <ErrorAlert error={add.error} />
      </Can>
    </Box>
  );
}
