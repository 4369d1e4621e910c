// ServiceRegistry: the sync service namespaces of spec/19-api-services.md, per application.
//
// Input is the JSON object sent by the REST API; bad input is a ValidationError and writes
// nothing. Rules:
//   name         required on create; ^[a-z][a-z0-9_-]*$, 1-100 characters; unique in the
//                application (ConflictError otherwise). PATCH may rename; documents are keyed by
//                the service name, so they are not moved by a rename.
//   description  optional string of at most 1000 characters (null = "").
// Unknown fields and the read-only fields of the JSON shape are ignored; a known field of the
// wrong type is refused.
//
// CheckUse is the strictServices rule for document writes: writing to a service that is not
// registered is allowed unless the application's config sets `strictServices: true` (then
// NotFoundError). It answers from a per-application snapshot cached for 2 s; this instance's own
// writes invalidate it at once, other instances' writes are seen within 2 s.
//
// Failure: ValidationError, ConflictError, NotFoundError ("Service not found: <id>"),
// ServiceUnavailableError (database down).
// Thread safety: all methods may be called from any thread; they block on the database (CheckUse
// only on a cache miss). Lifetime: the repositories must outlive the registry.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/json/object.hpp>

#include "store/application_repository.h"
#include "store/service_repository.h"

namespace rt::registry {

// ^[a-z][a-z0-9_-]*$ and at most 100 characters.
bool IsValidServiceName(std::string_view name);

// The JSON shape of spec/19: {id, name, description, applicationId, createdAt, updatedAt} with
// times as ISO-8601 strings ("2024-01-15T10:00:00.000Z").
boost::json::object ServiceToJson(const store::SyncService& service);

// ms since the epoch as ISO-8601 UTC with milliseconds.
std::string IsoTime(int64_t ms);

class ServiceRegistry {
 public:
  ServiceRegistry(store::ServiceRepository& repo, store::ApplicationRepository& apps) : repo_(repo), apps_(apps) {}

  Result<std::vector<store::SyncService>> List(const std::string& application_id);
  Result<store::SyncService> Get(const std::string& application_id, const std::string& id);
  // input: {name, description?}
  Result<store::SyncService> Create(const std::string& application_id, const boost::json::object& input);
  // patch: {name?, description?}
  Result<store::SyncService> Update(const std::string& application_id, const std::string& id,
                                    const boost::json::object& patch);
  Status Delete(const std::string& application_id, const std::string& id);

  // Ok when documents of `service` may be written in the application (see above).
  Status CheckUse(const std::string& application_id, const std::string& service);

 private:
  struct Snapshot {
    bool strict = false;
    std::unordered_set<std::string> names;
    std::chrono::steady_clock::time_point loaded;
  };
  Result<Snapshot> Load(const std::string& application_id);
  void Invalidate(const std::string& application_id);

  store::ServiceRepository& repo_;
  store::ApplicationRepository& apps_;
  std::mutex mu_;
  std::unordered_map<std::string, Snapshot> cache_;  // guarded by mu_
};

}  // namespace rt::registry
