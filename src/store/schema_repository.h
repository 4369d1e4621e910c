// SchemaRepository: the `schemas` table, the schema registry of spec/18-api-schemas.md. Each
// row is one immutable version of one topic's JSON Schema in one scope (application,
// environment); versions are numbered 1, 2, 3, ... per topic. Plain persistence: validation and
// compatibility live in registry/schema_service.h.
//
// Failure: kNotFound for an unknown version, or on Append when the topic does not exist (or was
// deleted meanwhile); kConflict on Append when another version was registered since the caller
// read the latest (the caller re-reads and retries or reports); kUnavailable when the database
// is down. Thread safety: as the Db it wraps (safe from any thread; blocking).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/scope.h"
#include "store/db.h"

namespace rt::store {

struct SchemaVersion {
  Scope scope;
  std::string topic;
  int64_t version = 0;
  std::string definition;          // the JSON Schema document, serialized
  std::string compatibility_mode;  // as registered, e.g. "backward"
  int64_t created_at = 0;          // ms since epoch
};

class SchemaRepository {
 public:
  explicit SchemaRepository(Db& db) : db_(db) {}

  // The topic's versions, oldest first (empty when none are registered).
  Result<std::vector<SchemaVersion>> List(const Scope& scope, const std::string& topic);
  // kNotFound "Schema version not found: <topic> v<version>".
  Result<SchemaVersion> Get(const Scope& scope, const std::string& topic, int64_t version);
  // The newest version; kNotFound "No schema registered for topic: <topic>".
  Result<SchemaVersion> Latest(const Scope& scope, const std::string& topic);
  // Stores v as version `after + 1`, where `after` is the latest version the caller checked
  // against (0 when none). v.version is ignored; returns the stored row.
  Result<SchemaVersion> Append(SchemaVersion v, int64_t after);
  // The version each topic's activeSchemaVersion names (topics without one are left out),
  // for the publish gate's in-memory snapshot.
  Result<std::vector<SchemaVersion>> ListActive();
  // A cheap fingerprint of the table (count : max created_at), for cross-instance refresh.
  Result<std::string> Fingerprint();

 private:
  Db& db_;
};

}  // namespace rt::store
