#include "store/lease_repository.h"

namespace rt::store {

Result<bool> LeaseRepository::TryAcquire(const std::string& name, const std::string& holder, int64_t now,
                                         int64_t ttl_ms) {
  auto r = db_.Exec(
      "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
      "WHERE leases.holder = excluded.holder OR leases.expires_at < $4",
      {name, holder, now + ttl_ms, now});
  if (!r.ok()) return r.take_error();
  return r->affected_rows == 1;
}

Status LeaseRepository::Release(const std::string& name, const std::string& holder) {
  auto r = db_.Exec("DELETE FROM leases WHERE name = $1 AND holder = $2", {name, holder});
  if (!r.ok()) return r.take_error();
  return Ok();
}

Result<std::string> LeaseRepository::Holder(const std::string& name, int64_t now) {
  auto r = db_.Exec("SELECT holder FROM leases WHERE name = $1 AND expires_at >= $2", {name, now});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return std::string();
  return AsString(r->rows[0][0]);
}

}  // namespace rt::store
