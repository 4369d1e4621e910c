// SchemaGate: validates event payloads against their topic's active schema version
// (Topic.activeSchemaVersion, spec/03-core-concepts.md "Schema Validation in the Flow") before
// fan-out. The event router runs Check as a publish stage, so every source (REST, /ws,
// Socket.IO, channel messages, sync, later CDC and outbox) passes through it.
//
// Check answers from an in-memory snapshot, never from the database: for each (scope, topic)
// with activeSchemaVersion > 0, the compiled schema of that version (SchemaCache). A snapshot is
// immutable and swapped whole. Keeping it current, like TopicCatalog:
//   - TopicService and SchemaService call Refresh() after their writes (exact on this instance);
//   - the composition root calls RefreshIfChanged() every 2 s: it compares fingerprints of the
//     `topics` and `schemas` tables (writes by other instances) and reloads when they changed or
//     the snapshot is 60 s old.
// Before the first load nothing is enforced (Refresh once the platform database is ready).
//
// Thread safety: Check and the counters are non-blocking and safe from any thread (I/O threads
// included). Refresh/RefreshIfChanged block on the database; concurrent calls are serialized.
// Lifetime: the repositories and cache must outlive the gate.
// Failure: Check returns ValidationError "Payload does not match schema v<N> of topic <t>:
// /sessionId must be string; ..." (the first three violations, for the gateways' replies) with
// details {"errors":[{path,message}...], "topic", "schemaVersion"}; Refresh* return the database
// error and keep the previous snapshot (a version that does not compile is logged and skipped).
#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/scope.h"
#include "registry/schema_cache.h"
#include "store/schema_repository.h"
#include "store/topic_repository.h"

namespace rt::registry {

class SchemaGate {
 public:
  SchemaGate(store::SchemaRepository& schemas, store::TopicRepository& topics, SchemaCache& cache)
      : schemas_(schemas), topics_(topics), cache_(cache) {}

  // Ok when the topic has no active schema or payload conforms.
  Status Check(const Scope& scope, std::string_view topic, const boost::json::value& payload) const;
  // The same for an object payload (moved in and back out: no copy).
  Status Check(const Scope& scope, std::string_view topic, boost::json::object& payload) const;
  // Check without counting (no validations_, no failure metric): a verdict for someone who is
  // not publishing (the debugger's dry-run replay).
  Status Validate(const Scope& scope, std::string_view topic, const boost::json::value& payload) const;
  // The active version for (scope, topic), 0 when none (from the snapshot).
  int64_t ActiveVersion(const Scope& scope, std::string_view topic) const;

  Status Refresh();
  Status RefreshIfChanged();

  uint64_t validations() const { return validations_.load(std::memory_order_relaxed); }
  // Failures per topic name (all scopes together), sorted by topic.
  std::vector<std::pair<std::string, uint64_t>> FailuresByTopic() const;

 private:
  struct Active {
    int64_t version = 0;
    std::shared_ptr<const JsonSchema> schema;
  };
  using Snapshot = std::unordered_map<std::string, Active>;  // scope key \x1f topic -> active

  std::shared_ptr<const Snapshot> Current() const { return snapshot_.load(std::memory_order_acquire); }
  Status CheckAgainst(const Active& active, std::string_view topic, const boost::json::value& payload,
                      bool count = true) const;
  Status Load(std::string fingerprint);  // requires refresh_mu_
  Result<std::string> ReadFingerprint();
  void CountFailure(std::string_view topic) const;

  store::SchemaRepository& schemas_;
  store::TopicRepository& topics_;
  SchemaCache& cache_;

  // Read on every publish: an atomic load, no mutex (publishers on all I/O threads share it).
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_{std::make_shared<const Snapshot>()};
  mutable std::atomic<uint64_t> validations_{0};
  mutable std::mutex failures_mu_;
  mutable std::map<std::string, uint64_t, std::less<>> failures_;  // guarded by failures_mu_

  std::mutex refresh_mu_;
  std::string fingerprint_;                            // guarded by refresh_mu_
  std::chrono::steady_clock::time_point loaded_at_{};  // guarded by refresh_mu_
};

}  // namespace rt::registry
