// The selected application and environment: persisted, sent by the API client on every
// request (X-Application-Id, X-Environment) and part of every scoped query key.
import { createContext, useCallback, useContext, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { scopeStore } from '../api/storage';
import type { Environment } from '../api/storage';

interface ScopeState {
  applicationId: string;
  environment: Environment;
  setApplicationId: (id: string) => void;
  setEnvironment: (env: Environment) => void;
}

const ScopeContext = createContext<ScopeState | null>(null);

export function ScopeProvider({ children }: { children: ReactNode }) {
  const [applicationId, setApp] = useState(scopeStore.application);
  const [environment, setEnv] = useState(scopeStore.environment);
  const setApplicationId = useCallback((id: string) => {
    scopeStore.setApplication(id);
    setApp(id);
  }, []);
  const setEnvironment = useCallback((env: Environment) => {
    scopeStore.setEnvironment(env);
    setEnv(env);
  }, []);
  const value = useMemo(
    () => ({ applicationId, environment, setApplicationId, setEnvironment }),
    [applicationId, environment, setApplicationId, setEnvironment],
  );
  return <ScopeContext.Provider value={value}>{children}</ScopeContext.Provider>;
}

export function useScope(): ScopeState {
  const s = useContext(ScopeContext);
  if (!s) throw new Error('useScope outside ScopeProvider');
  return s;
}

/** A react-query key scoped to the selected application and environment. */
export function useScopedKey(...parts: unknown[]): unknown[] {
  const { applicationId, environment } = useScope();
  return [applicationId, environment, ...parts];
}
