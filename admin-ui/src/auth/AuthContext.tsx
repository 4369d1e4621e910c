// The session: its token (persisted), the signed-in user (GET /api/auth/me) and their
// permissions. Any 401 of the API client ends the session here and navigates to /login.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate } from 'react-router-dom';
import { api, sessionStore } from '../api';
import { authApi } from '../api/endpoints';
import type { Me, SessionAnswer } from '../api/types';
import { PermissionsProvider } from './permissions';

interface AuthState {
  token: string | null;
  me: Me | undefined;
  meLoading: boolean;
  meError: unknown;
  /** The server ended the session (a 401): the login page says so. */
  sessionEnded: boolean;
  refetchMe: () => void;
  signIn: (answer: SessionAnswer) => void;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(sessionStore.get);
  const [sessionEnded, setSessionEnded] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(() => {
    api.onUnauthorized = () => {
      setSessionEnded(true);
      setToken(null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'setup-status' });
      if (!location.pathname.startsWith('/login')) {
        navigate('/login', { replace: true, state: { from: location.pathname + location.search, expired: true } });
      }
    };
    return () => {
      api.onUnauthorized = undefined;
    };
  }, [navigate, location, queryClient]);

  const meQuery = useQuery({
    queryKey: ['me', token],
    queryFn: authApi.me,
    enabled: token !== null,
    retry: false,
    staleTime: 60_000,
  });

  const signIn = useCallback(
    (answer: SessionAnswer) => {
      sessionStore.set(answer.sessionToken);
      queryClient.setQueryData(['setup-status'], { setupRequired: false });
      setSessionEnded(false);
      setToken(answer.sessionToken);
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } catch {
      // The session may already be gone; signing out locally is what matters.
    }
    sessionStore.clear();
    setToken(null);
    queryClient.clear();
    navigate('/login', { replace: true });
  }, [navigate, queryClient]);

  const value = useMemo<AuthState>(
    () => ({
      token,
      me: token ? meQuery.data : undefined,
      meLoading: token !== null && meQuery.isPending,
      meError: meQuery.error,
      sessionEnded,
      refetchMe: () => void meQuery.refetch(),
      signIn,
      signOut,
    }),
    [token, meQuery, sessionEnded, signIn, signOut],
  );

  return (
    <AuthContext.Provider value={value}>
      <PermissionsProvider permissions={value.me?.permissions} loading={value.meLoading}>
        {children}
      </PermissionsProvider>
    </AuthContext.Provider>
  );
}

export function useAuth(): AuthState {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth outside AuthProvider');
  return a;
}

/** GET /api/auth/setup-status, shared by the guards of public and private pages. */
export function useSetupStatus() {
  return useQuery({ queryKey: ['setup-status'], queryFn: authApi.setupStatus, staleTime: 5 * 60_000, retry: 1 });
}
