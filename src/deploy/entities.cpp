#include "deploy/entities.h"

#include <algorithm>

#include "core/encoding.h"
#include "core/json.h"

namespace rt::deploy {

const char* TypeName(EntityType type) {
  switch (type) {
    case EntityType::kTopic: return "topic";
    case EntityType::kSchema: return "schema";
    case EntityType::kMapping: return "mapping";
    case EntityType::kWebhook: return "webhook";
  }
  return "topic";
}

const char* TypePlural(EntityType type) {
  switch (type) {
    case EntityType::kTopic: return "topics";
    case EntityType::kSchema: return "schemas";
    case EntityType::kMapping: return "mappings";
    case EntityType::kWebhook: return "webhooks";
  }
  return "topics";
}

std::optional<EntityType> ParseType(std::string_view name) {
  for (EntityType t : kEntityTypes)
    if (name == TypeName(t) || name == TypePlural(t)) return t;
  return std::nullopt;
}

Result<EntityState> ReadEntity(store::DbSession& s, const Scope& scope, EntityType type, const std::string& key) {
  switch (type) {
    case EntityType::kTopic: return detail::ReadTopic(s, scope, key);
    case EntityType::kSchema: return detail::ReadSchema(s, scope, key);
    case EntityType::kMapping: return detail::ReadMapping(s, scope, key);
    case EntityType::kWebhook: return detail::ReadWebhook(s, scope, key);
  }
  return Error::Internal("unknown entity type");
}

Result<std::vector<std::string>> ListKeys(store::DbSession& s, const Scope& scope, EntityType type) {
  const char* sql = "";
  switch (type) {
    case EntityType::kTopic: sql = "SELECT name FROM topics WHERE application_id = $1 AND environment = $2"; break;
    case EntityType::kSchema:
      sql = "SELECT DISTINCT topic FROM schemas WHERE application_id = $1 AND environment = $2";
      break;
    case EntityType::kMapping:
      sql = "SELECT id FROM cdc_mappings WHERE application_id = $1 AND environment = $2";
      break;
    case EntityType::kWebhook:
      sql = "SELECT CASE WHEN origin_id = '' THEN id ELSE origin_id END FROM webhook_endpoints "
            "WHERE application_id = $1 AND environment = $2";
      break;
  }
  auto r = s.Exec(sql, {scope.application_id, scope.environment});
  if (!r.ok()) return r.take_error();
  std::vector<std::string> keys;
  for (const auto& row : r->rows) keys.push_back(store::AsString(row[0]));
  std::sort(keys.begin(), keys.end());  // byte order on both engines
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

Status WriteEntity(store::DbSession& s, const Scope& scope, EntityType type, const std::string& key,
                   const boost::json::value& canonical, const EntityState& current, WriteContext& ctx) {
  switch (type) {
    case EntityType::kTopic: return detail::WriteTopic(s, scope, key, canonical, current, ctx);
    case EntityType::kSchema: return detail::WriteSchema(s, scope, key, canonical, current, ctx);
    case EntityType::kMapping: return detail::WriteMapping(s, scope, key, canonical, current, ctx);
    case EntityType::kWebhook: return detail::WriteWebhook(s, scope, key, canonical, current, ctx);
  }
  return Error::Internal("unknown entity type");
}

Status RestoreEntity(store::DbSession& s, const Scope& scope, EntityType type, const std::string& key,
                     const boost::json::object& images) {
  switch (type) {
    case EntityType::kTopic: return detail::RestoreTopic(s, scope, key, images);
    case EntityType::kSchema: return detail::RestoreSchema(s, scope, key, images);
    case EntityType::kMapping: return detail::RestoreMapping(s, scope, key, images);
    case EntityType::kWebhook: return detail::RestoreWebhook(s, scope, key, images);
  }
  return Error::Internal("unknown entity type");
}

boost::json::value SortedKeys(const boost::json::value& v) {
  if (v.is_array()) {
    boost::json::array out;
    for (const auto& e : v.get_array()) out.push_back(SortedKeys(e));
    return out;
  }
  if (!v.is_object()) return v;
  std::vector<std::pair<std::string, const boost::json::value*>> fields;
  for (const auto& [k, e] : v.get_object()) fields.emplace_back(std::string(k), &e);
  std::sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  boost::json::object out;
  for (const auto& [k, e] : fields) out[k] = SortedKeys(*e);
  return out;
}

std::string CanonicalText(const boost::json::value& v) { return json::Serialize(SortedKeys(v)); }

std::string Fingerprint(const boost::json::value& canonical) {
  if (canonical.is_null()) return "absent";
  return LowerHex(Sha256(CanonicalText(canonical))).substr(0, 16);
}

boost::json::value VersionOf(EntityType type, const boost::json::value& c) {
  if (!c.is_object()) return nullptr;
  const auto& o = c.get_object();
  if (type == EntityType::kMapping) {
    if (const auto* v = o.if_contains("version")) return *v;
  } else if (type == EntityType::kSchema) {
    if (const auto* vs = o.if_contains("versions"); vs && vs->is_array() && !vs->get_array().empty()) {
      const auto& last = vs->get_array().back();
      if (last.is_object())
        if (const auto* v = last.get_object().if_contains("version")) return *v;
    }
  }
  return nullptr;
}

namespace detail {
const boost::json::array& Rows(const boost::json::object& images, std::string_view table) {
  static const boost::json::array kEmpty;
  const auto* v = images.if_contains(table);
  return v && v->is_array() ? v->get_array() : kEmpty;
}
}  // namespace detail

}  // namespace rt::deploy
