import { NavLink, useLocation } from 'react-router-dom';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { usePermissions } from '../auth/permissions';
import { NAV, NAV_ITEMS } from './nav';

/** The item a path belongs to: the longest matching prefix (/webhooks/logs/x → Delivery Logs). */
export function activeNavPath(pathname: string): string | undefined {
  const matches = NAV_ITEMS.filter((i) =>
    i.path === '/' ? pathname === '/' : pathname === i.path || pathname.startsWith(`${i.path}/`),
  );
  matches.sort((a, b) => b.path.length - a.path.length);
  return matches[0]?.path;
}

/** The seven sections of spec/11; pages the user may not read are left out. */
export function Sidebar({ onNavigate }: { onNavigate?: () => void }) {
  const { can } = usePermissions();
  const { pathname } = useLocation();
  const active = activeNavPath(pathname);
  return (
    <nav aria-label="Main">
      {NAV.map((section) => {
        const items = section.items.filter((i) => can(i.permission));
        if (items.length === 0) return null;
        const headingId = `nav-${section.title.toLowerCase()}`;
        return (
          <section key={section.title} aria-labelledby={headingId}>
            <Typography
              id={headingId}
              component="h2"
              variant="overline"
              color="text.secondary"
              sx={{ display: 'block', px: 2, pt: 1.5, fontWeight: 600, lineHeight: '24px' }}
            >
              {section.title}
            </Typography>
            <List dense disablePadding>
              {items.map((item) => {
                const selected = item.path === active;
                const Icon = item.icon;
                return (
                  <li key={item.path}>
                    <ListItemButton
                      component={NavLink}
                      to={item.path}
                      end
                      selected={selected}
                      onClick={onNavigate}
                      sx={{ mx: 1, borderRadius: 1 }}
                    >
                      <ListItemIcon sx={{ minWidth: 36 }}>
                        <Icon fontSize="small" aria-hidden />
                      </ListItemIcon>
                      <ListItemText primary={item.label} />
                    </ListItemButton>
                  </li>
                );
              })}
            </List>
          </section>
        );
      })}
    </nav>
  );
}
