// The promotable entities of an application's environment, as deployments see them
// (docs/deployments.md "Entities"): topics, schemas (a topic's versions), CDC mappings and webhook
// endpoints. For each it can
//   - read the entity of one environment in a canonical form: portable JSON without timestamps,
//     environment names, database ids or secrets, so that "equal in two environments" means
//     equal canonical forms (the environment grid, the change report, config export);
//   - capture the rows behind it (row images, store/row_image.h) before a deployment writes;
//   - write a canonical form into an environment (create, update, or delete when it is null);
//   - restore captured rows exactly (rollback).
//
// Canonical forms (keys sorted when serialized, CanonicalText):
//   topic    key = name   {name, description, owner, activeSchemaVersion}
//   schema   key = topic  {topic, versions: [{version, schema, compatibilityMode}] (ascending)}
//   mapping  key = id     {id, version, active, definition: {table, events, topic, triggerColumns,
//                          when?, payload}}
//   webhook  key = origin {key, url, events, topics, active, signatureScheme, maxConcurrency,
//                          ordering, description}; an endpoint's key is the id of the endpoint it
//                          was deployed from (webhook_endpoints.origin_id), else its own id.
//
// Thread safety: free functions over a DbSession (inside its transaction, on its thread).
// Failure: the database's errors; WriteEntity also kValidation for a canonical form that does not
// parse (ParseMapping, a webhook without url...) and kInternal when a secret cannot be sealed.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scope.h"
#include "store/db.h"

namespace rt::webhooks {
class SecretBox;
}

namespace rt::deploy {

enum class EntityType { kTopic = 0, kSchema = 1, kMapping = 2, kWebhook = 3 };
inline constexpr EntityType kEntityTypes[] = {EntityType::kTopic, EntityType::kSchema, EntityType::kMapping,
                                              EntityType::kWebhook};

// "topic", "schema", "mapping", "webhook".
const char* TypeName(EntityType type);
// The plural as used in documents and the UI: "topics", ...
const char* TypePlural(EntityType type);
// Accepts the singular or the plural; nullopt otherwise.
std::optional<EntityType> ParseType(std::string_view name);

struct EntityState {
  bool exists = false;
  boost::json::value canonical;  // null when absent
  boost::json::object images;    // {table: [rows]}: what RestoreEntity writes back
};

// What WriteEntity needs besides the database.
struct WriteContext {
  const webhooks::SecretBox* box = nullptr;  // seals webhook secrets
  int64_t now_ms = 0;
  // In: secrets re-entered for webhooks, by key. Out: the secrets generated for webhooks this
  // write created without one (shown once to the caller).
  std::map<std::string, std::string> secrets;
  std::map<std::string, std::string> generated;
};

// The entity `key` of `type` in scope (exists = false when absent).
Result<EntityState> ReadEntity(store::DbSession& s, const Scope& scope, EntityType type, const std::string& key);
// The keys of every entity of `type` in scope, sorted.
Result<std::vector<std::string>> ListKeys(store::DbSession& s, const Scope& scope, EntityType type);
// Makes the entity in scope equal to `canonical` (null: deletes it). `current` is its state as read.
Status WriteEntity(store::DbSession& s, const Scope& scope, EntityType type, const std::string& key,
                   const boost::json::value& canonical, const EntityState& current, WriteContext& ctx);
// Writes back rows captured by ReadEntity (images), deleting what the entity gained since.
Status RestoreEntity(store::DbSession& s, const Scope& scope, EntityType type, const std::string& key,
                     const boost::json::object& images);

// Serialization with object keys sorted (deterministic: fingerprints, exports).
std::string CanonicalText(const boost::json::value& v);
boost::json::value SortedKeys(const boost::json::value& v);
// 16 hex digits of SHA-256 over CanonicalText; "absent" for null.
std::string Fingerprint(const boost::json::value& canonical);
// The version shown in the grid: a mapping's version, a schema's latest version; null otherwise.
boost::json::value VersionOf(EntityType type, const boost::json::value& canonical);

// Per type (entities_registry.cpp, entities_cdc.cpp, entities_webhooks.cpp).
namespace detail {
Result<EntityState> ReadTopic(store::DbSession& s, const Scope& scope, const std::string& key);
Result<EntityState> ReadSchema(store::DbSession& s, const Scope& scope, const std::string& key);
Result<EntityState> ReadMapping(store::DbSession& s, const Scope& scope, const std::string& key);
Result<EntityState> ReadWebhook(store::DbSession& s, const Scope& scope, const std::string& key);
Status WriteTopic(store::DbSession& s, const Scope& scope, const std::string& key, const boost::json::value& c,
                  const EntityState& current, WriteContext& ctx);
Status WriteSchema(store::DbSession& s, const Scope& scope, const std::string& key, const boost::json::value& c,
                   const EntityState& current, WriteContext& ctx);
Status WriteMapping(store::DbSession& s, const Scope& scope, const std::string& key, const boost::json::value& c,
                    const EntityState& current, WriteContext& ctx);
Status WriteWebhook(store::DbSession& s, const Scope& scope, const std::string& key, const boost::json::value& c,
                    const EntityState& current, WriteContext& ctx);
Status RestoreTopic(store::DbSession& s, const Scope& scope, const std::string& key, const boost::json::object& images);
Status RestoreSchema(store::DbSession& s, const Scope& scope, const std::string& key, const boost::json::object& images);
Status RestoreMapping(store::DbSession& s, const Scope& scope, const std::string& key,
                      const boost::json::object& images);
Status RestoreWebhook(store::DbSession& s, const Scope& scope, const std::string& key,
                      const boost::json::object& images);
// Rows of images[table] (an empty array when missing).
const boost::json::array& Rows(const boost::json::object& images, std::string_view table);
}  // namespace detail

}  // namespace rt::deploy
