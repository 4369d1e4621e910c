// TopicService: the topic registry of spec/22-api-topics.md, scoped by (application,
// environment). The same name in another application or environment is another topic.
//
// Input is the JSON object sent by the REST API; bad input is a ValidationError and writes
// nothing. Rules:
//   name         required on create; lowercase letters, digits and dots in non-empty
//                dot-separated segments, 1-200 characters (IsValidRegisteredTopicName);
//                immutable: a PATCH naming another topic is refused (delete and re-create);
//   description  required, a non-blank string (at most 1000 characters);
//   owner        required, a non-blank string (at most 200 characters): the owning team/service;
//   activeSchemaVersion  optional, an integer 0..2147483647 (0 = no schema enforced; default 0).
//                A non-zero value must name a registered schema version of the topic
//                (registry/schema_service.h), so it is always 0 on create; the publish gate
//                (registry/schema_gate.h) then validates every event of the topic against it.
// PATCH changes description, owner and activeSchemaVersion; fields it omits keep their value.
// Unknown fields, and the read-only ones of the JSON shape (applicationId, environment,
// createdAt, updatedAt), are ignored so that a GET result can be sent back as is; a known field
// of the wrong type is refused.
//
// Every successful write refreshes the TopicCatalog and the SchemaGate (publish/subscribe see it
// at once on this instance); if that refresh fails the write still stands and the catalog's periodic
// RefreshIfChanged catches up (a warning is logged).
//
// Failure: ValidationError, ConflictError (name taken in the scope), NotFoundError ("Topic not
// found: <name>"), ServiceUnavailableError (database down).
// Thread safety: all methods may be called from any thread; they block on the database, except
// the *FromMemory reads.
// Lifetime: the repositories, catalog and gate must outlive the service.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/scope.h"
#include "registry/schema_gate.h"
#include "registry/topic_catalog.h"
#include "store/schema_repository.h"
#include "store/topic_repository.h"

namespace rt::registry {

// The JSON shape returned by the REST API: {name, description, owner, activeSchemaVersion,
// applicationId, environment, createdAt, updatedAt} (times in ms since the epoch).
boost::json::object TopicToJson(const store::Topic& topic);

class TopicService {
 public:
  TopicService(store::TopicRepository& repo, TopicCatalog& catalog, store::SchemaRepository& schemas,
               SchemaGate& gate)
      : repo_(repo), catalog_(catalog), schemas_(schemas), gate_(gate) {}

  Result<std::vector<store::Topic>> List(const Scope& scope);
  Result<store::Topic> Get(const Scope& scope, const std::string& name);
  // Get and List as serialized REST bodies, from the catalog's memory without blocking (the I/O
  // thread's answer); nullopt when the catalog cannot answer for certain: call Get/List then.
  std::optional<Result<std::string>> GetJsonFromMemory(const Scope& scope, const std::string& name) const {
    return catalog_.TopicJson(scope, name);
  }
  std::optional<std::string> ListJsonFromMemory(const Scope& scope) const { return catalog_.TopicListJson(scope); }
  // input: {name, description, owner, activeSchemaVersion?}
  Result<store::Topic> Create(const Scope& scope, const boost::json::object& input);
  // patch: {description?, owner?, activeSchemaVersion?}
  Result<store::Topic> Update(const Scope& scope, const std::string& name, const boost::json::object& patch);
  Status Delete(const Scope& scope, const std::string& name);

 private:
  void RefreshCatalog();
  Status CheckSchemaVersion(const Scope& scope, const std::string& name, int64_t version);

  store::TopicRepository& repo_;
  TopicCatalog& catalog_;
  store::SchemaRepository& schemas_;
  SchemaGate& gate_;
};

}  // namespace rt::registry
