// Config as code: export an environment's promotable entities as one document, and import such
// a document as a deployment (deploy/deployment_service.h, docs/deployments.md "Config as code").
//
// Document: {"format": "realtime.config/v1", "topics": [...], "schemas": [...], "mappings": [...],
// "webhooks": [...]}, each entity in its canonical form (deploy/entities.h), sorted by key, with
// object keys sorted: two environments holding the same configuration export the same bytes.
// Import validates every entity as the REST API would (400 naming the entity and field) and
// fills defaults, so importing an export reproduces it exactly.
#include <set>

#include "cdc/mapping.h"
#include "core/json.h"
#include "deploy/deployment_service.h"
#include "registry/json_schema.h"
#include "registry/schema_compat.h"
#include "registry/topic_policy.h"

namespace rt::deploy {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr const char* kFormat = "realtime.config/v1";

Status CheckFields(const object& o, std::initializer_list<std::string_view> known, const std::string& where) {
  for (const auto& [k, v] : o) {
    bool ok = false;
    for (auto n : known) ok = ok || k == n;
    if (!ok) return Error::Validation(where + ": unknown field '" + std::string(k) + "'");
  }
  return Ok();
}

Result<std::string> Text(const object& o, std::string_view field, size_t max, bool blank_ok, const std::string& where) {
  const value* v = o.if_contains(field);
  if (v == nullptr || !v->is_string() || v->get_string().size() > max ||
      (!blank_ok && v->get_string().find_first_not_of(" \t\r\n") == std::string::npos))
    return Error::Validation(where + "." + std::string(field) + ": required, a " + (blank_ok ? "" : "non-blank ") +
                             "string of at most " + std::to_string(max) + " characters");
  return std::string(v->get_string());
}

int64_t IntOr(const object& o, std::string_view field, int64_t fallback, bool* bad) {
  const value* v = o.if_contains(field);
  if (v == nullptr) return fallback;
  if (v->is_int64() && v->get_int64() >= 0 && v->get_int64() <= 2147483647) return v->get_int64();
  *bad = true;
  return fallback;
}

Result<value> NormalizeTopic(const object& o, const std::string& where, std::string* key) {
  RT_TRY(CheckFields(o, {"name", "description", "owner", "activeSchemaVersion"}, where));
  auto name = Text(o, "name", 200, false, where);
  if (!name.ok()) return name.take_error();
  if (!registry::IsValidRegisteredTopicName(*name))
    return Error::Validation(where + ".name: lowercase letters, digits and dots in dot-separated segments");
  auto description = Text(o, "description", 1000, false, where);
  if (!description.ok()) return description.take_error();
  auto owner = Text(o, "owner", 200, false, where);
  if (!owner.ok()) return owner.take_error();
  bool bad = false;
  const int64_t active = IntOr(o, "activeSchemaVersion", 0, &bad);
  if (bad) return Error::Validation(where + ".activeSchemaVersion: an integer from 0 to 2147483647");
  *key = *name;
  return value(object{{"name", *name}, {"description", *description}, {"owner", *owner}, {"activeSchemaVersion", active}});
}

Result<value> NormalizeSchema(const object& o, const std::string& where, std::string* key) {
  RT_TRY(CheckFields(o, {"topic", "versions"}, where));
  auto topic = Text(o, "topic", 200, false, where);
  if (!topic.ok()) return topic.take_error();
  if (!registry::IsValidRegisteredTopicName(*topic)) return Error::Validation(where + ".topic: not a topic name");
  const value* versions = o.if_contains("versions");
  if (versions == nullptr || !versions->is_array() || versions->get_array().empty())
    return Error::Validation(where + ".versions: required, a non-empty array of {version, schema, compatibilityMode}");
  array out;
  int64_t last = 0;
  for (size_t i = 0; i < versions->get_array().size(); ++i) {
    const std::string at = where + ".versions[" + std::to_string(i) + "]";
    const object* v = versions->get_array()[i].if_object();
    if (v == nullptr) return Error::Validation(at + ": must be an object");
    RT_TRY(CheckFields(*v, {"version", "schema", "compatibilityMode"}, at));
    bool bad = false;
    const int64_t n = IntOr(*v, "version", 0, &bad);
    if (bad || n <= last) return Error::Validation(at + ".version: positive integers in ascending order");
    last = n;
    const value* schema = v->if_contains("schema");
    if (schema == nullptr) return Error::Validation(at + ".schema: required");
    auto compiled = registry::JsonSchema::Compile(*schema);
    if (!compiled.ok()) return Error::Validation(at + ".schema: " + compiled.error().message);
    std::string mode = "backward";
    if (const value* m = v->if_contains("compatibilityMode")) {
      if (!m->is_string() || !registry::ParseCompatibilityMode(m->get_string()))
        return Error::Validation(at + ".compatibilityMode: one of " + registry::CompatibilityModeList());
      mode = std::string(m->get_string());
    }
    out.push_back(object{{"version", n}, {"schema", *schema}, {"compatibilityMode", mode}});
  }
  *key = *topic;
  return value(object{{"topic", *topic}, {"versions", std::move(out)}});
}

Result<value> NormalizeMapping(const object& o, const std::string& where, std::string* key) {
  RT_TRY(CheckFields(o, {"id", "version", "active", "definition"}, where));
  auto id = Text(o, "id", 100, false, where);
  if (!id.ok()) return id.take_error();
  bool bad = false;
  const int64_t version = IntOr(o, "version", 1, &bad);
  if (bad || version < 1) return Error::Validation(where + ".version: a positive integer");
  const value* active = o.if_contains("active");
  if (active != nullptr && !active->is_bool()) return Error::Validation(where + ".active: true or false");
  const value* def = o.if_contains("definition");
  if (def == nullptr || !def->is_object()) return Error::Validation(where + ".definition: required, an object");
  object body = def->get_object();
  for (auto f : {"id", "environment", "version", "active"})
    if (body.contains(f)) return Error::Validation(where + ".definition." + f + ": set it on the mapping, not here");
  body["id"] = *id;
  body["version"] = version;
  auto m = cdc::ParseMapping(body);
  if (!m.ok()) return Error::Validation(where + ".definition: " + m.error().message);
  object definition = cdc::MappingToJson(*m);
  for (auto f : {"id", "environment", "version", "active"}) definition.erase(f);
  *key = *id;
  return value(object{{"id", *id},
                      {"version", version},
                      {"active", active == nullptr || active->get_bool()},
                      {"definition", std::move(definition)}});
}

Result<value> NormalizeWebhook(const object& o, const webhooks::UrlRules& rules, const std::string& where,
                               std::string* key) {
  RT_TRY(CheckFields(o, {"key", "url", "events", "topics", "active", "signatureScheme", "maxConcurrency", "ordering",
                         "description"},
                     where));
  auto k = Text(o, "key", 100, false, where);
  if (!k.ok()) return k.take_error();
  object body = o;
  body.erase("key");
  body["secret"] = "whsec_" + std::string(32, 'A');  // secrets never travel in documents
  auto spec = webhooks::ParseEndpointSpec(body, rules);
  if (!spec.ok()) return Error::Validation(where + ": " + spec.error().message);
  array events, topics;
  for (const auto& e : spec->events) events.emplace_back(e);
  for (const auto& t : spec->topics) topics.emplace_back(t);
  *key = *k;
  return value(object{{"key", *k},
                      {"url", spec->url},
                      {"events", std::move(events)},
                      {"topics", std::move(topics)},
                      {"active", spec->active},
                      {"signatureScheme", spec->signature_scheme},
                      {"maxConcurrency", spec->max_concurrency},
                      {"ordering", spec->ordering},
                      {"description", spec->description}});
}

}  // namespace

Result<object> DeploymentService::Export(const Scope& scope) {
  object doc{{"format", kFormat}};
  Status st = db_.Transaction([&](store::DbSession& s) -> Status {
    for (EntityType type : kEntityTypes) {
      auto keys = ListKeys(s, scope, type);
      if (!keys.ok()) return keys.take_error();
      array list;
      for (const auto& key : *keys) {
        auto e = ReadEntity(s, scope, type, key);
        if (!e.ok()) return e.take_error();
        if (e->exists) list.push_back(SortedKeys(e->canonical));
      }
      doc[TypePlural(type)] = std::move(list);
    }
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  return doc;
}

Result<object> DeploymentService::Import(const Scope& scope, const Actor& actor, const value& document,
                                         const ImportOptions& options) {
  if (!document.is_object()) return Error::Validation("The body must be a config document (GET /api/config/export)");
  const object& doc = document.get_object();
  RT_TRY(CheckFields(doc, {"format", "topics", "schemas", "mappings", "webhooks", "secrets"}, "document"));
  if (const value* f = doc.if_contains("format"); f && *f != value(kFormat))
    return Error::Validation(std::string("format: must be \"") + kFormat + "\"");
  std::vector<NewItem> items;
  std::set<std::pair<int, std::string>> listed;
  for (EntityType type : kEntityTypes) {
    const value* section = doc.if_contains(TypePlural(type));
    if (section == nullptr || section->is_null()) continue;
    if (!section->is_array()) return Error::Validation(std::string(TypePlural(type)) + ": must be an array");
    for (size_t i = 0; i < section->get_array().size(); ++i) {
      const std::string where = std::string(TypePlural(type)) + "[" + std::to_string(i) + "]";
      const object* o = section->get_array()[i].if_object();
      if (o == nullptr) return Error::Validation(where + ": must be an object");
      std::string key;
      Result<value> c = type == EntityType::kTopic    ? NormalizeTopic(*o, where, &key)
                        : type == EntityType::kSchema ? NormalizeSchema(*o, where, &key)
                        : type == EntityType::kMapping ? NormalizeMapping(*o, where, &key)
                                                       : NormalizeWebhook(*o, url_rules_, where, &key);
      if (!c.ok()) return c.take_error();
      if (!listed.insert({static_cast<int>(type), key}).second)
        return Error::Validation(where + ": " + TypeName(type) + " " + key + " appears twice");
      items.push_back({type, key, std::move(*c)});
    }
  }
  if (options.prune) {  // what the target has and the document lacks is deleted
    Status st = db_.Transaction([&](store::DbSession& s) -> Status {
      for (EntityType type : kEntityTypes) {
        auto keys = ListKeys(s, scope, type);
        if (!keys.ok()) return keys.take_error();
        for (const auto& key : *keys)
          if (!listed.contains({static_cast<int>(type), key})) items.push_back({type, key, value(nullptr)});
      }
      return Ok();
    });
    if (!st.ok()) return st.take_error();
  }
  if (items.size() > kMaxItems)
    return Error::Validation("The document has more than " + std::to_string(kMaxItems) + " entities");
  auto created = Insert(scope.application_id, actor, "Import into " + scope.environment, "", "import", "",
                        scope.environment, items);
  if (!created.ok()) return created.take_error();
  const std::string id(created->at("id").as_string());
  auto report = Report(scope.application_id, id, actor);
  if (!report.ok()) return report.take_error();
  if (!options.dry_run) {
    value body = object{{"secrets", doc.contains("secrets") ? doc.at("secrets") : value(nullptr)}};
    auto executed = Execute(scope.application_id, id, actor, body);
    if (!executed.ok()) return executed.take_error();
    return object{{"deployment", std::move(*executed)}, {"report", std::move(*report)}};
  }
  auto deployment = Get(scope.application_id, id);
  if (!deployment.ok()) return deployment.take_error();
  return object{{"deployment", std::move(*deployment)}, {"report", std::move(*report)}};
}

}  // namespace rt::deploy
