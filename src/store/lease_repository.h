// LeaseRepository: named leases in the `leases` table (migration 0010_monitoring), so that a
// cluster-wide task (the alert evaluator) runs on exactly one instance at a time. A holder takes
// a free or expired lease, or renews its own, with one conditional upsert; a holder that dies
// simply stops renewing and another takes over once expires_at has passed.
//
// Failure: kUnavailable when the database is down (the caller then must assume it holds nothing).
// Thread safety: as the Db it wraps (safe from any thread; blocking).
#pragma once

#include <cstdint>
#include <string>

#include "store/db.h"

namespace rt::store {

class LeaseRepository {
 public:
  explicit LeaseRepository(Db& db) : db_(db) {}

  // Takes or renews `name` for `holder` until now + ttl_ms. True when the caller holds it now;
  // false when another holder's lease has not expired.
  Result<bool> TryAcquire(const std::string& name, const std::string& holder, int64_t now, int64_t ttl_ms);
  // Gives the lease up if `holder` has it (a graceful stop hands over at once).
  Status Release(const std::string& name, const std::string& holder);
  // The current holder, or "" when nobody holds an unexpired lease.
  Result<std::string> Holder(const std::string& name, int64_t now);

 private:
  Db& db_;
};

}  // namespace rt::store
