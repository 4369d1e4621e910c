#include "store/application_repository.h"

#include "core/json.h"

namespace rt::store {
namespace {

constexpr const char* kColumns = "id, name, description, config, created_at, updated_at";

Application FromRow(const std::vector<DbValue>& row) {
  Application a;
  a.id = AsString(row[0]);
  a.name = AsString(row[1]);
  a.description = AsString(row[2]);
  auto cfg = json::ParseObject(AsString(row[3]));
  if (cfg.ok()) a.config = std::move(*cfg);
  a.created_at = AsInt(row[4]);
  a.updated_at = AsInt(row[5]);
  return a;
}

Error NameTaken(const Application& app) {
  return Error::Conflict("An application named '" + app.name + "' already exists");
}

}  // namespace

Result<std::vector<Application>> ApplicationRepository::List() {
  auto r = db_.Exec(std::string("SELECT ") + kColumns + " FROM applications ORDER BY created_at, id");
  if (!r.ok()) return r.take_error();
  std::vector<Application> out;
  out.reserve(r->rows.size());
  for (auto& row : r->rows) out.push_back(FromRow(row));
  return out;
}

Result<Application> ApplicationRepository::Get(const std::string& id) {
  auto r = db_.Exec(std::string("SELECT ") + kColumns + " FROM applications WHERE id = $1", {id});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return Error::NotFound("Application not found: " + id);
  return FromRow(r->rows[0]);
}

Status ApplicationRepository::Insert(const Application& app) {
  auto r = db_.Exec(
      "INSERT INTO applications (id, name, description, config, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      {app.id, app.name, app.description, json::Serialize(app.config), app.created_at, app.updated_at});
  if (!r.ok()) return r.error().code == ErrorCode::kConflict ? NameTaken(app) : r.take_error();
  return Ok();
}

Result<bool> ApplicationRepository::InsertIfAbsent(const Application& app) {
  auto r = db_.Exec(
      "INSERT INTO applications (id, name, description, config, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
      {app.id, app.name, app.description, json::Serialize(app.config), app.created_at, app.updated_at});
  if (!r.ok()) return r.take_error();
  return r->affected_rows > 0;
}

Status ApplicationRepository::Update(const Application& app) {
  auto r = db_.Exec("UPDATE applications SET name = $2, description = $3, config = $4, updated_at = $5 WHERE id = $1",
                    {app.id, app.name, app.description, json::Serialize(app.config), app.updated_at});
  if (!r.ok()) return r.error().code == ErrorCode::kConflict ? NameTaken(app) : r.take_error();
  if (r->affected_rows == 0) return Error::NotFound("Application not found: " + app.id);
  return Ok();
}

Status ApplicationRepository::Delete(const std::string& id) {
  auto r = db_.Exec("DELETE FROM applications WHERE id = $1", {id});
  if (!r.ok()) return r.take_error();
  if (r->affected_rows == 0) return Error::NotFound("Application not found: " + id);
  return Ok();
}

Result<std::string> ApplicationRepository::Fingerprint() {
  // The sum catches an update of any row, also one whose new updated_at does not exceed the
  // newest row's (MAX alone would miss it until the periodic full reload).
  auto r = db_.Exec("SELECT COUNT(*), COALESCE(MAX(updated_at), 0), COALESCE(SUM(updated_at), 0) FROM applications");
  if (!r.ok()) return r.take_error();
  const auto& row = r->rows[0];
  return AsString(row[0]) + ":" + AsString(row[1]) + ":" + AsString(row[2]);
}

}  // namespace rt::store
