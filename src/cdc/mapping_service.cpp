#include "cdc/mapping_service.h"

#include <map>

#include "core/ids.h"
#include "core/json.h"

namespace rt::cdc {
namespace {

Error MappingNotFound(const std::string& id) { return Error::NotFound("Mapping not found: " + id); }

// The environment a promotion to `target` copies from; nullptr when there is none.
const char* PreviousEnvironment(const std::string& target) {
  if (target == "staging") return "development";
  if (target == "production") return "staging";
  return nullptr;
}

// `environment` in a body, when present, must be the request's.
Status CheckBodyEnvironment(const Scope& scope, const boost::json::object& body) {
  const auto* env = body.if_contains("environment");
  if (env == nullptr || (env->is_string() && env->get_string() == scope.environment)) return Ok();
  return Error::Validation("environment: must be the request's environment (" + scope.environment + ")");
}

boost::json::object DefinitionObject(const std::string& text) {
  auto parsed = json::ParseObject(text);  // written by MappingToJson: always an object
  return parsed.ok() ? std::move(*parsed) : boost::json::object();
}

store::MappingRow RowFor(const Scope& scope, const DomainMapping& m, int64_t now) {
  store::MappingRow row;
  row.id = m.id;
  row.application_id = scope.application_id;
  row.environment = scope.environment;
  row.table = m.TableName();
  row.topic = m.topic;
  row.definition = json::Serialize(MappingToJson(m));
  row.version = m.version;
  row.active = m.active;
  row.created_at = row.updated_at = now;
  return row;
}

boost::json::object SubscriptionToJson(const store::CdcSubscriptionRow& s) {
  return boost::json::object{{"id", s.id},
                             {"mappingId", s.mapping_id},
                             {"active", s.active},
                             {"applicationId", s.application_id},
                             {"environment", s.environment},
                             {"createdAt", s.created_at},
                             {"updatedAt", s.updated_at}};
}

boost::json::object EventToJson(const store::CdcEventRow& e) {
  return boost::json::object{{"id", e.id},
                             {"eventId", e.event_id},
                             {"mappingId", e.mapping_id},
                             {"table", e.table},
                             {"operation", e.operation},
                             {"event", "database." + e.operation},
                             {"topic", e.topic},
                             {"status", e.status},
                             {"error", e.error},
                             {"lsn", e.lsn},
                             {"createdAt", e.at}};
}

template <typename Row, typename ToJson>
Result<boost::json::array> ToArray(Result<std::vector<Row>> rows, ToJson to_json) {
  if (!rows.ok()) return rows.take_error();
  boost::json::array out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(to_json(r));
  return out;
}

}  // namespace

boost::json::object MappingRowToJson(const store::MappingRow& row) {
  boost::json::object out = DefinitionObject(row.definition);
  out["id"] = row.id;
  out["environment"] = row.environment;
  out["version"] = row.version;
  out["active"] = row.active;
  out["applicationId"] = row.application_id;
  out["createdAt"] = row.created_at;
  out["updatedAt"] = row.updated_at;
  return out;
}

void MappingService::Changed() const {
  if (on_change_) on_change_();
}

Result<DomainMapping> MappingService::Validate(const Scope& scope, const boost::json::value& body) {
  if (!body.is_object()) return Error::Validation("A mapping must be a JSON object");
  boost::json::object def = body.get_object();
  RT_TRY(CheckBodyEnvironment(scope, def));
  def.erase("version");  // the server numbers versions
  auto m = ParseMapping(def);
  if (!m.ok()) return m.take_error();
  m->environment = scope.environment;
  if (schemas_) {
    auto active = schemas_(scope, m->topic);
    if (!active.ok()) return active.take_error();
    if (*active) RT_TRY(CheckPayloadAgainstSchema(*m, **active));
  }
  return m;
}

Result<store::MappingRow> MappingService::Find(const Scope& scope, const std::string& id) {
  auto row = repo_.GetMapping(scope.application_id, scope.environment, id);
  if (!row.ok()) return row.take_error();
  if (!*row) return MappingNotFound(id);
  return std::move(**row);
}

Result<boost::json::array> MappingService::List(const Scope& scope) {
  return ToArray(repo_.ListMappings(scope.application_id, scope.environment), MappingRowToJson);
}

Result<boost::json::object> MappingService::Get(const Scope& scope, const std::string& id) {
  auto row = Find(scope, id);
  if (!row.ok()) return row.take_error();
  return MappingRowToJson(*row);
}

Result<boost::json::array> MappingService::ByTopic(const Scope& scope, const std::string& topic) {
  return ToArray(repo_.ListMappingsByTopic(scope.application_id, scope.environment, topic), MappingRowToJson);
}

Result<boost::json::array> MappingService::EnvironmentStatus(const Scope& scope) {
  auto rows = repo_.ListApplicationMappings(scope.application_id);
  if (!rows.ok()) return rows.take_error();
  boost::json::array out;
  std::map<std::string, size_t> index;  // id -> position in out
  for (const auto& r : *rows) {
    auto [it, fresh] = index.try_emplace(r.id, out.size());
    if (fresh)
      out.push_back(boost::json::object{
          {"id", r.id}, {"table", r.table}, {"topic", r.topic}, {"environments", boost::json::object()}});
    out[it->second].as_object()["environments"].as_object()[r.environment] =
        boost::json::object{{"version", r.version}, {"active", r.active}};
  }
  return out;
}

Result<boost::json::object> MappingService::Create(const Scope& scope, const boost::json::value& body) {
  auto m = Validate(scope, body);
  if (!m.ok()) return m.take_error();
  if (m->id.empty()) m->id = NewId("map");
  m->version = 1;
  const store::MappingRow row = RowFor(scope, *m, NowMs());
  RT_TRY(repo_.InsertMapping(row));
  Changed();
  return MappingRowToJson(row);
}

Result<boost::json::object> MappingService::Update(const Scope& scope, const std::string& id,
                                                   const boost::json::value& body) {
  if (!body.is_object()) return Error::Validation("A mapping update must be a JSON object");
  auto current = Find(scope, id);
  if (!current.ok()) return current.take_error();
  const auto& patch = body.get_object();
  if (const auto* v = patch.if_contains("id"); v && !(v->is_string() && v->get_string() == id))
    return Error::Validation("id: cannot be changed");
  boost::json::object merged = DefinitionObject(current->definition);
  for (const auto& [key, value] : patch) {
    if (value.is_null()) merged.erase(key);  // removes an optional field (when, triggerColumns)
    else merged[key] = value;
  }
  auto m = Validate(scope, merged);
  if (!m.ok()) return m.take_error();
  m->id = id;
  m->version = current->version + 1;
  store::MappingRow row = RowFor(scope, *m, NowMs());
  row.created_at = current->created_at;
  auto updated = repo_.UpdateMapping(row, current->version);
  if (!updated.ok()) return updated.take_error();
  if (!*updated) return Error::Conflict("Mapping " + id + " was changed or deleted concurrently; retry");
  Changed();
  return MappingRowToJson(row);
}

Status MappingService::Delete(const Scope& scope, const std::string& id) {
  auto found = repo_.DeleteMapping(scope.application_id, scope.environment, id);
  if (!found.ok()) return found.take_error();
  if (!*found) return MappingNotFound(id);
  Changed();
  return Ok();
}

Result<boost::json::array> MappingService::Versions(const Scope& scope, const std::string& id) {
  auto current = Find(scope, id);
  if (!current.ok()) return current.take_error();
  return ToArray(repo_.ListVersions(scope.application_id, scope.environment, id),
                 [](const store::MappingVersionRow& v) {
                   return boost::json::object{{"mappingId", v.mapping_id},
                                              {"environment", v.environment},
                                              {"version", v.version},
                                              {"definition", DefinitionObject(v.definition)},
                                              {"createdAt", v.created_at}};
                 });
}

Result<boost::json::object> MappingService::CreateVersion(const Scope& scope, const std::string& id,
                                                          const boost::json::value& body) {
  if (!body.is_object()) return Error::Validation("The body must be a JSON object");
  RT_TRY(CheckBodyEnvironment(scope, body.get_object()));
  for (const auto& [key, value] : body.get_object())
    if (key != "environment") return Error::Validation(std::string(key) + ": unknown field");
  auto current = Find(scope, id);
  if (!current.ok()) return current.take_error();
  store::MappingRow row = *current;
  row.version = current->version + 1;
  row.updated_at = NowMs();
  boost::json::object def = DefinitionObject(current->definition);
  def["version"] = row.version;
  row.definition = json::Serialize(def);
  auto updated = repo_.UpdateMapping(row, current->version);
  if (!updated.ok()) return updated.take_error();
  if (!*updated) return Error::Conflict("Mapping " + id + " was changed or deleted concurrently; retry");
  Changed();
  return boost::json::object{{"mappingId", id},
                             {"environment", row.environment},
                             {"version", row.version},
                             {"definition", std::move(def)},
                             {"createdAt", row.updated_at}};
}

Result<boost::json::object> MappingService::Promote(const Scope& scope, const std::string& id,
                                                    const boost::json::value& body) {
  if (!body.is_object()) return Error::Validation("The body must be a JSON object");
  const auto* target = body.get_object().if_contains("environment");
  if (target == nullptr || !target->is_string())
    return Error::Validation("environment: required (the target: staging or production)");
  const std::string to(target->get_string());
  const char* from = PreviousEnvironment(to);
  if (from == nullptr)
    return Error::Validation(to == "development" ? "environment: development is the first stage; nothing promotes "
                                                   "into it (the target must be staging or production)"
                                                 : "environment: must be staging or production");
  auto source = repo_.GetMapping(scope.application_id, from, id);
  if (!source.ok()) return source.take_error();
  if (!*source) return Error::NotFound("Mapping not found in " + std::string(from) + ": " + id);
  boost::json::object def = DefinitionObject((*source)->definition);
  def["environment"] = to;
  const Scope target_scope{scope.application_id, to};
  auto m = Validate(target_scope, def);  // the target's topic may have its own schema
  if (!m.ok()) return m.take_error();
  m->id = id;
  m->version = (*source)->version;
  const store::MappingRow row = RowFor(target_scope, *m, NowMs());
  RT_TRY(repo_.PutMapping(row));
  Changed();
  return Get(target_scope, id);
}

Result<boost::json::array> MappingService::Subscriptions(const Scope& scope) {
  return ToArray(repo_.ListSubscriptions(scope.application_id, scope.environment), SubscriptionToJson);
}

Result<boost::json::object> MappingService::Subscribe(const Scope& scope, const boost::json::value& body) {
  if (!body.is_object()) return Error::Validation("A subscription must be a JSON object");
  store::CdcSubscriptionRow row;
  for (const auto& [key, value] : body.get_object()) {
    if (key == "mappingId") {
      if (!value.is_string() || value.get_string().empty())
        return Error::Validation("mappingId: must be a non-empty string");
      row.mapping_id = value.get_string();
    } else if (key == "active") {
      if (!value.is_bool()) return Error::Validation("active: must be a boolean");
      row.active = value.get_bool();
    } else {
      return Error::Validation(std::string(key) + ": unknown field");
    }
  }
  if (row.mapping_id.empty()) return Error::Validation("mappingId: required");
  auto mapping = Find(scope, row.mapping_id);
  if (!mapping.ok()) return mapping.take_error();
  row.id = NewId("sub");
  row.application_id = scope.application_id;
  row.environment = scope.environment;
  row.created_at = row.updated_at = NowMs();
  RT_TRY(repo_.InsertSubscription(row));
  Changed();
  return SubscriptionToJson(row);
}

Result<boost::json::object> MappingService::SetSubscriptionActive(const Scope& scope, const std::string& id,
                                                                  bool active) {
  auto found = repo_.SetSubscriptionActive(scope.application_id, scope.environment, id, active, NowMs());
  if (!found.ok()) return found.take_error();
  if (!*found) return Error::NotFound("Subscription not found: " + id);
  Changed();
  auto row = repo_.GetSubscription(scope.application_id, scope.environment, id);
  if (!row.ok()) return row.take_error();
  if (!*row) return Error::NotFound("Subscription not found: " + id);
  return SubscriptionToJson(**row);
}

Result<boost::json::array> MappingService::Logs(const Scope& scope, const EventLogFilter& f) {
  store::CdcEventQuery q;
  if (!f.event.empty()) {
    if (f.event != "database.insert" && f.event != "database.update" && f.event != "database.delete")
      return Error::Validation("event must be database.insert, database.update or database.delete");
    q.operation = f.event.substr(sizeof("database.") - 1);
  }
  if (f.limit < 1 || f.limit > 1000) return Error::Validation("limit must be between 1 and 1000");
  q.application_id = scope.application_id;
  q.environment = scope.environment;
  q.mapping_id = f.mapping_id;
  q.status = f.status;
  q.before = f.before;
  q.limit = f.limit;
  return ToArray(repo_.ListEvents(q), EventToJson);
}

}  // namespace rt::cdc
