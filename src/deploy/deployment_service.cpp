#include "deploy/deployment_service.h"

#include <set>

#include "core/ids.h"
#include "core/json.h"
#include "deploy/report.h"
#include "registry/application_service.h"

namespace rt::deploy {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;


Result<std::string> Environment(const object& body, std::string_view field) {
  const value* v = body.if_contains(field);
  if (v == nullptr || !v->is_string() || !registry::IsValidEnvironment(v->get_string()))
    return Error::Validation(std::string(field) + ": required, one of development, staging, production");
  return std::string(v->get_string());
}

std::string OptionalString(const object& body, std::string_view field, size_t max, Status* error) {
  const value* v = body.if_contains(field);
  if (v == nullptr || v->is_null()) return "";
  if (!v->is_string() || v->get_string().size() > max) {
    *error = Error::Validation(std::string(field) + ": must be a string of at most " + std::to_string(max) +
                               " characters");
    return "";
  }
  return std::string(v->get_string());
}

}  // namespace

Result<object> DeploymentService::Create(const std::string& app, const Actor& actor, const value& body) {
  if (!body.is_object()) return Error::Validation("The body must be a JSON object");
  const object& o = body.get_object();
  static constexpr std::string_view kKnown[] = {"name", "description", "sourceEnvironment", "targetEnvironment",
                                                "items"};
  for (const auto& [k, v] : o) {
    bool known = false;
    for (auto n : kKnown) known = known || k == n;
    if (!known)
      return Error::Validation("Unknown field '" + std::string(k) +
                               "': a deployment has name, description, sourceEnvironment, targetEnvironment, items");
  }
  auto source = Environment(o, "sourceEnvironment");
  if (!source.ok()) return source.take_error();
  auto target = Environment(o, "targetEnvironment");
  if (!target.ok()) return target.take_error();
  if (*source == *target) return Error::Validation("targetEnvironment: must differ from sourceEnvironment");
  Status error;
  std::string name = OptionalString(o, "name", 200, &error);
  std::string description = OptionalString(o, "description", 2000, &error);
  if (!error.ok()) return error.take_error();
  const value* items = o.if_contains("items");
  if (items == nullptr || !items->is_array() || items->get_array().empty() ||
      items->get_array().size() > kMaxItems)
    return Error::Validation("items: required, 1-" + std::to_string(kMaxItems) + " entries {type, id}");
  std::vector<NewItem> list;
  std::set<std::pair<int, std::string>> seen;
  for (size_t i = 0; i < items->get_array().size(); ++i) {
    const value& it = items->get_array()[i];
    const std::string where = "items[" + std::to_string(i) + "]";
    const object* io = it.if_object();
    const value* type = io ? io->if_contains("type") : nullptr;
    const value* id = io ? io->if_contains("id") : nullptr;
    auto t = type && type->is_string() ? ParseType(type->get_string()) : std::nullopt;
    if (!t) return Error::Validation(where + ".type: one of topic, schema, mapping, webhook");
    if (id == nullptr || !id->is_string() || id->get_string().empty() || id->get_string().size() > 200)
      return Error::Validation(where + ".id: a non-empty string (topic name, mapping id or webhook id)");
    if (!seen.insert({static_cast<int>(*t), std::string(id->get_string())}).second)
      return Error::Validation(where + ": " + std::string(TypeName(*t)) + " " + std::string(id->get_string()) +
                               " is listed twice");
    list.push_back({*t, std::string(id->get_string()), std::nullopt});
  }
  // Every item must exist on one side (absent in the source and present in the target = delete).
  Status st = db_.Transaction([&](store::DbSession& s) -> Status {
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i].type == EntityType::kWebhook) {  // an endpoint's own id (a copy's) names its key
        auto key = s.Exec("SELECT origin_id FROM webhook_endpoints WHERE application_id = $1 AND id = $2 AND "
                          "environment IN ($3, $4) AND origin_id <> ''",
                          {app, list[i].key, *source, *target});
        if (!key.ok()) return key.take_error();
        if (!key->rows.empty()) list[i].key = store::AsString(key->rows[0][0]);
      }
      bool found = false;
      for (const auto& env : {*source, *target}) {
        auto e = ReadEntity(s, {app, env}, list[i].type, list[i].key);
        if (!e.ok()) return e.take_error();
        found = found || e->exists;
      }
      if (!found)
        return Error::Validation("items[" + std::to_string(i) + "]: " + TypeName(list[i].type) + " " + list[i].key +
                                 " exists in neither " + *source + " nor " + *target);
    }
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  return Insert(app, actor, std::move(name), std::move(description), "environment", *source, *target, list);
}

Result<object> DeploymentService::Insert(const std::string& app, const Actor& actor, std::string name,
                                         std::string description, std::string source_kind, std::string source_env,
                                         std::string target_env, const std::vector<NewItem>& items) {
  store::DeploymentRow row;
  row.id = NewId("dep");
  row.application_id = app;
  row.name = std::move(name);
  row.description = std::move(description);
  row.source_kind = std::move(source_kind);
  row.source_environment = std::move(source_env);
  row.target_environment = std::move(target_env);
  row.state = "draft";
  row.created_by = actor.id;
  row.created_at = NowMs();
  detail::AddStep(row, "created", actor, row.created_at);
  std::vector<store::DeploymentItemRow> rows;
  for (size_t i = 0; i < items.size(); ++i) {
    store::DeploymentItemRow it;
    it.position = static_cast<int64_t>(i);
    it.entity_type = TypeName(items[i].type);
    it.entity_id = items[i].key;
    if (items[i].source) it.source_state = CanonicalText(*items[i].source);
    rows.push_back(std::move(it));
  }
  RT_TRY(db_.Transaction([&](store::DbSession& s) { return store::deployments::Insert(s, row, rows); }));
  return detail::DeploymentToJson(row, rows);
}

Result<array> DeploymentService::List(const std::string& app, const store::DeploymentListFilter& filter) {
  array out;
  Status st = db_.Transaction([&](store::DbSession& s) -> Status {
    auto rows = store::deployments::List(s, app, filter);
    if (!rows.ok()) return rows.take_error();
    for (const auto& row : *rows) {
      auto items = store::deployments::Items(s, row.id);
      if (!items.ok()) return items.take_error();
      out.push_back(detail::DeploymentToJson(row, *items));
    }
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  return out;
}

Result<object> DeploymentService::Load(store::DbSession& s, const std::string& app, const std::string& id) {
  auto row = store::deployments::Get(s, app, id);
  if (!row.ok()) return row.take_error();
  if (!*row) return detail::NotFound(id);
  auto items = store::deployments::Items(s, id);
  if (!items.ok()) return items.take_error();
  return detail::DeploymentToJson(**row, *items);
}

Result<object> DeploymentService::Get(const std::string& app, const std::string& id) {
  object out;
  Status st = db_.Transaction([&](store::DbSession& s) -> Status {
    auto d = Load(s, app, id);
    if (!d.ok()) return d.take_error();
    out = std::move(*d);
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  return out;
}

Status DeploymentService::Delete(const std::string& app, const std::string& id) {
  return db_.Transaction([&](store::DbSession& s) -> Status {
    auto row = store::deployments::Get(s, app, id);
    if (!row.ok()) return row.take_error();
    if (!*row) return detail::NotFound(id);
    if ((*row)->state != "draft")
      return Error::Conflict("Deployment " + id + " is " + (*row)->state + "; only a draft can be deleted");
    auto deleted = store::deployments::Delete(s, app, id);
    if (!deleted.ok()) return deleted.take_error();
    return Ok();
  });
}

Result<array> DeploymentService::Comments(const std::string& app, const std::string& id) {
  array out;
  Status st = db_.Transaction([&](store::DbSession& s) -> Status {
    auto row = store::deployments::Get(s, app, id);
    if (!row.ok()) return row.take_error();
    if (!*row) return detail::NotFound(id);
    auto comments = store::deployments::Comments(s, id);
    if (!comments.ok()) return comments.take_error();
    for (const auto& c : *comments) out.push_back(detail::CommentToJson(c));
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  return out;
}

Result<object> DeploymentService::AddComment(const std::string& app, const std::string& id, const Actor& actor,
                                             const value& body) {
  if (!body.is_object()) return Error::Validation("The body must be a JSON object {body}");
  const value* text = nullptr;
  for (const char* field : {"body", "text", "comment", "content"})  // body; the others are accepted too
    if (!text) text = body.get_object().if_contains(field);
  if (text == nullptr || !text->is_string() || text->get_string().find_first_not_of(" \t\r\n") == std::string::npos ||
      text->get_string().size() > 10000)
    return Error::Validation("body: required, a non-blank string of at most 10000 characters");
  store::DeploymentCommentRow c;
  c.id = NewId("dcm");
  c.deployment_id = id;
  c.author = actor.id;
  c.author_kind = actor.kind;
  c.body = std::string(text->get_string());
  c.created_at = NowMs();
  Status st = db_.Transaction([&](store::DbSession& s) -> Status {
    auto row = store::deployments::Get(s, app, id);
    if (!row.ok()) return row.take_error();
    if (!*row) return detail::NotFound(id);
    return store::deployments::InsertComment(s, c);
  });
  if (!st.ok()) return st.take_error();
  return detail::CommentToJson(c);
}

}  // namespace rt::deploy
