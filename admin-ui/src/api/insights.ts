// The routes of the debugging, monitoring and dashboard pages (docs/debugger.md, docs/monitoring.md):
// traces, replay, explain, metrics history, service status, alert rules and alerts.
import { api } from './index';
import type { DashboardMetrics } from './types';

const enc = encodeURIComponent;

export const TRACE_SOURCES = ['database', 'sync', 'socket'] as const;
export type TraceSource = (typeof TRACE_SOURCES)[number];

export interface RoutingCounts {
  subscriberCount: number;
  deliveredCount: number;
  filteredCount: number;
}

export interface TraceSummary {
  traceId: string;
  eventId: string;
  topic: string;
  source: string;
  type: string;
  payload: Record<string, unknown>;
  timestamp: number;
  routingResult: RoutingCounts;
}

export interface FailedKey {
  key: string;
  expected: unknown;
  actual?: unknown;
  missing?: boolean;
}

export interface RoutingDecision {
  subscriptionId: string;
  socketId: string;
  verdict: 'delivered' | 'filtered' | 'dropped';
  filter: unknown;
  failed?: FailedKey[];
  instance: string;
}

export interface TraceDetail extends TraceSummary {
  instances: Array<RoutingCounts & { instance: string; remote: boolean }>;
  schemaGate?: { validated: boolean; valid?: boolean; schemaVersion: number | null };
  routingDecisions?: RoutingDecision[];
  decisionsOmitted?: number;
}

export const REPLAY_MODES = ['dry-run', 'router', 'websocket', 'webhook'] as const;
export type ReplayMode = (typeof REPLAY_MODES)[number];

export interface RoutingDetail {
  subscriptionId: string;
  matched: boolean;
  filter: unknown;
  instance: string;
  socketId: string;
  returnMode: string;
}

export interface ReplayAnswer {
  traceId: string;
  mode: ReplayMode;
  replayOf: string;
  eventId: string | null;
  event: Record<string, unknown>;
  schema: { version: number | null; valid: boolean; message?: string; errors?: Array<{ path?: string; message?: string }> };
  routing?: { topic: string; activeSubscriptions: number; matchingSubscriptions: number; routingDetails: RoutingDetail[]; partial?: boolean };
  webhooks?: { endpoints: number; endpointIds: string[] };
}

export interface ExplainCheck {
  check: string;
  passed: boolean;
  [fact: string]: unknown;
}

export interface Explanation {
  eventId: string;
  socketId?: string;
  delivered: boolean;
  reason?: string;
  message?: string;
  at?: number;
  event?: Record<string, unknown>;
  connection?: Record<string, unknown>;
  checks?: ExplainCheck[];
}

export interface SubjectExplanation {
  eventId: string;
  subject: string;
  delivered: boolean;
  connections: Explanation[];
}

export type ExplainAnswer = Explanation | SubjectExplanation;

export interface TraceQuery {
  topic?: string;
  source?: string;
  limit?: number;
  offset?: number;
}

export const debuggerApi = {
  traces: (q: TraceQuery) => api.get<TraceSummary[]>('/api/debugger/traces', { query: { ...q } }),
  trace: (traceId: string) => api.get<TraceDetail>(`/api/debugger/traces/${enc(traceId)}`),
  replay: (body: { traceId: string; mode: ReplayMode; overrides?: Record<string, unknown> }) =>
    api.post<ReplayAnswer>('/api/debugger/replay', body),
  explain: (eventId: string, who: { socketId: string } | { subject: string }) =>
    api.get<ExplainAnswer>('/api/debugger/explain', { query: { eventId, ...who } }),
};

export interface MetricsSample {
  at: number;
  delivery: DashboardMetrics['delivery'];
  pipeline: DashboardMetrics['pipeline'];
  reliability: DashboardMetrics['reliability'];
}

export interface MetricsHistory {
  tickMs: number;
  windowMs: number;
  samples: MetricsSample[];
}

export interface ServiceStatus {
  name: string;
  kind: string;
  status: 'up' | 'degraded' | 'down';
  detail: string;
  latencyMs?: number;
  instance?: string;
  host?: string;
  pid?: number;
  version?: string;
  lastBeat?: number;
}

export interface PlatformStatus {
  status: 'up' | 'degraded' | 'down';
  checkedAt: number;
  services: ServiceStatus[];
}

export interface WorkerInstance {
  id: string;
  kind: string;
  host: string;
  pid: number;
  version: string;
  queues: string[];
  startedAt: number;
  lastBeat: number;
  stoppedAt: number | null;
  status: string;
}

export const HISTORY_WINDOWS = ['90s', '15m', '1h'] as const;
export type HistoryWindow = (typeof HISTORY_WINDOWS)[number];

export const monitoringApi = {
  history: (window: HistoryWindow) => api.get<MetricsHistory>('/api/metrics/history', { query: { window } }),
  status: () => api.get<PlatformStatus>('/api/status'),
  workers: () => api.get<WorkerInstance[]>('/api/workers'),
};

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const COMPARISONS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export interface AlertRule {
  id: string;
  name: string;
  description: string;
  metric: string;
  comparison: Comparison;
  threshold: number;
  for: number;
  cooldown: number;
  severity: AlertSeverity;
  applicationId: string | null;
  environment: string | null;
  webhookId: string | null;
  enabled: boolean;
  builtin: boolean;
  createdAt: number;
  updatedAt: number;
}

export type AlertRuleInput = Omit<AlertRule, 'id' | 'builtin' | 'createdAt' | 'updatedAt'>;

export interface Alert {
  id: string;
  ruleId: string;
  ruleName: string;
  metric: string;
  comparison: Comparison;
  threshold: number;
  severity: AlertSeverity;
  applicationId: string | null;
  environment: string | null;
  state: 'firing' | 'resolved';
  value: number;
  message: string;
  firedAt: number;
  resolvedAt: number | null;
  resolvedValue: number | null;
  acknowledged: boolean;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
}

export interface AlertQuery {
  severity?: string;
  environment?: string;
  state?: string;
  limit?: number;
}

export const alertsApi = {
  rules: () => api.get<AlertRule[]>('/api/alerts/rules'),
  createRule: (r: AlertRuleInput) => api.post<AlertRule>('/api/alerts/rules', r),
  updateRule: (id: string, patch: Partial<AlertRuleInput>) => api.patch<AlertRule>(`/api/alerts/rules/${enc(id)}`, patch),
  deleteRule: (id: string) => api.delete<unknown>(`/api/alerts/rules/${enc(id)}`),
  list: (q: AlertQuery) => api.get<Alert[]>('/api/alerts', { query: { ...q } }),
  ack: (id: string) => api.post<Alert>(`/api/alerts/${enc(id)}/ack`, {}),
};

export interface AnalyticsRow {
  topic: string;
  window: string;
  count: number;
  startTime: number;
  endTime: number;
  bySource: { database: number; sync: number; socket: number };
  latencyP50: number | null;
  latencyP95: number | null;
  latencyP99: number | null;
}

export const analyticsApi = {
  /** Windows that start in [from, to) (ms since the epoch), every topic. */
  rows: (from: number, to: number) =>
    api.get<{ window: string; data: AnalyticsRow[] }>('/api/metrics/analytics', { query: { from, to } }),
};
