// One function per server route the UI calls. Pages use these through react-query.
import { api } from './index';
import type {
  Application,
  CompatibilityMode,
  DashboardMetrics,
  HotTopic,
  InviteInfo,
  LoginAnswer,
  Me,
  MfaConfirmed,
  MfaSetup,
  SchemaVersion,
  SessionAnswer,
  Topic,
  ValidateAnswer,
} from './types';

const pub = { public: true } as const;
const enc = encodeURIComponent;

export const authApi = {
  setupStatus: () => api.get<{ setupRequired: boolean }>('/api/auth/setup-status', pub),
  setup: (body: { name: string; email: string; password: string }) =>
    api.post<SessionAnswer>('/api/auth/setup', body, pub),
  login: (body: { email: string; password: string }) => api.post<LoginAnswer>('/api/auth/login', body, pub),
  verifyMfa: (body: { mfaToken: string; code: string }) =>
    api.post<SessionAnswer>('/api/auth/mfa/verify', body, pub),
  logout: () => api.post<void>('/api/auth/logout', {}, pub),
  me: () => api.get<Me>('/api/auth/me'),
  forgotPassword: (email: string) =>
    api.post<{ success: boolean; message?: string }>('/api/auth/forgot-password', { email }, pub),
  resetPassword: (token: string, password: string) =>
    api.post<{ success: boolean }>('/api/auth/reset-password', { token, password }, pub),
  inviteByToken: (token: string) => api.get<InviteInfo>(`/api/invites/by-token/${enc(token)}`, pub),
  acceptInvite: (body: { token: string; name: string; password: string }) =>
    api.post<SessionAnswer>('/api/invites/accept', body, pub),
};

export const usersApi = {
  mfaSetup: (userId: string) => api.post<MfaSetup>(`/api/users/${enc(userId)}/mfa/setup`, {}),
  mfaConfirm: (userId: string, code: string) =>
    api.post<MfaConfirmed>(`/api/users/${enc(userId)}/mfa/confirm`, { code }),
  mfaDisable: (userId: string, code: string) =>
    api.post<{ enabled: false }>(`/api/users/${enc(userId)}/mfa/disable`, { code }),
  changePassword: (userId: string, currentPassword: string, newPassword: string) =>
    api.post<{ success: boolean }>(`/api/users/${enc(userId)}/change-password`, { currentPassword, newPassword }),
};

export const applicationsApi = {
  list: () => api.get<Application[]>('/api/applications'),
};

export interface TopicInput {
  name: string;
  description: string;
  owner: string;
}

export const topicsApi = {
  list: () => api.get<Topic[]>('/api/topics'),
  create: (t: TopicInput) => api.post<Topic>('/api/topics', t),
  update: (name: string, patch: Partial<Omit<Topic, 'name'>>) => api.patch<Topic>(`/api/topics/${enc(name)}`, patch),
  remove: (name: string) => api.delete<unknown>(`/api/topics/${enc(name)}`),
};

export const schemasApi = {
  versions: (topic: string) => api.get<SchemaVersion[]>(`/api/schemas/${enc(topic)}/versions`),
  register: (topic: string, schema: unknown, compatibilityMode: CompatibilityMode) =>
    api.post<SchemaVersion>(`/api/schemas/${enc(topic)}`, { schema, compatibilityMode }),
  validate: (topic: string, payload: unknown) =>
    api.post<ValidateAnswer>(`/api/schemas/${enc(topic)}/validate`, { payload }),
};

export const metricsApi = {
  dashboard: () => api.get<DashboardMetrics>('/api/metrics/dashboard'),
  hotTopics: (limit = 10) => api.get<HotTopic[]>('/api/metrics/hot-topics', { query: { limit } }),
};
