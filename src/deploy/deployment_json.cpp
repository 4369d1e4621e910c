// The JSON shapes of deployments and comments (docs/deployments.md).
#include "core/json.h"
#include "deploy/deployment_service.h"

namespace rt::deploy::detail {

using boost::json::array;
using boost::json::object;
using boost::json::value;

Error NotFound(const std::string& id) { return Error::NotFound("Deployment not found: " + id); }

object Step(std::string step, const Actor& actor, int64_t at) {
  return object{{"step", std::move(step)}, {"actor", actor.id}, {"actorKind", actor.kind}, {"at", at}};
}

void AddStep(store::DeploymentRow& row, std::string step, const Actor& actor, int64_t at) {
  auto history = json::Parse(row.history);
  array steps = history.ok() && history->is_array() ? std::move(history->get_array()) : array{};
  steps.push_back(Step(std::move(step), actor, at));
  row.history = json::Serialize(steps);
  row.updated_at = at;
}

object DeploymentToJson(const store::DeploymentRow& row, const std::vector<store::DeploymentItemRow>& items) {
  auto report = row.report.empty() ? Result<value>(value(nullptr)) : json::Parse(row.report);
  value report_value = report.ok() ? std::move(*report) : value(nullptr);
  // The item's action, from the report when there is one.
  auto action_of = [&](const store::DeploymentItemRow& it) -> value {
    if (!report_value.is_object()) return nullptr;
    const value* list = report_value.get_object().if_contains("items");
    if (list == nullptr || !list->is_array()) return nullptr;
    for (const auto& r : list->get_array()) {
      if (!r.is_object()) continue;
      const object& o = r.get_object();
      if (o.at("type") == value(it.entity_type) && o.at("id") == value(it.entity_id)) return o.at("action");
    }
    return nullptr;
  };
  array item_list;
  for (const auto& it : items)
    item_list.push_back(object{{"type", it.entity_type}, {"id", it.entity_id}, {"action", action_of(it)}});
  auto history = json::Parse(row.history);
  array steps = history.ok() && history->is_array() ? std::move(history->get_array()) : array{};
  object out{{"id", row.id},
             {"applicationId", row.application_id},
             {"name", row.name},
             {"description", row.description},
             {"source", row.source_kind},
             {"sourceEnvironment", row.source_kind == "import" ? value(nullptr) : value(row.source_environment)},
             {"targetEnvironment", row.target_environment},
             {"state", row.state},
             {"failureReason", row.failure_reason.empty() ? value(nullptr) : value(row.failure_reason)},
             {"items", std::move(item_list)},
             {"report", std::move(report_value)},
             {"createdBy", row.created_by},
             {"createdAt", row.created_at},
             {"updatedAt", row.updated_at}};
  // The latest actor and time of each step, flattened for lists and the UI.
  constexpr std::pair<const char*, const char*> kFlat[] = {
      {"reported", "reported"}, {"executed", "executed"}, {"rolled_back", "rolledBack"}, {"failed", "failed"}};
  for (const auto& s : steps) {
    if (!s.is_object()) continue;
    const object& o = s.get_object();
    for (const auto& [step, prefix] : kFlat) {
      if (o.at("step") != value(step)) continue;
      out[std::string(prefix) + "By"] = o.at("actor");
      out[std::string(prefix) + "At"] = o.at("at");
    }
  }
  out["history"] = std::move(steps);
  return out;
}

object CommentToJson(const store::DeploymentCommentRow& c) {
  return object{{"id", c.id},           {"deploymentId", c.deployment_id}, {"body", c.body},
                {"author", c.author},   {"authorKind", c.author_kind},     {"createdAt", c.created_at}};
}

}  // namespace rt::deploy::detail
