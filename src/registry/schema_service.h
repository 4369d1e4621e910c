// SchemaService: the schema registry of spec/18-api-schemas.md. Every topic of a scope
// (application, environment) has 0..N immutable JSON Schema versions numbered 1, 2, 3, ...
//
// Register(body = {"schema": <draft-07 schema>, "compatibilityMode"?: "backward"}):
//   - the topic must exist in the scope (NotFoundError "Topic not found: <name>");
//   - schema must compile (registry/json_schema.h: ValidationError naming what is wrong; remote
//     $ref refused, never fetched) and serialize to at most kMaxSchemaBytes;
//   - compatibilityMode one of registry/schema_compat.h's modes (default "backward"), checked
//     against the latest version (or every earlier one for *_transitive); incompatible ->
//     ValidationError with details {"details": [{path, rule, message}, ...]};
//   - stored as latest + 1 (ConflictError if another registration won the race), then the
//     publish gate is refreshed (the new version may be the one a topic already names).
// Validate(body = {"payload": <any JSON>}) checks against the latest version and returns the
// violations (empty = valid); NotFoundError when the topic has no schema.
// Get's version is the path text: a positive integer (ValidationError otherwise).
//
// Thread safety: all methods may be called from any thread; they block on the database.
// Lifetime: the repositories, cache and gate must outlive the service.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/scope.h"
#include "registry/json_schema.h"
#include "registry/schema_cache.h"
#include "registry/schema_gate.h"
#include "store/schema_repository.h"
#include "store/topic_repository.h"

namespace rt::registry {

// {topic, version, schema, compatibilityMode, createdAt} as in spec/18.
boost::json::object SchemaToJson(const store::SchemaVersion& v);

class SchemaService {
 public:
  static constexpr size_t kMaxSchemaBytes = 256 * 1024;

  SchemaService(store::SchemaRepository& repo, store::TopicRepository& topics, SchemaCache& cache, SchemaGate& gate)
      : repo_(repo), topics_(topics), cache_(cache), gate_(gate) {}

  Result<std::vector<store::SchemaVersion>> List(const Scope& scope, const std::string& topic);
  Result<store::SchemaVersion> Get(const Scope& scope, const std::string& topic, std::string_view version);
  Result<store::SchemaVersion> Latest(const Scope& scope, const std::string& topic);
  Result<store::SchemaVersion> Register(const Scope& scope, const std::string& topic, const boost::json::object& body);
  Result<std::vector<SchemaViolation>> Validate(const Scope& scope, const std::string& topic,
                                                const boost::json::object& body);

 private:
  store::SchemaRepository& repo_;
  store::TopicRepository& topics_;
  SchemaCache& cache_;
  SchemaGate& gate_;
};

}  // namespace rt::registry
