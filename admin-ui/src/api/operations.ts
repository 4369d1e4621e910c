// The Services pages' routes and answers: the socket monitor (docs/socket-monitor.md,
// docs/protocol.md "Channels"), webhooks (docs/webhooks.md), sync services and documents
// (docs/sync.md). The live traffic stream is in ./sse.ts.
import { ApiError } from './client';
import { api } from './index';

const enc = encodeURIComponent;

// ---- Socket monitor ----

export interface SocketSubscription {
  subscriptionId: string;
  topic: string;
  filter: Record<string, unknown> | null;
  returnMode?: string;
  subscribedAt: number;
}

export interface SocketConnection {
  socketId: string;
  transport: string;
  engineTransport?: string;
  remoteAddress: string;
  userAgent: string;
  subject: string;
  channels: string[];
  subscriptions: SocketSubscription[];
  connectedAt: number;
  instance?: string;
}

export interface ConnectionsAnswer {
  count: number;
  connections: SocketConnection[];
  partial?: boolean;
}

export interface Channel {
  name: string;
  memberCount: number;
}

export interface ChannelMember {
  socketId: string;
  subject: string;
  joinedAt: number;
}

export interface MembersPage {
  channel: string;
  members: ChannelMember[];
  memberCount: number;
  nextCursor: string | null;
}

export const socketApi = {
  connections: (limit = 1000) =>
    api.get<ConnectionsAnswer>('/api/socket/connections', { query: { details: true, limit } }),
  channels: () => api.get<Channel[]>('/api/socket/channels'),
  /**
   * One page of a channel's members. A server without paging answers the bare array of every
   * member (and may refuse the query): both become one last page.
   */
  members: async (channel: string, limit: number, cursor?: string): Promise<MembersPage> => {
    const path = `/api/socket/channels/${enc(channel)}/members`;
    let answer: MembersPage | ChannelMember[];
    try {
      answer = await api.get<MembersPage | ChannelMember[]>(path, { query: { limit, cursor } });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 400 || cursor) throw e;
      answer = await api.get<ChannelMember[]>(path);
    }
    if (Array.isArray(answer)) return { channel, members: answer, memberCount: answer.length, nextCursor: null };
    return answer;
  },
  broadcast: (body: { channel: string; event: string; data: unknown }) =>
    api.post<{ id: string; channel: string }>('/api/socket/broadcast', body),
};

// ---- Webhooks ----

export const WEBHOOK_EVENTS = [
  'document.updated',
  'document.deleted',
  'presence.updated',
  'socket.message',
  'socket.connect',
  'socket.disconnect',
  'database.event',
] as const;

export type SignatureScheme = 'realtime' | 'standard';
export type Ordering = 'none' | 'fifo';

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  topics: string[];
  active: boolean;
  applicationId: string;
  environment: string;
  signatureScheme: SignatureScheme;
  maxConcurrency: number;
  ordering: Ordering;
  description: string;
  createdAt: number;
  updatedAt: number;
  /** Only in the answer to the create. */
  secret?: string;
}

export interface WebhookInput {
  url: string;
  secret: string;
  events: string[];
  topics: string[];
  signatureScheme: SignatureScheme;
  maxConcurrency: number;
  ordering: Ordering;
  description: string;
  active: boolean;
}

export interface TestResult {
  deliveryId: string;
  success: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string;
}

export interface DeliveryAttempt {
  attempt: number;
  statusCode: number | null;
  durationMs: number;
  error: string;
  responseBody: string;
  at: number;
}

export type DeliveryStatus = 'delivered' | 'retrying' | 'dead' | 'pending';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['delivered', 'retrying', 'dead', 'pending'];

export interface DeliveryLog {
  id: string;
  webhookId: string;
  event: string;
  url: string;
  statusCode: number | null;
  success: boolean;
  attempts: number;
  deliveredAt: number | null;
  status: DeliveryStatus;
  eventId: string;
  topic: string;
  durationMs: number;
  error: string;
  responseBody: string;
  nextAttemptAt: number | null;
  createdAt: number;
  updatedAt: number;
  history: DeliveryAttempt[];
}

export interface LogQuery {
  event?: string;
  webhookId?: string;
  status?: string;
  limit?: number;
  before?: number;
}

/** The event as traced by the debugger (GET /api/debugger/traces/:traceId): its payload. */
export interface EventTrace {
  traceId: string;
  eventId: string;
  topic: string;
  source: string;
  type: string;
  payload: unknown;
  timestamp: number;
}

export const webhooksApi = {
  list: () => api.get<Webhook[]>('/api/webhooks'),
  create: (body: WebhookInput) => api.post<Webhook>('/api/webhooks', body),
  setActive: (id: string, active: boolean) =>
    api.post<Webhook>(`/api/webhooks/${enc(id)}/${active ? 'activate' : 'deactivate'}`),
  test: (id: string) => api.post<TestResult>(`/api/webhooks/${enc(id)}/test`),
  remove: (id: string) => api.delete<unknown>(`/api/webhooks/${enc(id)}`),
  logs: (q: LogQuery) => api.get<DeliveryLog[]>('/api/webhooks/logs', { query: { ...q } }),
  log: (id: string) => api.get<DeliveryLog>(`/api/webhooks/logs/${enc(id)}`),
  retry: (id: string) => api.post<DeliveryLog>(`/api/webhooks/logs/${enc(id)}/retry`),
  /** The trace of an event id (evt_x → trace_x). */
  eventTrace: (eventId: string) =>
    api.get<EventTrace>(`/api/debugger/traces/${enc(`trace_${eventId.replace(/^evt_/, '')}`)}`),
};

// ---- Services and sync documents ----

export interface SyncService {
  id: string;
  name: string;
  description?: string;
  applicationId: string;
  createdAt: string;
  updatedAt: string;
}

export interface SyncDocument {
  service: string;
  id: string;
  revision: number;
  data: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
}

export interface DocumentsPage {
  documents: SyncDocument[];
  nextCursor: string | null;
}

export const SERVICE_NAME = /^[a-z][a-z0-9_-]*$/;
export const DOCUMENT_ID = /^[A-Za-z0-9_\-.:@]{1,128}$/;

export const servicesApi = {
  list: async () => (await api.get<{ services: SyncService[] }>('/api/services')).services,
  create: (body: { name: string; description: string }) => api.post<SyncService>('/api/services', body),
  update: (id: string, body: { name: string; description: string }) =>
    api.patch<SyncService>(`/api/services/${enc(id)}`, body),
  remove: (id: string) => api.delete<unknown>(`/api/services/${enc(id)}`),
};

const docs = (service: string) => `/api/sync/${enc(service)}/documents`;

export const documentsApi = {
  list: (service: string, limit = 50, cursor?: string) =>
    api.get<DocumentsPage>(docs(service), { query: { limit, cursor } }),
  get: (service: string, id: string) => api.get<SyncDocument>(`${docs(service)}/${enc(id)}`),
  replace: (service: string, id: string, data: unknown, expectedRevision?: number) =>
    api.put<SyncDocument>(`${docs(service)}/${enc(id)}`, { data, expectedRevision }),
  merge: (service: string, id: string, data: unknown, expectedRevision?: number) =>
    api.patch<SyncDocument>(`${docs(service)}/${enc(id)}/merge`, { data, expectedRevision }),
  remove: (service: string, id: string) => api.delete<SyncDocument>(`${docs(service)}/${enc(id)}`),
};
