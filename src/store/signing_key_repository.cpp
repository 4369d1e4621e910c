#include "store/signing_key_repository.h"

namespace rt::store {
namespace {

constexpr const char* kInsert =
    "INSERT INTO signing_keys (key_id, algorithm, secret, active, created_at, deactivated_at) "
    "VALUES ($1, $2, $3, $4, $5, NULL)";

DbParams InsertParams(const SigningKeyRow& k) {
  return {k.key_id, k.algorithm, k.secret, int64_t{k.active ? 1 : 0}, k.created_at};
}

Status DeactivateOn(DbSession& s, const std::string& key_id, int64_t at_ms) {
  auto r = s.Exec("UPDATE signing_keys SET active = 0, deactivated_at = COALESCE(deactivated_at, $2) WHERE key_id = $1",
                  {key_id, at_ms});
  if (!r.ok()) return r.take_error();
  if (r->affected_rows == 0) return Error::NotFound("Signing key not found: " + key_id);
  return Ok();
}

}  // namespace

Result<std::vector<SigningKeyRow>> SigningKeyRepository::List() {
  auto r = db_.Exec(
      "SELECT key_id, algorithm, secret, active, created_at, deactivated_at FROM signing_keys ORDER BY created_at, key_id");
  if (!r.ok()) return r.take_error();
  std::vector<SigningKeyRow> out;
  for (auto& row : r->rows) {
    out.push_back({AsString(row[0]), AsString(row[1]), AsString(row[2]), AsBool(row[3]), AsInt(row[4]),
                   AsInt(row[5])});
  }
  return out;
}

Status SigningKeyRepository::Insert(const SigningKeyRow& key) {
  auto r = db_.Exec(kInsert, InsertParams(key));
  if (!r.ok()) return r.take_error();
  return Ok();
}

Status SigningKeyRepository::Deactivate(const std::string& key_id, int64_t at_ms) {
  return db_.Transaction([&](DbSession& s) { return DeactivateOn(s, key_id, at_ms); });
}

Status SigningKeyRepository::Rotate(const std::string& old_id, const SigningKeyRow& next) {
  return db_.Transaction([&](DbSession& s) -> Status {
    RT_TRY(DeactivateOn(s, old_id, next.created_at));
    auto r = s.Exec(kInsert, InsertParams(next));
    if (!r.ok()) return r.take_error();
    return Ok();
  });
}

Status SigningKeyRepository::Delete(const std::string& key_id) {
  auto r = db_.Exec("DELETE FROM signing_keys WHERE key_id = $1", {key_id});
  if (!r.ok()) return r.take_error();
  if (r->affected_rows == 0) return Error::NotFound("Signing key not found: " + key_id);
  return Ok();
}

Result<std::string> SigningKeyRepository::Fingerprint() {
  auto r = db_.Exec(
      "SELECT COUNT(*), COALESCE(MAX(created_at), 0), COALESCE(MAX(deactivated_at), 0), "
      "COALESCE(SUM(active), 0) FROM signing_keys");
  if (!r.ok()) return r.take_error();
  const auto& row = r->rows[0];
  return AsString(row[0]) + ":" + AsString(row[1]) + ":" + AsString(row[2]) + ":" + AsString(row[3]);
}

}  // namespace rt::store
