// Shapes of the server's answers (docs/security.md, docs/schemas.md, docs/monitoring.md, README).

export interface RoleRef {
  id: string;
  name: string;
}

export interface User {
  id: string;
  name: string;
  email: string;
  disabled: boolean;
  mfaEnabled: boolean;
  roles: RoleRef[];
  createdAt: number;
  updatedAt: number;
  lastLoginAt?: number | null;
}

export interface Permission {
  resource: string;
  action: string;
}

export interface Me extends User {
  permissions: Permission[];
}

export interface SessionAnswer {
  sessionToken: string;
  expiresAt: number;
  user: User;
}

export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
  expiresAt: number;
}

export type LoginAnswer = SessionAnswer | MfaChallenge;

export interface MfaSetup {
  secret: string;
  otpauthUrl: string;
  qrCode: string;
}

export interface MfaConfirmed {
  enabled: true;
  recoveryCodes: string[];
}

export interface InviteInfo {
  email: string;
  roleId: string;
  roleName: string;
}

export interface Application {
  id: string;
  name: string;
  description: string;
  config: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface Topic {
  name: string;
  description: string;
  owner: string;
  activeSchemaVersion: number;
  applicationId: string;
  environment: string;
  createdAt: number;
  updatedAt: number;
}

export const COMPATIBILITY_MODES = [
  'backward',
  'forward',
  'full',
  'none',
  'backward_transitive',
  'forward_transitive',
  'full_transitive',
] as const;
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];

export interface SchemaVersion {
  topic: string;
  version: number;
  schema: unknown;
  compatibilityMode: CompatibilityMode;
  createdAt: number;
}

export interface ValidationIssue {
  path: string;
  message: string;
}

export interface ValidateAnswer {
  valid: boolean;
  errors?: ValidationIssue[];
}

export interface DashboardMetrics {
  delivery: {
    activeConnections: number;
    reconnectRate: number;
    eventsInPerSec: number;
    eventsOutPerSec: number;
    fanoutLatencyP50: number;
    fanoutLatencyP95: number;
    fanoutLatencyP99: number;
  };
  pipeline: {
    cdcLag: number;
    outboxLag: number;
    eventsCapturedPerSec: number;
    eventsRoutedPerSec: number;
    mappingFailures: number;
    schemaValidationFailures: number;
  };
  reliability: {
    queueDepth: number;
    retryCount: number;
    dlqSize: number;
    webhookSuccessRate: number;
    webhookFailureRate: number;
  };
  instances?: Array<{
    id: string;
    kind: 'serve' | 'worker';
    at: number;
    activeConnections: number;
    eventsInPerSec: number;
    eventsOutPerSec: number;
  }>;
}

export interface HotTopic {
  topic: string;
  eventsPerSec: number;
  subscriberCount: number;
  p95FanoutLatency: number;
}
