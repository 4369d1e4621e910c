// Route guards: first-time setup → /setup, no session → /login, no permission → a notice.
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { ErrorAlert } from '../components/ErrorAlert';
import { LoadingState } from '../components/LoadingState';
import { NoAccess } from '../components/NoAccess';
import { useAuth, useSetupStatus } from './AuthContext';
import { usePermissions } from './permissions';
import type { PermissionName } from './permissions';

/** Signed-in pages: checks setup-status, the session and GET /api/auth/me. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const setup = useSetupStatus();
  const { token, me, meLoading, meError, refetchMe, sessionEnded } = useAuth();
  const location = useLocation();

  if (setup.isPending) return <LoadingState fullPage label="Connecting…" />;
  if (setup.data?.setupRequired) return <Navigate to="/setup" replace />;
  if (!token) return <Navigate to="/login" replace state={{ from: location.pathname + location.search, expired: sessionEnded }} />;
  if (meLoading) return <LoadingState fullPage label="Loading your account…" />;
  if (!me) {
    return (
      <main style={{ padding: 24 }}>
        <ErrorAlert error={meError ?? setup.error} title="Could not load your account" onRetry={refetchMe} />
      </main>
    );
  }
  return <>{children}</>;
}

/** Login, setup, …: a signed-in user goes to the dashboard; setup pending → /setup. */
export function PublicOnly({ children, allowDuringSetup = false }: { children: ReactNode; allowDuringSetup?: boolean }) {
  const setup = useSetupStatus();
  const { token } = useAuth();
  if (setup.isPending) return <LoadingState fullPage label="Connecting…" />;
  if (setup.data?.setupRequired && !allowDuringSetup) return <Navigate to="/setup" replace />;
  if (token) return <Navigate to="/" replace />;
  return <>{children}</>;
}

/** A page's read permission; without it the page says so instead of failing with 403s. */
export function RequirePermission({ permission, children }: { permission: PermissionName; children: ReactNode }) {
  const { can } = usePermissions();
  if (!can(permission)) return <NoAccess permission={permission} />;
  return <>{children}</>;
}

/** /setup only while no user exists; afterwards it is the login page. */
export function SetupOnly({ children }: { children: ReactNode }) {
  const setup = useSetupStatus();
  const { token } = useAuth();
  if (setup.isPending) return <LoadingState fullPage label="Connecting…" />;
  if (setup.data && !setup.data.setupRequired) return <Navigate to={token ? '/' : '/login'} replace />;
  return <>{children}</>;
}
