// MappingService: the Database API of spec/15-api-database.md over store::CdcRepository
// (docs/database.md). Answers are JSON:
//   mapping:      MappingToJson(definition) + {id, environment, version, active, applicationId,
//                 createdAt, updatedAt}
//   version:      {mappingId, environment, version, definition: <mapping JSON>, createdAt}
//   status:       [{id, table, topic, environments: {development: {version, active}, ...}}]
//                 (an environment is absent when the mapping does not exist there)
//   subscription: {id, mappingId, active, applicationId, environment, createdAt, updatedAt}
//   event log:    {id, eventId, mappingId, table, operation, event: "database.<op>", topic,
//                 status, error, lsn, createdAt}
//
// Rules. The request's scope is (application, environment). In a body, `environment` (create,
// update, versions) must equal the request's environment when present, `id` (update) the path's
// id, and `version` is ignored: the server numbers versions (create: 1; update and snapshot:
// current + 1; promote: the source's). Create takes the body's id or assigns map_...; 409 when
// the id exists in the environment. Update merges the body's top-level fields onto the current
// definition. Promote {environment: staging|production} copies the application's row of the
// previous environment (development -> staging -> production) into the target. Every definition
// is validated by cdc::ParseMapping (400 naming the field) and, when its topic has an active
// schema in the target scope, by CheckPayloadAgainstSchema (400 with details). Subscriptions:
// one per (mapping, environment) (409 for a second); a mapping streams while active and either
// without a subscription or with an active one.
//
// Ownership / lifetime: references the repository, which must outlive it; owns copies of the
// callbacks. Thread safety: every method may be called from any thread and blocks on the
// database (blocking pool only); on_change runs on the caller's thread after each committed
// change that can alter what streams (set it before serving). Failure: ValidationError (400),
// NotFoundError (404, also another scope's id), ConflictError (409), UnavailableError.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "cdc/mapping.h"
#include "core/result.h"
#include "core/scope.h"
#include "store/cdc_repository.h"
#include "store/schema_repository.h"
#include "store/topic_repository.h"

namespace rt::cdc {

// A topic's active schema: its version and the JSON Schema document.
struct ActiveSchema {
  int64_t version = 0;
  boost::json::value schema;
};
// The active schema of (scope, topic), nullopt when the topic has none (or does not exist).
using ActiveSchemaLookup = std::function<Result<std::optional<ActiveSchema>>(const Scope&, const std::string&)>;
// The lookup over the platform's repositories (Topic.activeSchemaVersion, then that version);
// both must outlive the function.
ActiveSchemaLookup RepositorySchemaLookup(store::TopicRepository& topics, store::SchemaRepository& schemas);

// Checks a payload template against a JSON Schema's top level: every `required` property must
// be a key of the template, and a literal value (not a "$row.col" reference, whose type is only
// known at run time) must have a JSON type the property's `type` allows ("integer" accepts
// integral numbers, "number" any number). ValidationError "Mapping payload does not match
// schema v<N> of topic <t>: ..." with details {"details": [{field, rule: "required"|"type",
// message}]}.
Status CheckPayloadAgainstSchema(const DomainMapping& m, const ActiveSchema& schema);

struct EventLogFilter {
  std::string event;  // "database.insert" | "database.update" | "database.delete" | ""
  std::string mapping_id, status;
  int64_t before = 0;
  int limit = 100;
};

class MappingService {
 public:
  MappingService(store::CdcRepository& repo, ActiveSchemaLookup schemas)
      : repo_(repo), schemas_(std::move(schemas)) {}

  // Called after each committed change to mappings or subscriptions (the reader's refresh).
  void SetOnChange(std::function<void()> on_change) { on_change_ = std::move(on_change); }

  Result<boost::json::array> List(const Scope& scope);
  Result<boost::json::object> Get(const Scope& scope, const std::string& id);
  Result<boost::json::array> ByTopic(const Scope& scope, const std::string& topic);
  Result<boost::json::array> EnvironmentStatus(const Scope& scope);
  Result<boost::json::object> Create(const Scope& scope, const boost::json::value& body);
  Result<boost::json::object> Update(const Scope& scope, const std::string& id, const boost::json::value& body);
  Status Delete(const Scope& scope, const std::string& id);

  Result<boost::json::array> Versions(const Scope& scope, const std::string& id);
  // Snapshots the current definition as version current + 1; returns the version.
  Result<boost::json::object> CreateVersion(const Scope& scope, const std::string& id, const boost::json::value& body);
  // Returns the target environment's mapping.
  Result<boost::json::object> Promote(const Scope& scope, const std::string& id, const boost::json::value& body);

  Result<boost::json::array> Subscriptions(const Scope& scope);
  Result<boost::json::object> Subscribe(const Scope& scope, const boost::json::value& body);
  Result<boost::json::object> SetSubscriptionActive(const Scope& scope, const std::string& id, bool active);

  Result<boost::json::array> Logs(const Scope& scope, const EventLogFilter& filter);

 private:
  // Parses and validates a definition for `scope` (ParseMapping, then the topic's schema).
  Result<DomainMapping> Validate(const Scope& scope, const boost::json::value& body);
  Result<store::MappingRow> Find(const Scope& scope, const std::string& id);
  void Changed() const;

  store::CdcRepository& repo_;
  ActiveSchemaLookup schemas_;
  std::function<void()> on_change_;
};

// The mapping's JSON answer (see above); the definition is parsed back from the row.
boost::json::object MappingRowToJson(const store::MappingRow& row);

}  // namespace rt::cdc
