// The Configuration pages' routes and answers: CDC mappings (docs/database.md, docs/cdc.md),
// the environment grid, deployments and config as code (docs/deployments.md).
import { api } from './index';
import type { Environment } from './storage';

const enc = encodeURIComponent;

// ---- Mappings ----

export type MappingOperation = 'insert' | 'update' | 'delete';
export const MAPPING_OPERATIONS: readonly MappingOperation[] = ['insert', 'update', 'delete'];

/** A `when` condition as the server accepts it (cdc/mapping_parse.cpp). */
export type ConditionJson =
  | { changed: string }
  | { eq: [string, unknown] }
  | { and: ConditionJson[] }
  | { or: ConditionJson[] };

export interface MappingDefinition {
  id?: string;
  table: string;
  events: MappingOperation[];
  topic: string;
  triggerColumns?: string[];
  when?: ConditionJson | null;
  payload: Record<string, unknown>;
}

export interface Mapping extends MappingDefinition {
  id: string;
  triggerColumns: string[];
  environment: Environment;
  version: number;
  active: boolean;
  applicationId: string;
  createdAt: number;
  updatedAt: number;
}

export interface MappingVersion {
  mappingId: string;
  environment: Environment;
  version: number;
  definition: MappingDefinition & { version: number; active: boolean };
  createdAt: number;
}

export interface MappingStatus {
  id: string;
  table: string;
  topic: string;
  environments: Partial<Record<Environment, { version: number; active: boolean }>>;
}

export const mappingsApi = {
  list: () => api.get<Mapping[]>('/api/database/mappings'),
  status: () => api.get<MappingStatus[]>('/api/database/mappings/status'),
  create: (m: MappingDefinition) => api.post<Mapping>('/api/database/mappings', m),
  update: (id: string, patch: Partial<MappingDefinition> & { active?: boolean }) =>
    api.patch<Mapping>(`/api/database/mappings/${enc(id)}`, patch),
  remove: (id: string) => api.delete<unknown>(`/api/database/mappings/${enc(id)}`),
  versions: (id: string) => api.get<MappingVersion[]>(`/api/database/mappings/${enc(id)}/versions`),
  snapshot: (id: string) => api.post<MappingVersion>(`/api/database/mappings/${enc(id)}/versions`, {}),
  promote: (id: string, environment: Environment) =>
    api.post<Mapping>(`/api/database/mappings/${enc(id)}/promote`, { environment }),
};

// ---- Environment grid ----

export const ENTITY_TYPES = ['topic', 'schema', 'mapping', 'webhook'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export type CellState = 'synced' | 'newer' | 'missing';
export interface GridCell {
  state: CellState;
  color: 'green' | 'yellow' | 'red';
  version?: number | null;
  fingerprint?: string;
}

export interface GridEntity {
  type: EntityType;
  id: string;
  label: string | null;
  environments: Partial<Record<Environment, GridCell>>;
}

export interface Grid {
  environments: Environment[];
  entities: GridEntity[];
}

// ---- Deployments ----

export type DeploymentState = 'draft' | 'executed' | 'rolled_back' | 'failed';
export const DEPLOYMENT_STATES: readonly DeploymentState[] = ['draft', 'executed', 'rolled_back', 'failed'];
export type ItemAction = 'create' | 'update' | 'delete' | 'unchanged';

export interface DiffEntry {
  path: string;
  from: unknown;
  to: unknown;
}

export interface Blocker {
  code: string;
  message: string;
  details?: unknown;
}

export interface ReportItem {
  type: EntityType;
  id: string;
  action: ItemAction;
  diff: DiffEntry[];
  blockers: Blocker[];
  sourceFingerprint?: string;
  targetFingerprint?: string;
}

export interface ChangeReport {
  deploymentId: string;
  sourceEnvironment: Environment | null;
  targetEnvironment: Environment;
  generatedAt: number;
  generatedBy: string;
  summary: Record<ItemAction, number>;
  blocked: boolean;
  blockerCount: number;
  items: ReportItem[];
}

export interface HistoryStep {
  step: 'created' | 'reported' | 'executed' | 'failed' | 'rolled_back' | string;
  actor: string;
  actorKind: string;
  at: number;
}

export interface Deployment {
  id: string;
  applicationId: string;
  name: string;
  description: string;
  source: 'environment' | 'import';
  sourceEnvironment: Environment | null;
  targetEnvironment: Environment;
  state: DeploymentState;
  failureReason: string | null;
  items: Array<{ type: EntityType; id: string; action: ItemAction | null }>;
  report: ChangeReport | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  history: HistoryStep[];
  /** Execute only: the generated webhook secrets, shown once. */
  secrets?: Record<string, string>;
  propagation?: { instances: number; reloaded: number; partial: boolean };
}

export interface DeploymentComment {
  id: string;
  deploymentId: string;
  body: string;
  author: string;
  authorKind: string;
  createdAt: number;
}

export interface NewDeployment {
  sourceEnvironment: Environment;
  targetEnvironment: Environment;
  items: Array<{ type: EntityType; id: string }>;
  name?: string;
  description?: string;
}

export const deploymentsApi = {
  grid: (type?: EntityType) => api.get<Grid>('/api/environments/grid', { query: { type } }),
  promote: (body: { type: EntityType; ids: string[]; from?: Environment; to: Environment }) =>
    api.post<Deployment>('/api/environments/promote', body),
  list: (state?: DeploymentState) => api.get<Deployment[]>('/api/deployments', { query: { state, limit: 100 } }),
  get: (id: string) => api.get<Deployment>(`/api/deployments/${enc(id)}`),
  create: (d: NewDeployment) => api.post<Deployment>('/api/deployments', d),
  remove: (id: string) => api.delete<unknown>(`/api/deployments/${enc(id)}`),
  report: (id: string) => api.post<ChangeReport>(`/api/deployments/${enc(id)}/report`, {}),
  execute: (id: string, secrets?: Record<string, string>) =>
    api.post<Deployment>(`/api/deployments/${enc(id)}/execute`, secrets ? { secrets } : {}),
  rollback: (id: string) => api.post<Deployment>(`/api/deployments/${enc(id)}/rollback`, {}),
  comments: (id: string) => api.get<DeploymentComment[]>(`/api/deployments/${enc(id)}/comments`),
  comment: (id: string, body: string) => api.post<DeploymentComment>(`/api/deployments/${enc(id)}/comments`, { body }),
  exportConfig: (environment: Environment) =>
    api.get<Record<string, unknown>>('/api/config/export', { query: { environment } }),
  importConfig: (environment: Environment, doc: unknown, opts: { dryRun: boolean; prune: boolean }) =>
    api.post<{ deployment: Deployment; report: ChangeReport }>('/api/config/import', doc, {
      query: { environment, dryRun: opts.dryRun, prune: opts.prune },
    }),
};

/** The change report a 409 (blocked promote / execute) carries, if any. */
export function reportOf(error: unknown): ChangeReport | null {
  const body = (error as { body?: Record<string, unknown> } | null)?.body;
  const r = body?.report ?? (body?.details as unknown);
  return r && typeof r === 'object' && 'items' in (r as object) ? (r as ChangeReport) : null;
}

/** The environment after `env` (promotion target), if any. */
export function nextEnvironment(env: Environment): Environment | null {
  return env === 'development' ? 'staging' : env === 'staging' ? 'production' : null;
}
