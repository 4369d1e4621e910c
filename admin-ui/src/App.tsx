// Providers: theme (light/dark from the OS), react-query, router, scope and session.
import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { BrowserRouter } from 'react-router-dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import CssBaseline from '@mui/material/CssBaseline';
import useMediaQuery from '@mui/material/useMediaQuery';
import { ThemeProvider } from '@mui/material/styles';
import { ApiError } from './api/client';
import { AuthProvider } from './auth/AuthContext';
import { AppRoutes } from './routes';
import { ScopeProvider } from './state/scope';
import { createAppTheme } from './theme';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change by asking again; network errors and 5xx get two more tries.
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
        staleTime: 5_000,
      },
      mutations: { retry: false },
    },
  });
}

export function ThemeRoot({ children }: { children: ReactNode }) {
  const dark = useMediaQuery('(prefers-color-scheme: dark)', { noSsr: true });
  const theme = useMemo(() => createAppTheme(dark ? 'dark' : 'light'), [dark]);
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline enableColorScheme />
      {children}
    </ThemeProvider>
  );
}

export function App(props: { queryClient?: QueryClient }) {
  const [queryClient] = useState(() => props.queryClient ?? createQueryClient());
  return (
    <ThemeRoot>
      <QueryClientProvider client={queryClient}>
        {/* v7_startTransition off: a navigation wrapped in startTransition in the same tick as a
            dialog closing (create -> select the new item) can leave the dialog's exit transition
            unfinished, an invisible modal over the page that swallows every click
            (mui/material-ui#44906, react-transition-group#817). Navigations stay synchronous. */}
        <BrowserRouter future={{ v7_startTransition: false, v7_relativeSplatPath: true }}>
          <ScopeProvider>
            <AuthProvider>
              <AppRoutes />
            </AuthProvider>
          </ScopeProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </ThemeRoot>
  );
}
