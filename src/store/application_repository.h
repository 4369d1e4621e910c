// ApplicationRepository: the `applications` table (tenants). Plain persistence; validation and
// the rules (default application, environments) live in registry/application_service.h.
//
// Failure: kConflict on a duplicate name, kNotFound for an unknown id, kUnavailable when the
// database is down. Thread safety: as the Db it wraps (safe from any thread; blocking).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "store/db.h"

namespace rt::store {

struct Application {
  std::string id;
  std::string name;
  std::string description;
  boost::json::object config;
  int64_t created_at = 0;  // ms since epoch
  int64_t updated_at = 0;
};

class ApplicationRepository {
 public:
  explicit ApplicationRepository(Db& db) : db_(db) {}

  Result<std::vector<Application>> List();
  Result<Application> Get(const std::string& id);
  Status Insert(const Application& app);
  // Inserts unless an application with that id exists; true if inserted.
  Result<bool> InsertIfAbsent(const Application& app);
  // Replaces name, description, config and updated_at of an existing application.
  Status Update(const Application& app);
  Status Delete(const std::string& id);
  // A cheap fingerprint of the table (count + latest updated_at), so that in-memory views of
  // application config (registry/topic_catalog.h) can notice changes made by other instances.
  Result<std::string> Fingerprint();  // count : max(updated_at) : sum(updated_at)

 private:
  Db& db_;
};

}  // namespace rt::store
