// ServiceRepository: the `services` table, the sync service namespaces of
// spec/19-api-services.md. A service belongs to one application (not to an environment: the
// namespace is the same in development, staging and production); its name is unique there.
// Plain persistence: validation lives in registry/service_registry.h.
//
// Failure: kConflict when the name is taken in the application ("Service already exists:
// <name>"); kNotFound for an unknown id, or on Insert when the application does not exist
// (deleting an application deletes its services); kUnavailable when the database is down.
// Thread safety: as the Db it wraps (safe from any thread; blocking). Lifetime: the Db must
// outlive the repository.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/db.h"

namespace rt::store {

struct SyncService {
  std::string id;  // UUID v4
  std::string application_id;
  std::string name;
  std::string description;
  int64_t created_at = 0;  // ms since epoch
  int64_t updated_at = 0;
};

class ServiceRepository {
 public:
  explicit ServiceRepository(Db& db) : db_(db) {}

  // The application's services ordered by name (byte-wise).
  Result<std::vector<SyncService>> List(const std::string& application_id);
  Result<SyncService> Get(const std::string& application_id, const std::string& id);
  Status Insert(const SyncService& service);
  // Replaces name, description and updated_at.
  Status Update(const SyncService& service);
  Status Delete(const std::string& application_id, const std::string& id);

 private:
  Db& db_;
};

Error ServiceNotFound(const std::string& id);

}  // namespace rt::store
