// The environment grid and batch promotion (deploy/deployment_service.h, docs/deployments.md
// "Environment grid"). A cell's state compares the entity in an environment with the nearest
// earlier environment (development -> staging -> production) that has it:
//   synced  (green)   equal canonical forms, or no earlier environment has it
//   newer   (yellow)  the earlier environment holds another version: a promotion is available
//   missing (red)     absent here while another environment has it
#include <map>

#include "deploy/deployment_service.h"
#include "registry/application_service.h"

namespace rt::deploy {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;
using registry::kEnvironments;

const char* ColorOf(std::string_view state) {
  return state == "synced" ? "green" : state == "newer" ? "yellow" : "red";
}

// What the grid shows beside the key: a mapping's "table -> topic", a webhook's URL.
value LabelOf(EntityType type, const value& c) {
  if (!c.is_object()) return nullptr;
  const object& o = c.get_object();
  if (type == EntityType::kWebhook) return o.at("url");
  if (type == EntityType::kMapping)
    if (const value* d = o.if_contains("definition"); d && d->is_object()) {
      const object& def = d->get_object();
      const value* table = def.if_contains("table");
      const value* topic = def.if_contains("topic");
      if (table && topic && table->is_string() && topic->is_string())
        return value(std::string(table->get_string()) + " -> " + std::string(topic->get_string()));
    }
  return nullptr;
}

}  // namespace

Result<object> DeploymentService::Grid(const std::string& app, std::optional<EntityType> only) {
  array entities;
  Status st = db_.Transaction([&](store::DbSession& s) -> Status {
    for (EntityType type : kEntityTypes) {
      if (only && *only != type) continue;
      // key -> per environment index: the canonical form (null when absent)
      std::map<std::string, std::array<value, kEnvironments.size()>> states;
      for (size_t e = 0; e < kEnvironments.size(); ++e) {
        const Scope scope{app, kEnvironments[e]};
        auto keys = ListKeys(s, scope, type);
        if (!keys.ok()) return keys.take_error();
        for (const auto& key : *keys) {
          auto entity = ReadEntity(s, scope, type, key);
          if (!entity.ok()) return entity.take_error();
          states[key][e] = std::move(entity->canonical);
        }
      }
      for (const auto& [key, per_env] : states) {
        object cells;
        value label = nullptr;
        for (size_t e = 0; e < kEnvironments.size(); ++e) {
          const value& c = per_env[e];
          if (label.is_null()) label = LabelOf(type, c);
          std::string state = "missing";
          if (!c.is_null()) {
            state = "synced";
            for (size_t up = e; up-- > 0;) {
              if (per_env[up].is_null()) continue;
              if (Fingerprint(per_env[up]) != Fingerprint(c)) state = "newer";
              break;
            }
          }
          object cell{{"state", state}, {"color", ColorOf(state)}};
          if (!c.is_null()) {
            cell["version"] = VersionOf(type, c);
            cell["fingerprint"] = Fingerprint(c);
          }
          cells[kEnvironments[e]] = std::move(cell);
        }
        entities.push_back(object{{"type", TypeName(type)},
                                  {"id", key},
                                  {"label", std::move(label)},
                                  {"environments", std::move(cells)}});
      }
    }
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  array envs;
  for (const char* e : kEnvironments) envs.emplace_back(e);
  return object{{"environments", std::move(envs)}, {"entities", std::move(entities)}};
}

Result<object> DeploymentService::Promote(const std::string& app, const Actor& actor, const value& body) {
  if (!body.is_object()) return Error::Validation("The body must be a JSON object {type, ids, from?, to}");
  const object& o = body.get_object();
  for (const auto& [k, v] : o)
    if (k != "type" && k != "ids" && k != "from" && k != "to" && k != "secrets")
      return Error::Validation("Unknown field '" + std::string(k) + "': promote takes type, ids, from, to, secrets");
  const value* type = o.if_contains("type");
  auto t = type && type->is_string() ? ParseType(type->get_string()) : std::nullopt;
  if (!t) return Error::Validation("type: one of topic, schema, mapping, webhook");
  const value* to = o.if_contains("to");
  if (to == nullptr || !to->is_string() || !registry::IsValidEnvironment(to->get_string()))
    return Error::Validation("to: required, one of development, staging, production");
  std::string from;
  if (const value* f = o.if_contains("from"); f && !f->is_null()) {
    if (!f->is_string() || !registry::IsValidEnvironment(f->get_string()))
      return Error::Validation("from: one of development, staging, production");
    from = std::string(f->get_string());
  } else {
    for (size_t e = 1; e < kEnvironments.size(); ++e)
      if (to->get_string() == kEnvironments[e]) from = kEnvironments[e - 1];
    if (from.empty()) return Error::Validation("from: required when promoting into development");
  }
  const value* ids = o.if_contains("ids");
  if (ids == nullptr || !ids->is_array() || ids->get_array().empty())
    return Error::Validation("ids: required, a non-empty array of entity ids");
  array items;
  for (const auto& id : ids->get_array()) items.push_back(object{{"type", TypeName(*t)}, {"id", id}});
  value create = object{{"name", "Promote " + std::string(TypePlural(*t)) + " " + from + " -> " +
                                     std::string(to->get_string())},
                        {"sourceEnvironment", from},
                        {"targetEnvironment", *to},
                        {"items", std::move(items)}};
  auto created = Create(app, actor, create);
  if (!created.ok()) return created.take_error();
  const std::string id(created->at("id").as_string());
  value exec = object{{"secrets", o.contains("secrets") ? o.at("secrets") : value(nullptr)}};
  return Execute(app, id, actor, exec);
}

}  // namespace rt::deploy
