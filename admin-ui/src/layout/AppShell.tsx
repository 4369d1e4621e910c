// The frame of every signed-in page: skip link, AppBar (application, environment, user),
// the sidebar (permanent on wide screens, a drawer on narrow ones) and <main>.
import { Suspense, useEffect, useState } from 'react';
import { Outlet, useLocation } from 'react-router-dom';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Drawer from '@mui/material/Drawer';
import IconButton from '@mui/material/IconButton';
import Link from '@mui/material/Link';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useTheme } from '@mui/material/styles';
import MenuIcon from '@mui/icons-material/Menu';
import BoltOutlined from '@mui/icons-material/BoltOutlined';
import { LoadingState } from '../components/LoadingState';
import { ApplicationSelector, EnvironmentSwitcher } from './ScopeControls';
import { NAV_ITEMS } from './nav';
import { activeNavPath, Sidebar } from './Sidebar';
import { UserMenu } from './UserMenu';

const DRAWER_WIDTH = 256;

export function AppShell() {
  const theme = useTheme();
  const wide = useMediaQuery(theme.breakpoints.up('md'), { noSsr: true });
  const [open, setOpen] = useState(false);
  const { pathname } = useLocation();
  useEffect(() => {
    const path = activeNavPath(pathname);
    const label = pathname === '/profile' ? 'Profile' : NAV_ITEMS.find((i) => i.path === path)?.label;
    document.title = label ? `${label} · Realtime Admin` : 'Realtime Admin';
  }, [pathname]);

  return (
    <Box sx={{ display: 'flex', minHeight: '100vh' }}>
      <Link
        href="#main"
        sx={{
          position: 'absolute',
          left: -9999,
          zIndex: (t) => t.zIndex.tooltip,
          '&:focus': { left: 16, top: 16, p: 1, bgcolor: 'background.paper' },
        }}
      >
        Skip to main content
      </Link>
      <AppBar
        position="fixed"
        color="inherit"
        elevation={0}
        sx={{ zIndex: (t) => t.zIndex.drawer + 1, borderBottom: 1, borderColor: 'divider' }}
      >
        <Toolbar sx={{ gap: 2 }}>
          {!wide && (
            <IconButton edge="start" aria-label="Open navigation" onClick={() => setOpen(true)}>
              <MenuIcon />
            </IconButton>
          )}
          <BoltOutlined aria-hidden color="primary" />
          <Typography component="p" variant="h6" noWrap sx={{ fontWeight: 700, mr: 2, display: { xs: 'none', sm: 'block' } }}>
            Realtime Admin
          </Typography>
          <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', py: 1 }}>
            <ApplicationSelector />
            <EnvironmentSwitcher />
          </Box>
          <Box sx={{ flexGrow: 1 }} />
          <UserMenu />
        </Toolbar>
      </AppBar>
      <Drawer
        variant={wide ? 'permanent' : 'temporary'}
        open={wide || open}
        onClose={() => setOpen(false)}
        sx={{
          width: DRAWER_WIDTH,
          flexShrink: 0,
          '& .MuiDrawer-paper': { width: DRAWER_WIDTH, boxSizing: 'border-box' },
        }}
      >
        <Toolbar />
        <Box sx={{ overflowY: 'auto', pb: 2 }}>
          <Sidebar onNavigate={wide ? undefined : () => setOpen(false)} />
        </Box>
      </Drawer>
      <Box component="main" id="main" tabIndex={-1} sx={{ flexGrow: 1, minWidth: 0, p: { xs: 2, md: 3 }, outline: 'none' }}>
        <Toolbar />
        <Suspense fallback={<LoadingState />}>
          <Outlet />
        </Suspense>
      </Box>
    </Box>
  );
}
