// Report, execute and rollback (deploy/deployment_service.h).
#include "core/ids.h"
#include "core/json.h"
#include "deploy/deployment_service.h"
#include "deploy/report.h"

namespace rt::deploy {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

// The plan of a stored deployment: every item with the source it will write.
Result<std::vector<PlanItem>> PlanOf(const std::vector<store::DeploymentItemRow>& items) {
  std::vector<PlanItem> plan;
  for (const auto& it : items) {
    PlanItem p;
    p.type = ParseType(it.entity_type).value_or(EntityType::kTopic);
    p.key = it.entity_id;
    auto source = json::Parse(it.source_state.empty() ? "null" : it.source_state);
    if (!source.ok()) return Error::Internal("deployment item " + it.entity_id + ": unreadable source state");
    p.source = std::move(*source);
    plan.push_back(std::move(p));
  }
  return plan;
}

object ReportJson(const store::DeploymentRow& row, const std::vector<PlanItem>& plan, const Actor& actor,
                  int64_t now) {
  object summary{{"create", 0}, {"update", 0}, {"delete", 0}, {"unchanged", 0}};
  array items;
  size_t blockers = 0;
  for (const auto& p : plan) {
    summary[p.action] = summary[p.action].to_number<int64_t>() + 1;
    blockers += p.blockers.size();
    items.push_back(PlanItemToJson(p));
  }
  return object{{"deploymentId", row.id},
                {"sourceEnvironment", row.source_kind == "import" ? value(nullptr) : value(row.source_environment)},
                {"targetEnvironment", row.target_environment},
                {"generatedAt", now},
                {"generatedBy", actor.id},
                {"summary", std::move(summary)},
                {"blocked", blockers > 0},
                {"blockerCount", blockers},
                {"items", std::move(items)}};
}

// One deployment at a time into an application's environment: on PostgreSQL (READ COMMITTED) two
// executions could both pass their fingerprint checks before either commits; a transaction-scoped
// advisory lock serializes them. SQLite's BEGIN IMMEDIATE already does.
Status LockTarget(store::Db& db, store::DbSession& s, const std::string& app, const std::string& env) {
  if (db.dialect() != store::Dialect::kPostgres) return Ok();
  RT_TRY(s.Exec("SELECT pg_advisory_xact_lock(hashtext($1))", {"deploy:" + app + ":" + env}));
  return Ok();
}

Status Audit(store::DbSession& s, const Actor& actor, const char* action, const store::DeploymentRow& row,
             int64_t now) {
  object detail{{"applicationId", row.application_id},
                {"sourceEnvironment", row.source_environment},
                {"targetEnvironment", row.target_environment}};
  RT_TRY(s.Exec("INSERT INTO audit_log (id, at, actor, actor_kind, action, resource, resource_id, ip, detail) "
                "VALUES ($1, $2, $3, $4, $5, 'deployments', $6, $7, $8)",
                {NewId("aud"), now, actor.id, actor.kind, action, row.id, actor.ip, json::Serialize(detail)}));
  return Ok();
}

Result<std::map<std::string, std::string>> SecretsOf(const value& body) {
  std::map<std::string, std::string> out;
  if (body.is_null()) return out;
  if (!body.is_object()) return Error::Validation("The body must be a JSON object");
  const value* secrets = body.get_object().if_contains("secrets");
  if (secrets == nullptr || secrets->is_null()) return out;
  if (!secrets->is_object()) return Error::Validation("secrets: must be an object {<webhook key>: <secret>}");
  for (const auto& [k, v] : secrets->get_object()) {
    if (!v.is_string() || v.get_string().size() < 8 || v.get_string().size() > 256)
      return Error::Validation("secrets." + std::string(k) + ": must be a string of 8-256 characters");
    out[std::string(k)] = std::string(v.get_string());
  }
  return out;
}

}  // namespace

Result<object> DeploymentService::Report(const std::string& app, const std::string& id, const Actor& actor) {
  object report;
  Status st = db_.Transaction([&](store::DbSession& s) -> Status {
    auto row = store::deployments::Get(s, app, id);
    if (!row.ok()) return row.take_error();
    if (!*row) return detail::NotFound(id);
    store::DeploymentRow d = std::move(**row);
    if (d.state != "draft")
      return Error::Conflict("Deployment " + id + " is " + d.state + "; only a draft gets a change report");
    auto items = store::deployments::Items(s, id);
    if (!items.ok()) return items.take_error();
    auto plan = PlanOf(*items);
    if (!plan.ok()) return plan.take_error();
    if (d.source_kind != "import") {  // the source as it is now is what will be written
      for (auto& p : *plan) {
        auto src = ReadEntity(s, {app, d.source_environment}, p.type, p.key);
        if (!src.ok()) return src.take_error();
        p.source = std::move(src->canonical);
      }
    }
    PlanContext context{d.source_kind == "import" ? "" : d.source_environment, false};
    auto config = s.Exec("SELECT config FROM applications WHERE id = $1", {app});
    if (!config.ok()) return config.take_error();
    if (!config->rows.empty()) {
      auto parsed = json::Parse(store::AsString(config->rows[0][0]));
      if (parsed.ok() && parsed->is_object())
        context.strict_topics = parsed->get_object().if_contains("strictTopics") &&
                                parsed->get_object().at("strictTopics") == value(true);
    }
    RT_TRY(Plan(s, {app, d.target_environment}, context, *plan));
    for (size_t i = 0; i < items->size(); ++i) {
      auto& it = (*items)[i];
      it.source_state = CanonicalText((*plan)[i].source);
      it.target_fingerprint = Fingerprint((*plan)[i].target.canonical);
      RT_TRY(store::deployments::UpdateItem(s, id, it));
    }
    const int64_t now = NowMs();
    report = ReportJson(d, *plan, actor, now);
    d.report = json::Serialize(report);
    detail::AddStep(d, "reported", actor, now);
    auto updated = store::deployments::Update(s, d, "draft");
    if (!updated.ok()) return updated.take_error();
    if (!*updated) return Error::Conflict("Deployment " + id + " changed concurrently; retry");
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  return report;
}

Status DeploymentService::MarkFailed(const std::string& app, const std::string& id, const Actor& actor,
                                     const std::string& reason) {
  return db_.Transaction([&](store::DbSession& s) -> Status {
    auto row = store::deployments::Get(s, app, id);
    if (!row.ok()) return row.take_error();
    if (!*row) return Ok();
    store::DeploymentRow d = std::move(**row);
    d.state = "failed";
    d.failure_reason = reason;
    detail::AddStep(d, "failed", actor, NowMs());
    auto updated = store::deployments::Update(s, d, "draft");
    if (!updated.ok()) return updated.take_error();
    return Ok();
  });
}

Result<object> DeploymentService::Execute(const std::string& app, const std::string& id, const Actor& actor,
                                          const value& body) {
  auto secrets = SecretsOf(body);
  if (!secrets.ok()) return secrets.take_error();
  auto current = Get(app, id);
  if (!current.ok()) return current.take_error();
  if (current->at("state") == value("draft") && current->at("report").is_null()) {
    auto report = Report(app, id, actor);  // executing without a report reports first
    if (!report.ok()) return report.take_error();
  }
  WriteContext ctx;
  ctx.box = box_;
  ctx.secrets = std::move(*secrets);
  bool conflict = false;
  Status st = db_.Transaction([&](store::DbSession& s) -> Status {
    auto row = store::deployments::Get(s, app, id);
    if (!row.ok()) return row.take_error();
    if (!*row) return detail::NotFound(id);
    store::DeploymentRow d = std::move(**row);
    conflict = true;  // until the writes start, every refusal leaves the draft as it is
    RT_TRY(LockTarget(db_, s, app, d.target_environment));
    if (d.state != "draft") return Error::Conflict("Deployment " + id + " is " + d.state + "; only a draft executes");
    auto report = json::Parse(d.report.empty() ? "null" : d.report);
    if (report.ok() && report->is_object() && report->get_object().at("blocked") == value(true)) {
      Error e = Error::Conflict("Deployment " + id + " has blockers; see its change report");
      e.details = std::make_shared<const object>(object{{"report", *report}});
      return e;
    }
    auto items = store::deployments::Items(s, id);
    if (!items.ok()) return items.take_error();
    auto plan = PlanOf(*items);
    if (!plan.ok()) return plan.take_error();
    const Scope target{app, d.target_environment};
    for (size_t i = 0; i < plan->size(); ++i) {
      auto& p = (*plan)[i];
      auto now_state = ReadEntity(s, target, p.type, p.key);
      if (!now_state.ok()) return now_state.take_error();
      p.target = std::move(*now_state);
      if (Fingerprint(p.target.canonical) != (*items)[i].target_fingerprint)
        return Error::Conflict(std::string(TypeName(p.type)) + " " + p.key + " of " + d.target_environment +
                               " changed since the change report; generate a new report (POST /api/deployments/" +
                               id + "/report)");
    }
    conflict = false;
    ctx.now_ms = NowMs();
    // Creates and updates parents first (topics before their schemas), deletes children first.
    for (EntityType type : kEntityTypes)
      for (auto& p : *plan)
        if (p.type == type && !p.source.is_null() && CanonicalText(p.source) != CanonicalText(p.target.canonical))
          RT_TRY(WriteEntity(s, target, p.type, p.key, p.source, p.target, ctx));
    for (auto t = std::rbegin(kEntityTypes); t != std::rend(kEntityTypes); ++t)
      for (auto& p : *plan)
        if (p.type == *t && p.source.is_null() && p.target.exists)
          RT_TRY(WriteEntity(s, target, p.type, p.key, p.source, p.target, ctx));
    for (size_t i = 0; i < plan->size(); ++i) {
      auto after = ReadEntity(s, target, (*plan)[i].type, (*plan)[i].key);
      if (!after.ok()) return after.take_error();
      (*items)[i].previous = json::Serialize((*plan)[i].target.images);
      (*items)[i].after_fingerprint = Fingerprint(after->canonical);
      RT_TRY(store::deployments::UpdateItem(s, id, (*items)[i]));
    }
    d.state = "executed";
    detail::AddStep(d, "executed", actor, ctx.now_ms);
    auto updated = store::deployments::Update(s, d, "draft");
    if (!updated.ok()) return updated.take_error();
    if (!*updated) {
      conflict = true;
      return Error::Conflict("Deployment " + id + " changed concurrently; retry");
    }
    return Audit(s, actor, "execute", d, ctx.now_ms);
  });
  if (!st.ok()) {
    Error e = st.take_error();
    if (!conflict && e.code != ErrorCode::kNotFound && e.code != ErrorCode::kUnavailable) {
      Status marked = MarkFailed(app, id, actor, e.message);
      (void)marked;  // the answer is the failure either way
    }
    return e;
  }
  object propagation = on_change_ ? on_change_() : object{};
  auto out = Get(app, id);
  if (!out.ok()) return out.take_error();
  object secrets_out;
  for (const auto& [k, v] : ctx.generated) secrets_out[k] = v;
  (*out)["secrets"] = std::move(secrets_out);
  (*out)["propagation"] = std::move(propagation);
  return out;
}

Result<object> DeploymentService::Rollback(const std::string& app, const std::string& id, const Actor& actor) {
  Status st = db_.Transaction([&](store::DbSession& s) -> Status {
    auto row = store::deployments::Get(s, app, id);
    if (!row.ok()) return row.take_error();
    if (!*row) return detail::NotFound(id);
    store::DeploymentRow d = std::move(**row);
    RT_TRY(LockTarget(db_, s, app, d.target_environment));
    if (d.state != "executed")
      return Error::Conflict("Deployment " + id + " is " + d.state + "; only an executed deployment rolls back");
    auto items = store::deployments::Items(s, id);
    if (!items.ok()) return items.take_error();
    const Scope target{app, d.target_environment};
    std::vector<std::pair<EntityType, object>> images;
    for (const auto& it : *items) {
      const EntityType type = ParseType(it.entity_type).value_or(EntityType::kTopic);
      auto now_state = ReadEntity(s, target, type, it.entity_id);
      if (!now_state.ok()) return now_state.take_error();
      if (Fingerprint(now_state->canonical) != it.after_fingerprint)
        return Error::Conflict(it.entity_type + " " + it.entity_id + " of " + d.target_environment +
                               " changed since the deployment was executed; rolling back would overwrite that change");
      auto previous = json::ParseObject(it.previous);
      if (!previous.ok()) return Error::Internal("deployment item " + it.entity_id + ": unreadable previous state");
      images.emplace_back(type, std::move(*previous));
    }
    for (EntityType type : kEntityTypes)  // topics first: a restored schema needs its topic
      for (size_t i = 0; i < items->size(); ++i)
        if (images[i].first == type) RT_TRY(RestoreEntity(s, target, type, (*items)[i].entity_id, images[i].second));
    const int64_t now = NowMs();
    d.state = "rolled_back";
    detail::AddStep(d, "rolled_back", actor, now);
    auto updated = store::deployments::Update(s, d, "executed");
    if (!updated.ok()) return updated.take_error();
    if (!*updated) return Error::Conflict("Deployment " + id + " changed concurrently; retry");
    return Audit(s, actor, "rollback", d, now);
  });
  if (!st.ok()) return st.take_error();
  object propagation = on_change_ ? on_change_() : object{};
  auto out = Get(app, id);
  if (!out.ok()) return out.take_error();
  (*out)["propagation"] = std::move(propagation);
  return out;
}

}  // namespace rt::deploy
