// Topics and schemas as deployment entities (deploy/entities.h).
#include <map>

#include "core/json.h"
#include "deploy/entities.h"
#include "store/row_image.h"

namespace rt::deploy::detail {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr const char* kTopicWhere = "application_id = $1 AND environment = $2 AND name = $3";
constexpr const char* kSchemaWhere = "application_id = $1 AND environment = $2 AND topic = $3";
const std::vector<std::string> kTopicKey{"application_id", "environment", "name"};
const std::vector<std::string> kSchemaKey{"application_id", "environment", "topic", "version"};

store::DbParams KeyParams(const Scope& scope, const std::string& key) {
  return {scope.application_id, scope.environment, key};
}

const value* Field(const value& c, std::string_view name) {
  return c.is_object() ? c.get_object().if_contains(name) : nullptr;
}

Result<std::string> StringField(const value& c, std::string_view name) {
  const value* v = Field(c, name);
  if (v == nullptr || !v->is_string()) return Error::Validation(std::string(name) + " must be a string");
  return std::string(v->get_string());
}

Result<int64_t> IntField(const value& c, std::string_view name) {
  const value* v = Field(c, name);
  if (v != nullptr && v->is_int64() && v->get_int64() >= 0) return v->get_int64();
  if (v != nullptr && v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  return Error::Validation(std::string(name) + " must be a non-negative integer");
}

}  // namespace

Result<EntityState> ReadTopic(store::DbSession& s, const Scope& scope, const std::string& key) {
  auto rows = store::SelectRows(s, "topics", kTopicWhere, KeyParams(scope, key), "name");
  if (!rows.ok()) return rows.take_error();
  EntityState st;
  if (rows->empty()) {
    st.images = object{{"topics", array{}}, {"schemas", array{}}};
    return st;
  }
  const object& row = (*rows)[0].get_object();
  st.exists = true;
  st.canonical = object{{"name", row.at("name")},
                        {"description", row.at("description")},
                        {"owner", row.at("owner")},
                        {"activeSchemaVersion", row.at("active_schema_version")}};
  // A topic's schema rows go with it: deleting a topic deletes them (ON DELETE CASCADE), so a
  // rollback of that delete must be able to bring them back.
  auto schemas = store::SelectRows(s, "schemas", kSchemaWhere, KeyParams(scope, key), "version");
  if (!schemas.ok()) return schemas.take_error();
  st.images = object{{"topics", std::move(*rows)}, {"schemas", std::move(*schemas)}};
  return st;
}

Status WriteTopic(store::DbSession& s, const Scope& scope, const std::string& key, const value& c,
                  const EntityState& current, WriteContext& ctx) {
  if (c.is_null()) {
    RT_TRY(s.Exec(std::string("DELETE FROM topics WHERE ") + kTopicWhere, KeyParams(scope, key)));
    return Ok();
  }
  auto description = StringField(c, "description");
  if (!description.ok()) return description.take_error();
  auto owner = StringField(c, "owner");
  if (!owner.ok()) return owner.take_error();
  auto active = IntField(c, "activeSchemaVersion");
  if (!active.ok()) return active.take_error();
  (void)current;
  RT_TRY(s.Exec("INSERT INTO topics (application_id, environment, name, description, owner, active_schema_version, "
                "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) "
                "ON CONFLICT (application_id, environment, name) DO UPDATE SET description = excluded.description, "
                "owner = excluded.owner, active_schema_version = excluded.active_schema_version, "
                "updated_at = excluded.updated_at",
                {scope.application_id, scope.environment, key, *description, *owner, *active, ctx.now_ms}));
  return Ok();
}

Status RestoreTopic(store::DbSession& s, const Scope& scope, const std::string& key, const object& images) {
  const array& topics = Rows(images, "topics");
  if (topics.empty()) {
    RT_TRY(s.Exec(std::string("DELETE FROM topics WHERE ") + kTopicWhere, KeyParams(scope, key)));
    return Ok();
  }
  RT_TRY(store::UpsertRow(s, "topics", kTopicKey, topics[0].get_object()));
  for (const auto& row : Rows(images, "schemas")) RT_TRY(store::InsertRowIfAbsent(s, "schemas", kSchemaKey, row.get_object()));
  return Ok();
}

Result<EntityState> ReadSchema(store::DbSession& s, const Scope& scope, const std::string& key) {
  auto rows = store::SelectRows(s, "schemas", kSchemaWhere, KeyParams(scope, key), "version");
  if (!rows.ok()) return rows.take_error();
  EntityState st;
  if (!rows->empty()) {
    array versions;
    for (const auto& r : *rows) {
      const object& row = r.get_object();
      auto schema = json::Parse(row.at("definition").is_string() ? std::string_view(row.at("definition").get_string())
                                                                  : std::string_view("null"));
      versions.push_back(object{{"version", row.at("version")},
                                {"schema", schema.ok() ? std::move(*schema) : value(nullptr)},
                                {"compatibilityMode", row.at("compatibility_mode")}});
    }
    st.exists = true;
    st.canonical = object{{"topic", key}, {"versions", std::move(versions)}};
  }
  st.images = object{{"schemas", std::move(*rows)}};
  return st;
}

Status WriteSchema(store::DbSession& s, const Scope& scope, const std::string& key, const value& c,
                   const EntityState& current, WriteContext& ctx) {
  if (c.is_null()) {
    RT_TRY(s.Exec(std::string("DELETE FROM schemas WHERE ") + kSchemaWhere, KeyParams(scope, key)));
    return Ok();
  }
  const value* versions = Field(c, "versions");
  if (versions == nullptr || !versions->is_array()) return Error::Validation("versions must be an array");
  // What the target holds now, by version: the stored definition (parsed) and mode.
  std::map<int64_t, std::pair<value, std::string>> held;
  for (const auto& r : Rows(current.images, "schemas")) {
    const object& row = r.get_object();
    auto def = json::Parse(row.at("definition").as_string());
    held[row.at("version").to_number<int64_t>()] = {def.ok() ? std::move(*def) : value(nullptr),
                                                     std::string(row.at("compatibility_mode").as_string())};
  }
  std::map<int64_t, const value*> wanted;
  for (const auto& v : versions->get_array()) {
    auto n = IntField(v, "version");
    if (!n.ok() || *n < 1) return Error::Validation("versions[].version must be a positive integer");
    wanted[*n] = &v;
  }
  for (const auto& [n, unused] : held) {
    if (!wanted.contains(n))
      RT_TRY(s.Exec(std::string("DELETE FROM schemas WHERE ") + kSchemaWhere + " AND version = $4",
                    {scope.application_id, scope.environment, key, n}));
  }
  for (const auto& [n, v] : wanted) {
    const value* schema = Field(*v, "schema");
    auto mode = StringField(*v, "compatibilityMode");
    if (schema == nullptr || !mode.ok()) return Error::Validation("versions[] need schema and compatibilityMode");
    auto it = held.find(n);
    if (it != held.end() && it->second.first == *schema && it->second.second == *mode) continue;
    RT_TRY(s.Exec("INSERT INTO schemas (application_id, environment, topic, version, definition, compatibility_mode, "
                  "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                  "ON CONFLICT (application_id, environment, topic, version) DO UPDATE SET "
                  "definition = excluded.definition, compatibility_mode = excluded.compatibility_mode, "
                  "created_at = excluded.created_at",
                  {scope.application_id, scope.environment, key, n, json::Serialize(*schema), *mode, ctx.now_ms}));
  }
  return Ok();
}

Status RestoreSchema(store::DbSession& s, const Scope& scope, const std::string& key, const object& images) {
  const array& rows = Rows(images, "schemas");
  RT_TRY(s.Exec(std::string("DELETE FROM schemas WHERE ") + kSchemaWhere, KeyParams(scope, key)));
  for (const auto& row : rows) RT_TRY(store::UpsertRow(s, "schemas", kSchemaKey, row.get_object()));
  return Ok();
}

}  // namespace rt::deploy::detail
