// TopicRepository: the `topics` table, the topic registry of spec/22-api-topics.md. Every row
// belongs to one scope (application, environment); the same name in another scope is another
// topic. Plain persistence: validation lives in registry/topic_service.h, the in-memory view
// used on the publish/subscribe path in registry/topic_catalog.h.
//
// Failure: kConflict when the name is taken in that scope; kNotFound for an unknown topic, or on
// Insert when the application does not exist (deleting an application deletes its topics);
// kUnavailable when the database is down. Thread safety: as the Db it wraps (safe from any
// thread; blocking).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/scope.h"
#include "store/db.h"

namespace rt::store {

struct Topic {
  Scope scope;
  std::string name;
  std::string description;
  std::string owner;
  int64_t active_schema_version = 0;  // 0 = no schema enforced
  int64_t created_at = 0;             // ms since epoch
  int64_t updated_at = 0;
};

class TopicRepository {
 public:
  explicit TopicRepository(Db& db) : db_(db) {}

  // The scope's topics, ordered by name (byte-wise, the same on every backend).
  Result<std::vector<Topic>> List(const Scope& scope);
  Result<Topic> Get(const Scope& scope, const std::string& name);
  Status Insert(const Topic& topic);
  // Replaces description, owner, active_schema_version and updated_at of an existing topic.
  Status Update(const Topic& topic);
  Status Delete(const Scope& scope, const std::string& name);
  // Every topic of every scope, ordered by application, environment, name (for the catalog).
  Result<std::vector<Topic>> ListAll();
  // A cheap fingerprint of the table (count + latest updated_at), for cross-instance refresh.
  Result<std::string> Fingerprint();  // count : max(updated_at) : sum(updated_at)

 private:
  Db& db_;
};

// "Topic not found: <name>" (the spec's wording).
Error TopicNotFound(const std::string& name);

}  // namespace rt::store
