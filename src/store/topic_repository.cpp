#include "store/topic_repository.h"

#include <algorithm>
#include <tuple>

namespace rt::store {
namespace {

constexpr const char* kColumns =
    "application_id, environment, name, description, owner, active_schema_version, created_at, updated_at";

Topic FromRow(const std::vector<DbValue>& row) {
  Topic t;
  t.scope.application_id = AsString(row[0]);
  t.scope.environment = AsString(row[1]);
  t.name = AsString(row[2]);
  t.description = AsString(row[3]);
  t.owner = AsString(row[4]);
  t.active_schema_version = AsInt(row[5]);
  t.created_at = AsInt(row[6]);
  t.updated_at = AsInt(row[7]);
  return t;
}

// Sorted here, byte-wise, rather than by ORDER BY: PostgreSQL's collation (e.g. en_US ignores
// dots) would order names differently from SQLite.
Result<std::vector<Topic>> SortedRows(Result<DbResult> r) {
  if (!r.ok()) return r.take_error();
  std::vector<Topic> out;
  out.reserve(r->rows.size());
  for (auto& row : r->rows) out.push_back(FromRow(row));
  std::sort(out.begin(), out.end(), [](const Topic& a, const Topic& b) {
    return std::tie(a.scope.application_id, a.scope.environment, a.name) <
           std::tie(b.scope.application_id, b.scope.environment, b.name);
  });
  return out;
}

}  // namespace

Error TopicNotFound(const std::string& name) { return Error::NotFound("Topic not found: " + name); }

Result<std::vector<Topic>> TopicRepository::List(const Scope& scope) {
  return SortedRows(
      db_.Exec(std::string("SELECT ") + kColumns + " FROM topics WHERE application_id = $1 AND environment = $2",
               {scope.application_id, scope.environment}));
}

Result<Topic> TopicRepository::Get(const Scope& scope, const std::string& name) {
  auto r = db_.Exec(
      std::string("SELECT ") + kColumns + " FROM topics WHERE application_id = $1 AND environment = $2 AND name = $3",
      {scope.application_id, scope.environment, name});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return TopicNotFound(name);
  return FromRow(r->rows[0]);
}

Status TopicRepository::Insert(const Topic& t) {
  auto r = db_.Exec(std::string("INSERT INTO topics (") + kColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    {t.scope.application_id, t.scope.environment, t.name, t.description, t.owner,
                     t.active_schema_version, t.created_at, t.updated_at});
  if (r.ok()) return Ok();
  switch (r.error().code) {
    case ErrorCode::kConflict:
      return Error::Conflict("Topic already exists: " + t.name);
    case ErrorCode::kValidation:  // the foreign key: the application is gone
      return Error::NotFound("Application not found: " + t.scope.application_id);
    default:
      return r.take_error();
  }
}

Status TopicRepository::Update(const Topic& t) {
  auto r = db_.Exec(
      "UPDATE topics SET description = $4, owner = $5, active_schema_version = $6, updated_at = $7 "
      "WHERE application_id = $1 AND environment = $2 AND name = $3",
      {t.scope.application_id, t.scope.environment, t.name, t.description, t.owner, t.active_schema_version,
       t.updated_at});
  if (!r.ok()) return r.take_error();
  if (r->affected_rows == 0) return TopicNotFound(t.name);
  return Ok();
}

Status TopicRepository::Delete(const Scope& scope, const std::string& name) {
  auto r = db_.Exec("DELETE FROM topics WHERE application_id = $1 AND environment = $2 AND name = $3",
                    {scope.application_id, scope.environment, name});
  if (!r.ok()) return r.take_error();
  if (r->affected_rows == 0) return TopicNotFound(name);
  return Ok();
}

Result<std::vector<Topic>> TopicRepository::ListAll() {
  return SortedRows(db_.Exec(std::string("SELECT ") + kColumns + " FROM topics"));
}

Result<std::string> TopicRepository::Fingerprint() {
  // The sum catches an update of any row, also one whose new updated_at does not exceed the
  // newest row's (MAX alone would miss it until the periodic full reload).
  auto r = db_.Exec("SELECT COUNT(*), COALESCE(MAX(updated_at), 0), COALESCE(SUM(updated_at), 0) FROM topics");
  if (!r.ok()) return r.take_error();
  const auto& row = r->rows[0];
  return AsString(row[0]) + ":" + AsString(row[1]) + ":" + AsString(row[2]);
}

}  // namespace rt::store
