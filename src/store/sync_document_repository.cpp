#include "store/sync_document_repository.h"

#include "core/json.h"

namespace rt::store {
namespace {

constexpr const char* kColumns =
    "application_id, environment, service, id, revision, data, deleted, expires_at, created_at, updated_at";
constexpr const char* kWhereKey = "application_id = $1 AND environment = $2 AND service = $3 AND id = $4";

Result<SyncDocument> FromRow(const std::vector<DbValue>& row) {
  SyncDocument d;
  d.key.scope.application_id = AsString(row[0]);
  d.key.scope.environment = AsString(row[1]);
  d.key.service = AsString(row[2]);
  d.key.id = AsString(row[3]);
  d.revision = AsInt(row[4]);
  auto data = json::ParseObject(AsString(row[5]));
  if (!data.ok()) return Error::Internal("sync_documents row " + d.key.id + " holds invalid JSON");
  d.data = std::move(*data);
  d.deleted = AsBool(row[6]);
  if (!IsNull(row[7])) d.expires_at = AsInt(row[7]);
  d.created_at = AsInt(row[8]);
  d.updated_at = AsInt(row[9]);
  return d;
}

// The compare-and-swap write: RowParams + the expected revision as $11.
const std::string& UpdateIfSql() {
  static const std::string sql = std::string(
                                     "UPDATE sync_documents SET revision = $5, data = $6, deleted = $7, expires_at = $8, "
                                     "created_at = $9, updated_at = $10 WHERE ") +
                                 kWhereKey + " AND revision = $11";
  return sql;
}

DbParams KeyParams(const DocKey& k) { return {k.scope.application_id, k.scope.environment, k.service, k.id}; }

// All ten columns in kColumns order.
DbParams RowParams(const SyncDocument& d) {
  DbParams p;
  p.reserve(11);
  p.emplace_back(d.key.scope.application_id);
  p.emplace_back(d.key.scope.environment);
  p.emplace_back(d.key.service);
  p.emplace_back(d.key.id);
  p.emplace_back(d.revision);
  p.emplace_back(json::Serialize(d.data));
  p.emplace_back(int64_t{d.deleted ? 1 : 0});
  if (d.expires_at) {
    p.emplace_back(*d.expires_at);
  } else {
    p.emplace_back(std::monostate{});
  }
  p.emplace_back(d.created_at);
  p.emplace_back(d.updated_at);
  return p;
}

}  // namespace

Result<std::optional<SyncDocument>> SyncDocumentRepository::Get(const DocKey& key) {
  auto r = db_.Exec(std::string("SELECT ") + kColumns + " FROM sync_documents WHERE " + kWhereKey, KeyParams(key));
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return std::optional<SyncDocument>();
  auto d = FromRow(r->rows[0]);
  if (!d.ok()) return d.take_error();
  return std::optional<SyncDocument>(std::move(*d));
}

Result<bool> SyncDocumentRepository::Insert(const SyncDocument& doc) {
  auto r = db_.Exec(std::string("INSERT INTO sync_documents (") + kColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    RowParams(doc));
  if (r.ok()) return true;
  if (r.error().code == ErrorCode::kConflict) return false;
  return r.take_error();
}

Result<bool> SyncDocumentRepository::UpdateIf(const SyncDocument& doc, int64_t expected_revision) {
  DbParams p = RowParams(doc);
  p.emplace_back(expected_revision);
  auto r = db_.Exec(UpdateIfSql(), p);
  if (!r.ok()) return r.take_error();
  return r->affected_rows == 1;
}

Result<bool> SyncDocumentRepository::SwapIn(DbSession& session, const SyncDocument& doc, int64_t expected_revision) {
  DbParams p = RowParams(doc);
  if (expected_revision == 0) {
    // ON CONFLICT DO NOTHING, not a caught unique violation: on PostgreSQL a violation would
    // abort the whole transaction, i.e. every other swap of the batch.
    auto r = session.Exec(std::string("INSERT INTO sync_documents (") + kColumns +
                              ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                              "ON CONFLICT (application_id, environment, service, id) DO NOTHING",
                          p);
    if (!r.ok()) return r.take_error();
    return r->affected_rows == 1;
  }
  p.emplace_back(expected_revision);
  auto r = session.Exec(UpdateIfSql(), p);
  if (!r.ok()) return r.take_error();
  return r->affected_rows == 1;
}

Status SyncDocumentRepository::UpsertIfNewer(const SyncDocument& doc) {
  auto r = db_.Exec(std::string("INSERT INTO sync_documents (") + kColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                        "ON CONFLICT (application_id, environment, service, id) DO UPDATE SET "
                        "revision = excluded.revision, data = excluded.data, deleted = excluded.deleted, "
                        "expires_at = excluded.expires_at, created_at = excluded.created_at, "
                        "updated_at = excluded.updated_at WHERE sync_documents.revision < excluded.revision",
                    RowParams(doc));
  if (!r.ok()) return r.take_error();
  return Ok();
}

Result<std::vector<SyncDocument>> SyncDocumentRepository::List(const Scope& scope, const std::string& service,
                                                               const std::string& after, size_t limit,
                                                               int64_t now_ms) {
  auto r = db_.Exec(std::string("SELECT ") + kColumns +
                        " FROM sync_documents WHERE application_id = $1 AND environment = $2 AND service = $3 "
                        "AND id > $4 AND deleted = 0 AND (expires_at IS NULL OR expires_at > $5) "
                        "ORDER BY id LIMIT $6",
                    {scope.application_id, scope.environment, service, after, now_ms, static_cast<int64_t>(limit)});
  if (!r.ok()) return r.take_error();
  std::vector<SyncDocument> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) {
    auto d = FromRow(row);
    if (!d.ok()) return d.take_error();
    out.push_back(std::move(*d));
  }
  return out;
}

Status SyncDocumentRepository::DeleteThrough(const DocKey& key, int64_t max_revision) {
  DbParams p = KeyParams(key);
  p.emplace_back(max_revision);
  auto r = db_.Exec(std::string("DELETE FROM sync_documents WHERE ") + kWhereKey + " AND revision <= $5", p);
  if (!r.ok()) return r.take_error();
  return Ok();
}

Result<bool> SyncDocumentRepository::ApplicationExists(const std::string& application_id) {
  auto r = db_.Exec("SELECT 1 FROM applications WHERE id = $1", {application_id});
  if (!r.ok()) return r.take_error();
  return !r->rows.empty();
}

Result<int64_t> SyncDocumentRepository::PurgeExpired(int64_t now_ms) {
  auto r = db_.Exec("DELETE FROM sync_documents WHERE expires_at IS NOT NULL AND expires_at <= $1", {now_ms});
  if (!r.ok()) return r.take_error();
  return r->affected_rows;
}

}  // namespace rt::store
