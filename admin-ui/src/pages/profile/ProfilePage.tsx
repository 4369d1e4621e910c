import { useEffect } from 'react';
import { useLocation } from 'react-router-dom';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useAuth } from '../../auth/AuthContext';
import { formatTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { MfaCard } from './MfaCard';
import { PasswordCard } from './PasswordCard';

export function ProfilePage() {
  const { me, refetchMe } = useAuth();
  const { hash } = useLocation();
  useEffect(() => {
    if (hash) document.getElementById(hash.slice(1))?.scrollIntoView();
  }, [hash]);
  if (!me) return null;
  return (
    <>
      <PageHeader title="Profile" description="Your account, password and two-step verification." />
      <Grid container spacing={3}>
        <Grid size={{ xs: 12, lg: 5 }}>
          <Card>
            <CardContent>
              <Typography variant="h6" component="h2" sx={{ mb: 2 }}>
                Account
              </Typography>
              <Stack component="dl" spacing={1} sx={{ m: 0, '& dt': { color: 'text.secondary', fontSize: 14 }, '& dd': { m: 0, mb: 1 } }}>
                <dt>Name</dt>
                <dd>{me.name}</dd>
                <dt>Email</dt>
                <dd>{me.email}</dd>
                <dt>Roles</dt>
                <dd>
                  {me.roles.map((r) => (
                    <Chip key={r.id} label={r.name} size="small" sx={{ mr: 0.5 }} />
                  ))}
                </dd>
                <dt>Last sign-in</dt>
                <dd>{formatTime(me.lastLoginAt)}</dd>
              </Stack>
            </CardContent>
          </Card>
        </Grid>
        <Grid size={{ xs: 12, lg: 7 }}>
          <Stack spacing={3}>
            <MfaCard me={me} onChanged={refetchMe} />
            <PasswordCard me={me} />
          </Stack>
        </Grid>
      </Grid>
    </>
  );
}
