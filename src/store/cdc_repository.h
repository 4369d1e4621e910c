// CdcRepository: the tables of migration 0008_cdc (spec/15-api-database.md, docs/database.md).
//
// cdc_mappings: one row per (mapping id, environment): the environment's running definition
// (cdc::MappingToJson, serialized; opaque here), its version and active flag. A mapping id is
// shared by the environments of one application (promotion copies a row to the next one).
// cdc_mapping_versions: the snapshot of every version a row has run (upserted: a promotion may
// bring a number the target had before). cdc_subscriptions: at most one per (mapping,
// environment); a mapping with none streams, one whose subscription is inactive does not.
// cdc_events: the captured-event log, kept after its mapping is deleted until PruneEvents.
// Deleting the application deletes its mappings, versions and subscriptions.
//
// Plain persistence: validation lives in cdc::MappingService. Failure: inserts are kConflict for
// a taken key and kNotFound when the application does not exist; kUnavailable when the database
// is down. "Not found" elsewhere is an empty optional or false, not an error.
// Thread safety: as the Db it wraps (safe from any thread; blocking).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace rt::store {

struct MappingRow {
  std::string id, application_id, environment;
  std::string table, topic;  // repeated from the definition (queries by topic, the status grid)
  std::string definition;    // serialized JSON (cdc::MappingToJson)
  int64_t version = 1;
  bool active = true;
  int64_t created_at = 0, updated_at = 0;  // ms since epoch
};

struct MappingVersionRow {
  std::string mapping_id, application_id, environment;
  int64_t version = 0;
  std::string definition;
  int64_t created_at = 0;
};

struct CdcSubscriptionRow {
  std::string id, application_id, environment, mapping_id;
  bool active = true;
  int64_t created_at = 0, updated_at = 0;
};

// One captured (or failed) event, as the reader records it.
struct CdcEventRow {
  std::string event_id, application_id, environment, mapping_id, table, operation, topic, status, error, lsn;
  int64_t at = 0;  // ms; stored as created_at
  std::string id;  // log_...; RecordEvents assigns one when empty
};

struct CdcEventQuery {
  std::string application_id, environment;    // required
  std::string operation, mapping_id, status;  // optional filters ("" = any)
  int64_t before = 0;                         // only events created before this (ms); 0 = newest
  int limit = 100;                            // <= 0: 100; capped at 1000
};

class CdcRepository {
 public:
  explicit CdcRepository(Db& db) : db_(db) {}

  // Inserts the row and its version snapshot in one transaction.
  Status InsertMapping(const MappingRow& row);
  Result<std::optional<MappingRow>> GetMapping(const std::string& app, const std::string& env, const std::string& id);
  // The scope's mappings, oldest first; ByTopic those of one topic.
  Result<std::vector<MappingRow>> ListMappings(const std::string& app, const std::string& env);
  Result<std::vector<MappingRow>> ListMappingsByTopic(const std::string& app, const std::string& env,
                                                      const std::string& topic);
  // Every environment's rows of the application (the status grid), oldest first.
  Result<std::vector<MappingRow>> ListApplicationMappings(const std::string& app);
  // Replaces table, topic, definition, version, active and updated_at of the row (id,
  // application, environment) if it still runs expected_version, and upserts the version
  // snapshot, in one transaction. false when no such row runs expected_version.
  Result<bool> UpdateMapping(const MappingRow& row, int64_t expected_version);
  // Creates or replaces the row (id, environment) of row.application_id with the snapshot (a
  // promotion). kConflict when the id is taken in that environment by another application.
  Status PutMapping(const MappingRow& row);
  // Deletes the row with its versions and subscriptions in that environment; false when none.
  Result<bool> DeleteMapping(const std::string& app, const std::string& env, const std::string& id);
  // The row's versions, oldest first.
  Result<std::vector<MappingVersionRow>> ListVersions(const std::string& app, const std::string& env,
                                                      const std::string& id);

  // kConflict when the mapping already has a subscription in that environment.
  Status InsertSubscription(const CdcSubscriptionRow& row);
  Result<std::optional<CdcSubscriptionRow>> GetSubscription(const std::string& app, const std::string& env,
                                                            const std::string& id);
  Result<std::vector<CdcSubscriptionRow>> ListSubscriptions(const std::string& app, const std::string& env);
  Result<bool> SetSubscriptionActive(const std::string& app, const std::string& env, const std::string& id,
                                     bool active, int64_t now);

  // Every scope's mappings that stream: active, and without a subscription or with an active
  // one. Ordered by application, environment, created_at, id.
  Result<std::vector<MappingRow>> CapturedMappings();
  // Changes whenever a mapping or subscription is inserted, updated or deleted (counts, sums of
  // updated_at, version and active), for cross-instance refresh.
  Result<std::string> Fingerprint();

  // In one transaction; a repeated id is ignored.
  Status RecordEvents(const std::vector<CdcEventRow>& events);
  // The outcomes of one transaction of a CDC target and its commit LSN as the target's routed
  // position, in one database transaction: after a crash the reader skips transactions at or
  // below the position (their events were routed already), so a replay publishes nothing twice.
  // commit_lsn 0: a chunk of a transaction still streaming; the position does not move. A row
  // without an id gets one derived from its event id, so a replayed outcome is not logged twice.
  Status RecordTransaction(const std::vector<CdcEventRow>& events, const std::string& target, int64_t commit_lsn);
  // The target's routed position (0 when none).
  Result<int64_t> RoutedPosition(const std::string& target);
  // Newest first (created_at, then id, descending). kValidation without a scope.
  Result<std::vector<CdcEventRow>> ListEvents(const CdcEventQuery& query);
  // Deletes events created before before_ms, then the oldest beyond the newest max_rows
  // (max_rows <= 0: no cap), in batches (one transaction each); returns the number deleted.
  Result<int64_t> PruneEvents(int64_t before_ms, int64_t max_rows);

 private:
  Result<int64_t> DeleteEventsWhere(const std::string& condition, const DbParams& params);

  Db& db_;
};

}  // namespace rt::store
