import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import ConstructionOutlined from '@mui/icons-material/ConstructionOutlined';
import { PageHeader } from './PageHeader';

/** The placeholder of a page of spec/12 that is not built yet: navigation works, it says so. */
export function ComingSoon({ title, description, api }: { title: string; description: string; api?: string }) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <Paper variant="outlined" sx={{ p: 4, textAlign: 'center' }} data-testid="coming-soon">
        <ConstructionOutlined aria-hidden sx={{ fontSize: 48, color: 'text.secondary' }} />
        <Typography variant="h6" component="h2" sx={{ mt: 1 }}>
          Coming soon
        </Typography>
        <Typography color="text.secondary" sx={{ mt: 1 }}>
          This page of the admin UI is not built yet.
          {api && (
            <>
              {' '}Its data is already available from <code>{api}</code>.
            </>
          )}
        </Typography>
      </Paper>
    </>
  );
}
