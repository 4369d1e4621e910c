// The platform schema, oldest first. Never edit a migration that has shipped: add a new one.
// SQL keeps to what SQLite and PostgreSQL share; JSON is stored as TEXT, times as BIGINT ms.
#include "store/migrator.h"

namespace rt::store {

namespace {

// 0006_jobs: the dialects differ only in the type of the ordering column.
std::string JobsTable(const char* seq_column) {
  return std::string("\nCREATE TABLE jobs (\n  seq ") + seq_column + "," + R"sql(
  id TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  visible_at BIGINT NOT NULL,
  lease_token TEXT,
  worker_id TEXT,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_claim_idx ON jobs (queue, state, visible_at);
CREATE INDEX jobs_dead_idx ON jobs (queue, state, updated_at);
)sql";
}

}  // namespace

Migration MonitoringMigration();  // store/migrations_monitoring.cpp
Migration TracesMigration();      // store/migrations_traces.cpp
Migration TraceDecisionsMigration();  // store/migrations_traces.cpp
Migration DeploymentsMigration();     // store/migrations_deployments.cpp

const std::vector<Migration>& PlatformMigrations() {
  static const std::vector<Migration> kMigrations = {
      {
          "0001_applications",
          R"sql(
CREATE TABLE applications (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  config TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX applications_name_idx ON applications (name);
)sql",
          "DROP TABLE IF EXISTS applications;",
      },
      {
          "0002_signing_keys",
          R"sql(
CREATE TABLE signing_keys (
  key_id TEXT PRIMARY KEY,
  algorithm TEXT NOT NULL DEFAULT 'HS256',
  secret TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  deactivated_at BIGINT
);
)sql",
          "DROP TABLE IF EXISTS signing_keys;",
      },
      {
          // Topic registry (spec/22-api-topics.md), scoped by (application, environment).
          // Deleting an application deletes its topics.
          "0003_topics",
          R"sql(
CREATE TABLE topics (
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  owner TEXT NOT NULL,
  active_schema_version INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (application_id, environment, name)
);
)sql",
          "DROP TABLE IF EXISTS topics;",
      },
      {
          // Sync documents (spec/21-api-sync.md) scoped by (application, environment), and the
          // service namespaces of spec/19-api-services.md (per application). Document ids sort
          // byte-wise on both engines (COLLATE "C" on PostgreSQL) so that list cursors agree.
          "0004_sync",
          R"sql(
CREATE TABLE services (
  id TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX services_name_idx ON services (application_id, name);
CREATE TABLE sync_documents (
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  service TEXT NOT NULL,
  id TEXT NOT NULL,
  revision BIGINT NOT NULL,
  data TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  expires_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (application_id, environment, service, id)
);
CREATE INDEX sync_documents_expires_idx ON sync_documents (expires_at);
)sql",
          "DROP TABLE IF EXISTS sync_documents; DROP TABLE IF EXISTS services;",
          R"sql(
CREATE TABLE services (
  id TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX services_name_idx ON services (application_id, name);
CREATE TABLE sync_documents (
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  service TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  revision BIGINT NOT NULL,
  data TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  expires_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (application_id, environment, service, id)
);
CREATE INDEX sync_documents_expires_idx ON sync_documents (expires_at);
)sql",
      },
      {
          // Schema registry (spec/18-api-schemas.md): immutable, numbered JSON Schema versions of
          // a topic, scoped like topics. Deleting the topic (or its application) deletes them.
          "0005_schemas",
          R"sql(
CREATE TABLE schemas (
  application_id TEXT NOT NULL,
  environment TEXT NOT NULL,
  topic TEXT NOT NULL,
  version INTEGER NOT NULL,
  definition TEXT NOT NULL,
  compatibility_mode TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (application_id, environment, topic, version),
  FOREIGN KEY (application_id, environment, topic)
    REFERENCES topics (application_id, environment, name) ON DELETE CASCADE
);
)sql",
          "DROP TABLE IF EXISTS schemas;",
      },
      {
          // Durable job queue (jobs/db_queue.h, docs/jobs.md). state: queued | leased | dead;
          // visible_at is when a queued job may run or when a lease expires; completed jobs are
          // deleted; seq keeps enqueue order (FIFO among jobs visible at the same time). The claim index serves "queue's claimable jobs, oldest visible_at first".
          "0006_jobs",
          JobsTable("INTEGER PRIMARY KEY AUTOINCREMENT"),
          "DROP TABLE IF EXISTS jobs;",
          JobsTable("BIGSERIAL PRIMARY KEY"),
      },
      {
          // Webhooks (spec/23-api-webhooks.md, docs/webhooks.md): endpoints scoped like topics
          // (the secret encrypted by webhooks/secret_box.h), one delivery log row per delivered
          // event and endpoint plus one row per attempt, and the worker heartbeats behind
          // GET /api/workers. jobs.group_key serializes jobs of one group (FIFO endpoints): a job
          // is not claimed while an earlier job of its group is queued or leased.
          "0007_webhooks",
          R"sql(
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL,
  topics TEXT NOT NULL,
  active INTEGER NOT NULL,
  signature_scheme TEXT NOT NULL,
  max_concurrency INTEGER NOT NULL,
  ordering TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_scope_idx ON webhook_endpoints (application_id, environment);
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL,
  application_id TEXT NOT NULL,
  environment TEXT NOT NULL,
  event TEXT NOT NULL,
  event_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  url TEXT NOT NULL,
  job_id TEXT NOT NULL,
  status TEXT NOT NULL,
  status_code INTEGER,
  success INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  duration_ms BIGINT NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  response_body TEXT NOT NULL DEFAULT '',
  next_attempt_at BIGINT,
  delivered_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_scope_idx ON webhook_deliveries (application_id, environment, created_at);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at);
CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  status_code INTEGER,
  duration_ms BIGINT NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  response_body TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);
CREATE TABLE workers (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  version TEXT NOT NULL,
  queues TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  last_beat BIGINT NOT NULL,
  stopped_at BIGINT
);
ALTER TABLE jobs ADD COLUMN group_key TEXT;
CREATE INDEX jobs_group_idx ON jobs (group_key, seq);
)sql",
          "DROP TABLE IF EXISTS workers; DROP TABLE IF EXISTS webhook_attempts; DROP TABLE IF EXISTS "
          "webhook_deliveries; DROP TABLE IF EXISTS webhook_endpoints; DROP INDEX IF EXISTS jobs_group_idx; "
          "ALTER TABLE jobs DROP COLUMN group_key;",
      },
      {
          // Database CDC (spec/15, docs/database.md). A mapping id is shared by the environments;
          // each environment has its own row (its running definition and version). table_name and
          // topic repeat the definition's fields for the queries by topic and the status grid.
          // cdc_events are the captured-event log; like webhook logs they outlive their mapping.
          "0008_cdc",
          R"sql(
CREATE TABLE cdc_mappings (
  id TEXT NOT NULL,
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  table_name TEXT NOT NULL,
  topic TEXT NOT NULL,
  definition TEXT NOT NULL,
  version BIGINT NOT NULL,
  active INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (id, environment)
);
CREATE INDEX cdc_mappings_scope_idx ON cdc_mappings (application_id, environment);
CREATE TABLE cdc_mapping_versions (
  mapping_id TEXT NOT NULL,
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  version BIGINT NOT NULL,
  definition TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (mapping_id, environment, version)
);
CREATE TABLE cdc_subscriptions (
  id TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  mapping_id TEXT NOT NULL,
  active INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX cdc_subscriptions_mapping_idx ON cdc_subscriptions (application_id, mapping_id, environment);
CREATE TABLE cdc_events (
  id TEXT PRIMARY KEY,
  application_id TEXT NOT NULL,
  environment TEXT NOT NULL,
  event_id TEXT NOT NULL,
  mapping_id TEXT NOT NULL,
  table_name TEXT NOT NULL,
  operation TEXT NOT NULL,
  topic TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  lsn TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX cdc_events_scope_idx ON cdc_events (application_id, environment, created_at);
CREATE INDEX cdc_events_created_idx ON cdc_events (created_at);
CREATE TABLE cdc_reader_positions (
  target TEXT PRIMARY KEY,
  routed_lsn BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
)sql",
          "DROP TABLE IF EXISTS cdc_reader_positions; DROP TABLE IF EXISTS cdc_events; DROP TABLE IF EXISTS cdc_subscriptions; "
          "DROP TABLE IF EXISTS cdc_mapping_versions; DROP TABLE IF EXISTS cdc_mappings;",
      },
      {
          // Admin identity (spec/13, spec/14, docs/security.md; store/identity_repository.h).
          // users.email_key is the lower-cased email (unique: emails are case-insensitive);
          // totp_secret is sealed by the secret box; tokens of sessions, invites and resets are
          // stored only as SHA-256 hex. Built-in roles live in code (identity/rbac.h): roles holds
          // custom roles only and user_roles.role_id is therefore not a foreign key. sessions.kind
          // is 'session' or 'mfa' (the token between the password and the TOTP step).
          "0009_identity",
          R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  email_key TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  mfa_enabled INTEGER NOT NULL DEFAULT 0,
  totp_secret TEXT NOT NULL DEFAULT '',
  totp_last_step BIGINT NOT NULL DEFAULT -1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_login_at BIGINT
);
CREATE UNIQUE INDEX users_email_idx ON users (email_key);
CREATE TABLE recovery_codes (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  used_at BIGINT,
  PRIMARY KEY (user_id, code_hash)
);
CREATE TABLE roles (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  permissions TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX roles_name_idx ON roles (name);
CREATE TABLE user_roles (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role_idx ON user_roles (role_id);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX sessions_token_idx ON sessions (token_hash);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE TABLE invites (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  role_id TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  status TEXT NOT NULL,
  invited_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  accepted_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX invites_token_idx ON invites (token_hash);
CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  action TEXT NOT NULL,
  resource TEXT NOT NULL,
  resource_id TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_resource_idx ON audit_log (resource, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at);
)sql",
          "DROP TABLE IF EXISTS audit_log; DROP TABLE IF EXISTS password_resets; DROP TABLE IF EXISTS invites; "
          "DROP TABLE IF EXISTS sessions; DROP TABLE IF EXISTS user_roles; DROP TABLE IF EXISTS roles; "
          "DROP TABLE IF EXISTS recovery_codes; DROP TABLE IF EXISTS users;",
      },
      MonitoringMigration(),
      TracesMigration(),
      TraceDecisionsMigration(),
      DeploymentsMigration(),
  };
  return kMigrations;
}

}  // namespace rt::store
