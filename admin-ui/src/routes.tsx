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
const debuggerPages = () => import('./pages/debugger');
const DebuggerPage = lazy(() => debuggerPages().then((m) => ({ default: m.DebuggerPage })));
const ReplayPage = lazy(() => debuggerPages().then((m) => ({ default: m.ReplayPage })));
const monitoringPages = () => import('./pages/monitoring');
const MonitoringPage = lazy(() => monitoringPages().then((m) => ({ default: m.MonitoringPage })));
const AlertsPage = lazy(() => monitoringPages().then((m) => ({ default: m.AlertsPage })));
const dashboardPages = () => import('./pages/dashboards');
const DeliveryDashboard = lazy(() => dashboardPages().then((m) => ({ default: m.DeliveryDashboard })));
const PipelineDashboard = lazy(() => dashboardPages().then((m) => ({ default: m.PipelineDashboard })));
const ReliabilityDashboard = lazy(() => dashboardPages().then((m) => ({ default: m.ReliabilityDashboard })));
const securityPages = () => import('./pages/security');
const KeysPage = lazy(() => securityPages().then((m) => ({ default: m.KeysPage })));
const UsersPage = lazy(() => securityPages().then((m) => ({ default: m.UsersPage })));
const RolesPage = lazy(() => securityPages().then((m) => ({ default: m.RolesPage })));
const InvitesPage = lazy(() => securityPages().then((m) => ({ default: m.InvitesPage })));
const SocketMonitorPage = lazy(() => import('./pages/socket').then((m) => ({ default: m.SocketMonitorPage })));
const webhooks = () => import('./pages/webhooks');
const WebhooksPage = lazy(() => webhooks().then((m) => ({ default: m.WebhooksPage })));
const WebhookLogsPage = lazy(() => webhooks().then((m) => ({ default: m.WebhookLogsPage })));
const documents = () => import('./pages/documents');
const DocumentsPage = lazy(() => documents().then((m) => ({ default: m.DocumentsPage })));
const DocumentInspectorPage = lazy(() => documents().then((m) => ({ default: m.DocumentInspectorPage })));
const configuration = () => import('./pages/configuration');
const MappingsPage = lazy(() => configuration().then((m) => ({ default: m.MappingsPage })));
const EnvironmentsPage = lazy(() => configuration().then((m) => ({ default: m.EnvironmentsPage })));
const DeploymentsPage = lazy(() => configuration().then((m) => ({ default: m.DeploymentsPage })));

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
  '/debugger': { permission: 'debugger:read', element: <DebuggerPage /> },
  '/replay': { permission: 'debugger:read', element: <ReplayPage /> },
  '/monitoring': { permission: 'workers:read', element: <MonitoringPage /> },
  '/alerts': { permission: 'metrics:read', element: <AlertsPage /> },
  '/dashboards/delivery': { permission: 'metrics:read', element: <DeliveryDashboard /> },
  '/dashboards/pipeline': { permission: 'metrics:read', element: <PipelineDashboard /> },
  '/dashboards/reliability': { permission: 'metrics:read', element: <ReliabilityDashboard /> },
  '/keys': { permission: 'keys:read', element: <KeysPage /> },
  '/users': { permission: 'users:read', element: <UsersPage /> },
  '/roles': { permission: 'roles:read', element: <RolesPage /> },
  '/invites': { permission: 'invites:read', element: <InvitesPage /> },
  '/socket': { permission: 'socket:read', element: <SocketMonitorPage /> },
  '/webhooks': { permission: 'webhooks:read', element: <WebhooksPage /> },
  '/webhooks/logs': { permission: 'webhooks:read', element: <WebhookLogsPage /> },
  '/documents': { permission: 'documents:read', element: <DocumentsPage /> },
  '/documents/inspect': { permission: 'documents:read', element: <DocumentInspectorPage /> },
  '/mappings': { permission: 'mappings:read', element: <MappingsPage /> },
  '/environments': { permission: 'deployments:read', element: <EnvironmentsPage /> },
  '/deployments': { permission: 'deployments:read', element: <DeploymentsPage /> },
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
          <Route path="/profile" element={<ProfilePage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
