#include "store/schema_repository.h"

namespace rt::store {
namespace {

constexpr const char* kColumns =
    "s.application_id, s.environment, s.topic, s.version, s.definition, s.compatibility_mode, s.created_at";

SchemaVersion FromRow(const std::vector<DbValue>& row) {
  SchemaVersion v;
  v.scope.application_id = AsString(row[0]);
  v.scope.environment = AsString(row[1]);
  v.topic = AsString(row[2]);
  v.version = AsInt(row[3]);
  v.definition = AsString(row[4]);
  v.compatibility_mode = AsString(row[5]);
  v.created_at = AsInt(row[6]);
  return v;
}

Result<std::vector<SchemaVersion>> Rows(Result<DbResult> r) { return MapRows(std::move(r), FromRow); }

}  // namespace

Result<std::vector<SchemaVersion>> SchemaRepository::List(const Scope& scope, const std::string& topic) {
  return Rows(db_.Exec(std::string("SELECT ") + kColumns +
                           " FROM schemas s WHERE s.application_id = $1 AND s.environment = $2 AND s.topic = $3"
                           " ORDER BY s.version",
                       {scope.application_id, scope.environment, topic}));
}

Result<SchemaVersion> SchemaRepository::Get(const Scope& scope, const std::string& topic, int64_t version) {
  auto rows = Rows(db_.Exec(std::string("SELECT ") + kColumns +
                                " FROM schemas s WHERE s.application_id = $1 AND s.environment = $2 AND s.topic = $3"
                                " AND s.version = $4",
                            {scope.application_id, scope.environment, topic, version}));
  if (!rows.ok()) return rows.take_error();
  if (rows->empty()) return Error::NotFound("Schema version not found: " + topic + " v" + std::to_string(version));
  return std::move((*rows)[0]);
}

Result<SchemaVersion> SchemaRepository::Latest(const Scope& scope, const std::string& topic) {
  auto rows = Rows(db_.Exec(std::string("SELECT ") + kColumns +
                                " FROM schemas s WHERE s.application_id = $1 AND s.environment = $2 AND s.topic = $3"
                                " ORDER BY s.version DESC LIMIT 1",
                            {scope.application_id, scope.environment, topic}));
  if (!rows.ok()) return rows.take_error();
  if (rows->empty()) return Error::NotFound("No schema registered for topic: " + topic);
  return std::move((*rows)[0]);
}

Result<SchemaVersion> SchemaRepository::Append(SchemaVersion v, int64_t after) {
  v.version = after + 1;
  auto r = db_.Exec(
      "INSERT INTO schemas (application_id, environment, topic, version, definition, compatibility_mode, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {v.scope.application_id, v.scope.environment, v.topic, v.version, v.definition, v.compatibility_mode,
       v.created_at});
  if (r.ok()) return v;
  switch (r.error().code) {
    case ErrorCode::kConflict:
      return Error::Conflict("Another version of the schema of " + v.topic +
                             " was registered at the same time; retry (compatibility is checked against it)");
    case ErrorCode::kValidation:  // the foreign key: the topic is gone
      return Error::NotFound("Topic not found: " + v.topic);
    default:
      return r.take_error();
  }
}

Result<std::vector<SchemaVersion>> SchemaRepository::ListActive() {
  return Rows(db_.Exec(std::string("SELECT ") + kColumns +
                       " FROM schemas s JOIN topics t ON t.application_id = s.application_id"
                       " AND t.environment = s.environment AND t.name = s.topic"
                       " AND t.active_schema_version = s.version"));
}

Result<std::string> SchemaRepository::Fingerprint() {
  auto r = db_.Exec("SELECT COUNT(*), COALESCE(MAX(created_at), 0) FROM schemas");
  if (!r.ok()) return r.take_error();
  return AsString(r->rows[0][0]) + ":" + AsString(r->rows[0][1]);
}

}  // namespace rt::store
