// 0011_traces, 0012_trace_decisions: event traces (docs/debugger.md "Traces"). Same SQL for SQLite
// and PostgreSQL.
#include "store/migrator.h"

namespace rt::store {

// event_traces: one row per (trace, instance): what one instance's local fan-out did with one
// event (remote = 1 when the event came from another instance through the broker). The API sums
// the instances' counts. payload is the envelope's payload (JSON text); timestamp the event's (ms).
Migration TracesMigration() {
  return {
      "0011_traces",
      R"sql(
CREATE TABLE event_traces (
  trace_id TEXT NOT NULL,
  instance TEXT NOT NULL,
  event_id TEXT NOT NULL,
  application_id TEXT NOT NULL,
  environment TEXT NOT NULL,
  topic TEXT NOT NULL,
  source TEXT NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}',
  timestamp BIGINT NOT NULL,
  remote INTEGER NOT NULL,
  subscriber_count BIGINT NOT NULL,
  delivered_count BIGINT NOT NULL,
  filtered_count BIGINT NOT NULL,
  PRIMARY KEY (trace_id, instance)
);
CREATE INDEX event_traces_scope_idx ON event_traces (application_id, environment, timestamp);
CREATE INDEX event_traces_time_idx ON event_traces (timestamp, trace_id);
)sql",
      "DROP TABLE IF EXISTS event_traces;",
  };
}

// What a trace adds to its counts: the active schema version the event passed (0: the topic has
// none) and the instance's per-subscription decisions (JSON {"decisions":[...],"omitted":n}).
Migration TraceDecisionsMigration() {
  return {
      "0012_trace_decisions",
      "ALTER TABLE event_traces ADD COLUMN schema_version BIGINT NOT NULL DEFAULT 0;\n"
      "ALTER TABLE event_traces ADD COLUMN decisions TEXT NOT NULL DEFAULT '{}';\n",
      "ALTER TABLE event_traces DROP COLUMN decisions; ALTER TABLE event_traces DROP COLUMN schema_version;",
  };
}

const std::vector<Migration>& TraceMigrations() {
  static const std::vector<Migration> migrations{TracesMigration(), TraceDecisionsMigration()};
  return migrations;
}

}  // namespace rt::store
