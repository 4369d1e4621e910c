// CDC mappings as deployment entities (deploy/entities.h).
#include "cdc/mapping.h"
#include "core/json.h"
#include "deploy/entities.h"
#include "store/row_image.h"

namespace rt::deploy::detail {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr const char* kMappingWhere = "application_id = $1 AND environment = $2 AND id = $3";
constexpr const char* kChildWhere = "application_id = $1 AND environment = $2 AND mapping_id = $3";

store::DbParams KeyParams(const Scope& scope, const std::string& key) {
  return {scope.application_id, scope.environment, key};
}

// The fields of a stored definition that belong to the row, not to what the mapping does.
constexpr std::string_view kRowFields[] = {"id", "environment", "version", "active"};

Status DeleteAll(store::DbSession& s, const Scope& scope, const std::string& key) {
  RT_TRY(s.Exec(std::string("DELETE FROM cdc_mappings WHERE ") + kMappingWhere, KeyParams(scope, key)));
  RT_TRY(s.Exec(std::string("DELETE FROM cdc_mapping_versions WHERE ") + kChildWhere, KeyParams(scope, key)));
  RT_TRY(s.Exec(std::string("DELETE FROM cdc_subscriptions WHERE ") + kChildWhere, KeyParams(scope, key)));
  return Ok();
}

}  // namespace

Result<EntityState> ReadMapping(store::DbSession& s, const Scope& scope, const std::string& key) {
  auto rows = store::SelectRows(s, "cdc_mappings", kMappingWhere, KeyParams(scope, key), "id");
  if (!rows.ok()) return rows.take_error();
  auto versions = store::SelectRows(s, "cdc_mapping_versions", kChildWhere, KeyParams(scope, key), "version");
  if (!versions.ok()) return versions.take_error();
  auto subscriptions = store::SelectRows(s, "cdc_subscriptions", kChildWhere, KeyParams(scope, key), "id");
  if (!subscriptions.ok()) return subscriptions.take_error();
  EntityState st;
  if (!rows->empty()) {
    const object& row = (*rows)[0].get_object();
    auto def = json::ParseObject(row.at("definition").as_string());
    object definition = def.ok() ? std::move(*def) : object{};
    for (auto field : kRowFields) definition.erase(field);
    st.exists = true;
    st.canonical = object{{"id", key},
                          {"version", row.at("version")},
                          {"active", row.at("active").to_number<int64_t>() != 0},
                          {"definition", std::move(definition)}};
  }
  st.images = object{{"cdc_mappings", std::move(*rows)},
                     {"cdc_mapping_versions", std::move(*versions)},
                     {"cdc_subscriptions", std::move(*subscriptions)}};
  return st;
}

Status WriteMapping(store::DbSession& s, const Scope& scope, const std::string& key, const value& c,
                    const EntityState& current, WriteContext& ctx) {
  if (c.is_null()) return DeleteAll(s, scope, key);
  const object* o = c.if_object();
  const value* definition = o ? o->if_contains("definition") : nullptr;
  if (definition == nullptr || !definition->is_object())
    return Error::Validation("mapping " + key + ": definition must be an object");
  object body = definition->get_object();
  body["id"] = key;
  body["environment"] = scope.environment;
  if (const value* v = o->if_contains("version")) body["version"] = *v;
  if (const value* v = o->if_contains("active")) body["active"] = *v;
  auto m = cdc::ParseMapping(body);
  if (!m.ok()) return Error::Validation("mapping " + key + ": " + m.error().message);
  const std::string text = json::Serialize(cdc::MappingToJson(*m));
  const int64_t created = current.exists ? Rows(current.images, "cdc_mappings")[0].at("created_at").to_number<int64_t>()
                                         : ctx.now_ms;
  auto r = s.Exec(
      "INSERT INTO cdc_mappings (id, application_id, environment, table_name, topic, definition, version, active, "
      "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id, environment) DO "
      "UPDATE SET table_name = excluded.table_name, topic = excluded.topic, definition = excluded.definition, "
      "version = excluded.version, active = excluded.active, updated_at = excluded.updated_at "
      "WHERE cdc_mappings.application_id = excluded.application_id",
      {key, scope.application_id, scope.environment, m->TableName(), m->topic, text, m->version,
       int64_t{m->active ? 1 : 0}, created, ctx.now_ms});
  if (!r.ok()) return r.take_error();
  if (r->affected_rows == 0)
    return Error::Conflict("Mapping id " + key + " is taken by another application in " + scope.environment);
  // The deployed version joins the target's version history.
  RT_TRY(s.Exec("INSERT INTO cdc_mapping_versions (mapping_id, application_id, environment, version, definition, "
                "created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (mapping_id, environment, version) DO UPDATE "
                "SET definition = excluded.definition, created_at = excluded.created_at",
                {key, scope.application_id, scope.environment, m->version, text, ctx.now_ms}));
  return Ok();
}

Status RestoreMapping(store::DbSession& s, const Scope& scope, const std::string& key, const object& images) {
  RT_TRY(DeleteAll(s, scope, key));
  for (const auto& row : Rows(images, "cdc_mappings"))
    RT_TRY(store::UpsertRow(s, "cdc_mappings", {"id", "environment"}, row.get_object()));
  for (const auto& row : Rows(images, "cdc_mapping_versions"))
    RT_TRY(store::UpsertRow(s, "cdc_mapping_versions", {"mapping_id", "environment", "version"}, row.get_object()));
  for (const auto& row : Rows(images, "cdc_subscriptions"))
    RT_TRY(store::UpsertRow(s, "cdc_subscriptions", {"id"}, row.get_object()));
  return Ok();
}

}  // namespace rt::deploy::detail
