// TraceRepository: the `event_traces` table of migration 0011_traces (docs/debugger.md
// "Traces"), written in batches by the trace recorder (monitor/trace_recorder.h) and read by
// GET /api/debugger/traces[/:traceId].
//
// Each instance writes its own row per traced event: what its local fan-out did (subscribers,
// deliveries, filtered). Every instance derives the same trace id from the event id, so the rows
// of one event share it; List sums them, Get returns them one by one.
//
// Failure: kUnavailable when the database is down; WriteBatch is one transaction (all rows or
// none) and replaces rows by (trace_id, instance), so a retry is harmless.
// Thread safety: as the Db it wraps (safe from any thread; blocking). Ownership: references the
// Db, which must outlive it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace rt::store {

struct TraceRow {
  std::string trace_id;  // "trace_<event id without evt_>"
  std::string instance;  // the writer ("" in List results: summed over instances)
  std::string event_id, application_id, environment, topic, source, type;
  std::string payload = "{}";  // the event's payload (JSON text)
  int64_t timestamp = 0;       // the event's (ms since epoch)
  bool remote = false;         // received from another instance (false in List results)
  int64_t subscriber_count = 0, delivered_count = 0, filtered_count = 0;
  int64_t schema_version = 0;     // the active schema version the event passed (0: none)
  std::string decisions = "{}";   // this instance's {"decisions":[...],"omitted":n} ("{}" in List results)

  bool operator==(const TraceRow&) const = default;
};

struct TraceQuery {
  std::string application_id, environment;  // the caller's scope (required)
  std::optional<std::string> topic, source;  // exact matches when set
  int limit = 50;                            // 1..1000 (the API checks)
  int offset = 0;
};

class TraceRepository {
 public:
  explicit TraceRepository(Db& db) : db_(db) {}

  // Inserts the rows, replacing any with the same (trace_id, instance). One transaction.
  Status WriteBatch(const std::vector<TraceRow>& rows);
  // One row per trace of the scope (counts summed over instances), newest first (timestamp, then
  // trace id, descending), after skipping `offset` traces.
  Result<std::vector<TraceRow>> List(const TraceQuery& query);
  // The rows of one trace in the scope, one per instance (by instance); empty when unknown.
  Result<std::vector<TraceRow>> Get(const std::string& application_id, const std::string& environment,
                                    const std::string& trace_id);
  // Deletes the traces older than before_ms, then all but the newest max_traces traces (every
  // instance's row of a trace goes together). Returns the rows deleted.
  Result<int64_t> Prune(int64_t before_ms, int64_t max_traces);

 private:
  Db& db_;
};

// "trace_" + the event id without its "evt_" prefix (the whole id when it has none).
std::string TraceIdFor(const std::string& event_id);

}  // namespace rt::store
