// 0010_monitoring: alert rules and their firing/resolved history, the analytics worker's
// per-minute rows and the leases that keep a cluster-wide task (the alert evaluator) on one
// instance (docs/monitoring.md). Same SQL for SQLite and PostgreSQL.
#include "store/migrator.h"

namespace rt::store {

// alert_rules: comparison is gt|gte|lt|lte|eq|neq; application_id / environment empty = every
// one (the rule's scope); webhook_id empty = no notification; builtin rules are the spec's
// defaults, created on first start (editable, not deletable).
// alerts: one row per firing, resolved in place (state firing|resolved); times in ms.
// analytics: one row per (topic, window start, instance); the API sums the instances. latency
// holds the fan-out latency histogram's bucket counts of the window (JSON array).
// leases: name -> holder until expires_at (ms); taken or renewed by a conditional upsert.
Migration MonitoringMigration() {
  return {
      "0010_monitoring",
      R"sql(
CREATE TABLE alert_rules (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  metric TEXT NOT NULL,
  comparison TEXT NOT NULL,
  threshold DOUBLE PRECISION NOT NULL,
  for_seconds BIGINT NOT NULL,
  severity TEXT NOT NULL,
  cooldown_seconds BIGINT NOT NULL,
  application_id TEXT NOT NULL DEFAULT '',
  environment TEXT NOT NULL DEFAULT '',
  webhook_id TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL,
  builtin INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX alert_rules_name_idx ON alert_rules (name);
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  rule_id TEXT NOT NULL,
  rule_name TEXT NOT NULL,
  metric TEXT NOT NULL,
  comparison TEXT NOT NULL,
  threshold DOUBLE PRECISION NOT NULL,
  severity TEXT NOT NULL,
  application_id TEXT NOT NULL DEFAULT '',
  environment TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  fired_at BIGINT NOT NULL,
  resolved_at BIGINT,
  resolved_value DOUBLE PRECISION,
  acknowledged_at BIGINT,
  acknowledged_by TEXT
);
CREATE INDEX alerts_fired_idx ON alerts (fired_at);
CREATE INDEX alerts_rule_idx ON alerts (rule_id, state);
CREATE TABLE analytics (
  topic TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  window_end BIGINT NOT NULL,
  instance TEXT NOT NULL,
  count BIGINT NOT NULL,
  count_database BIGINT NOT NULL,
  count_sync BIGINT NOT NULL,
  count_socket BIGINT NOT NULL,
  latency TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (topic, window_start, instance)
);
CREATE INDEX analytics_start_idx ON analytics (window_start);
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
)sql",
      "DROP TABLE IF EXISTS leases; DROP TABLE IF EXISTS analytics; DROP TABLE IF EXISTS alerts; "
      "DROP TABLE IF EXISTS alert_rules;",
  };
}

}  // namespace rt::store
