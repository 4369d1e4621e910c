// The one ApiClient of the app, wired to the persisted session and scope.
import { ApiClient } from './client';
import { scopeStore, sessionStore } from './storage';

export const api = new ApiClient({
  baseUrl: import.meta.env.VITE_API_URL ?? '',
  getToken: sessionStore.get,
  clearToken: sessionStore.clear,
  getApplicationId: scopeStore.application,
  getEnvironment: scopeStore.environment,
});

export { ApiClient, ApiError, errorMessage } from './client';
export { ENVIRONMENTS, scopeStore, sessionStore } from './storage';
export type { Environment } from './storage';
