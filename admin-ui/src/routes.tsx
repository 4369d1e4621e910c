// Every route of the admin UI. Each group of pages is its own lazily loaded chunk: the
// signed-out pages, the dashboard, the registry, the profile.
import { lazy, Suspense } from 'react';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { PublicOnly, RequireAuth, RequirePermission, SetupOnly } from './auth/guards';
import { usePermissions } from './auth/permissions';
import type { PermissionName } from './auth/permissions';
import { LoadingState } from './components/LoadingState';
import { AppShell } from './layout/AppShell';
import { NAV_ITEMS } from './layout/nav';
import { ComingSoonPage } from './pages/placeholders/ComingSoonPage';
import { NotFoundPage } from './pages/NotFoundPage';

const authPages = () => import('./pages/auth');
const SetupPage = lazy(() => authPages().then((m) => ({ default: m.SetupPage })));
const LoginPage = lazy(() => authPages().then((m) => ({ default: m.LoginPage })));
const ForgotPasswordPage = lazy(() => authPages().then((m) => ({ default: m.ForgotPasswordPage })));
const ResetPasswordPage = lazy(() => authPages().then((m) => ({ default: m.ResetPasswordPage })));
const InvitePage = lazy(() => authPages().then((m) => ({ default: m.InvitePage })));
const DashboardPage = lazy(() => import('./pages/dashboard').then((m) => ({ default: m.DashboardPage })));
const registry = () => import('./pages/registry');
const TopicsPage = lazy(() => registry().then((m) => ({ default: m.TopicsPage })));
const SchemasPage = lazy(() => registry().then((m) => ({ default: m.SchemasPage })));
const ProfilePage = lazy(() => import('./pages/profile').then((m) => ({ default: m.ProfilePage })));

function Guarded({ permission, children }: { permission: PermissionName; children: ReactNode }) {
  return <RequirePermission permission={permission}>{children}</RequirePermission>;
}

/** "/" is the dashboard; a user who may not read metrics lands on the first page they may see. */
function Home() {
  const { can } = usePermissions();
  if (can('metrics:read')) return <DashboardPage />;
  const first = NAV_ITEMS.find((i) => i.path !== '/' && can(i.permission));
  return <Navigate to={first?.path ?? '/profile'} replace />;
}

const BUILT: Record<string, { permission: PermissionName; element: ReactNode }> = {
  '/topics': { permission: 'topics:read', element: <TopicsPage /> },
  '/schemas': { permission: 'schemas:read', element: <SchemasPage /> },
};

export function AppRoutes() {
  return (
    <Suspense fallback={<LoadingState fullPage />}>
      <Routes>
        <Route path="/setup" element={<SetupOnly><SetupPage /></SetupOnly>} />
        <Route path="/login" element={<PublicOnly><LoginPage /></PublicOnly>} />
        <Route path="/forgot-password" element={<PublicOnly><ForgotPasswordPage /></PublicOnly>} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        <Route path="/reset-password/:token" element={<ResetPasswordPage />} />
        <Route path="/invite/:token" element={<InvitePage />} />
        <Route element={<RequireAuth><AppShell /></RequireAuth>}>
          <Route index element={<Home />} />
          {Object.entries(BUILT).map(([path, r]) => (
            <Route key={path} path={path} element={<Guarded permission={r.permission}>{r.element}</Guarded>} />
          ))}
          {NAV_ITEMS.filter((i) => !i.ready).map((i) => (
            <Route key={i.path} path={i.path} element={<Guarded permission={i.permission}><ComingSoonPage /></Guarded>} />
          ))}
          <Route path="/profile" element={<ProfilePage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
