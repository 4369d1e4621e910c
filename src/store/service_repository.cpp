#include "store/service_repository.h"

#include <algorithm>

namespace rt::store {
namespace {

constexpr const char* kColumns = "id, application_id, name, description, created_at, updated_at";

SyncService FromRow(const std::vector<DbValue>& row) {
  return {AsString(row[0]), AsString(row[1]), AsString(row[2]), AsString(row[3]), AsInt(row[4]), AsInt(row[5])};
}

Error NameTaken(const std::string& name) { return Error::Conflict("Service already exists: " + name); }

}  // namespace

Error ServiceNotFound(const std::string& id) { return Error::NotFound("Service not found: " + id); }

Result<std::vector<SyncService>> ServiceRepository::List(const std::string& application_id) {
  auto rows = MapRows(db_.Exec(std::string("SELECT ") + kColumns + " FROM services WHERE application_id = $1",
                               {application_id}),
                      FromRow);
  if (!rows.ok()) return rows.take_error();
  std::vector<SyncService> out = std::move(*rows);
  // Sorted here, byte-wise: PostgreSQL's collation would order names differently from SQLite.
  std::sort(out.begin(), out.end(), [](const SyncService& a, const SyncService& b) { return a.name < b.name; });
  return out;
}

Result<SyncService> ServiceRepository::Get(const std::string& application_id, const std::string& id) {
  auto r = db_.Exec(std::string("SELECT ") + kColumns + " FROM services WHERE application_id = $1 AND id = $2",
                    {application_id, id});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return ServiceNotFound(id);
  return FromRow(r->rows[0]);
}

Status ServiceRepository::Insert(const SyncService& s) {
  auto r = db_.Exec(std::string("INSERT INTO services (") + kColumns + ") VALUES ($1, $2, $3, $4, $5, $6)",
                    {s.id, s.application_id, s.name, s.description, s.created_at, s.updated_at});
  if (r.ok()) return Ok();
  switch (r.error().code) {
    case ErrorCode::kConflict: return NameTaken(s.name);
    case ErrorCode::kValidation: return Error::NotFound("Application not found: " + s.application_id);
    default: return r.take_error();
  }
}

Status ServiceRepository::Update(const SyncService& s) {
  auto r = db_.Exec(
      "UPDATE services SET name = $3, description = $4, updated_at = $5 WHERE application_id = $1 AND id = $2",
      {s.application_id, s.id, s.name, s.description, s.updated_at});
  if (!r.ok()) return r.error().code == ErrorCode::kConflict ? NameTaken(s.name) : r.take_error();
  if (r->affected_rows == 0) return ServiceNotFound(s.id);
  return Ok();
}

Status ServiceRepository::Delete(const std::string& application_id, const std::string& id) {
  auto r = db_.Exec("DELETE FROM services WHERE application_id = $1 AND id = $2", {application_id, id});
  if (!r.ok()) return r.take_error();
  if (r->affected_rows == 0) return ServiceNotFound(id);
  return Ok();
}

}  // namespace rt::store
