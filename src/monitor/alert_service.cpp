#include "monitor/alert_service.h"

#include "core/ids.h"
#include "monitor/alert_rule.h"

namespace rt::monitor {

Status AlertService::EnsureBuiltins() { return repo_.EnsureRules(BuiltinRules(NowMs())); }

Result<boost::json::array> AlertService::ListRules() {
  auto rules = repo_.ListRules();
  if (!rules.ok()) return rules.take_error();
  boost::json::array out;
  for (const auto& r : *rules) out.push_back(RuleToJson(r));
  return out;
}

Result<boost::json::object> AlertService::GetRule(const std::string& id) {
  auto rule = repo_.GetRule(id);
  if (!rule.ok()) return rule.take_error();
  return RuleToJson(*rule);
}

Status AlertService::CheckReferences(const store::AlertRuleRow& rule, const store::AlertRuleRow* before) {
  if (!rule.application_id.empty() && (!before || before->application_id != rule.application_id)) {
    if (Status st = apps_.Resolve(rule.application_id); !st.ok()) {
      if (st.error().code != ErrorCode::kNotFound) return st;
      return Error::Validation("applicationId: no application " + rule.application_id);
    }
  }
  if (!rule.webhook_id.empty() && (!before || before->webhook_id != rule.webhook_id)) {
    auto scope = repo_.WebhookScope(rule.webhook_id);
    if (!scope.ok()) return scope.take_error();
    if (!*scope) return Error::Validation("webhookId: no webhook endpoint " + rule.webhook_id);
  }
  return Ok();
}

Result<boost::json::object> AlertService::CreateRule(const boost::json::object& body) {
  auto rule = ApplyRuleJson(body, {}, true);
  if (!rule.ok()) return rule.take_error();
  if (Status st = CheckReferences(*rule, nullptr); !st.ok()) return st.take_error();
  rule->id = NewId("alr");
  rule->created_at = rule->updated_at = NowMs();
  if (Status st = repo_.InsertRule(*rule); !st.ok()) return st.take_error();
  return RuleToJson(*rule);
}

Result<boost::json::object> AlertService::UpdateRule(const std::string& id, const boost::json::object& body) {
  auto current = repo_.GetRule(id);
  if (!current.ok()) return current.take_error();
  auto rule = ApplyRuleJson(body, *current, false);
  if (!rule.ok()) return rule.take_error();
  if (Status st = CheckReferences(*rule, &*current); !st.ok()) return st.take_error();
  rule->updated_at = NowMs();
  if (Status st = repo_.UpdateRule(*rule); !st.ok()) return st.take_error();
  return RuleToJson(*rule);
}

Status AlertService::DeleteRule(const std::string& id) {
  auto rule = repo_.GetRule(id);
  if (!rule.ok()) return rule.take_error();
  if (rule->builtin)
    return Error::Conflict("Built-in alert rules cannot be deleted; disable them with PATCH {\"enabled\": false}");
  return repo_.DeleteRule(id, NowMs());
}

Result<boost::json::array> AlertService::ListAlerts(const AlertQuery& q) {
  if (!q.severity.empty() && !IsSeverity(q.severity))
    return Error::Validation("severity must be info, warning or critical");
  if (!q.environment.empty() && !registry::IsValidEnvironment(q.environment))
    return Error::Validation("environment must be development, staging or production");
  if (!q.state.empty() && q.state != "firing" && q.state != "resolved")
    return Error::Validation("state must be firing or resolved");
  auto rows = repo_.ListAlerts({q.severity, q.environment, q.state, q.rule_id, q.limit, q.offset});
  if (!rows.ok()) return rows.take_error();
  boost::json::array out;
  for (const auto& a : *rows) out.push_back(AlertToJson(a));
  return out;
}

Result<boost::json::object> AlertService::GetAlert(const std::string& id) {
  auto alert = repo_.GetAlert(id);
  if (!alert.ok()) return alert.take_error();
  return AlertToJson(*alert);
}

Result<boost::json::object> AlertService::Acknowledge(const std::string& id, const std::string& by) {
  auto alert = repo_.Acknowledge(id, by, NowMs());
  if (!alert.ok()) return alert.take_error();
  return AlertToJson(*alert);
}

}  // namespace rt::monitor
