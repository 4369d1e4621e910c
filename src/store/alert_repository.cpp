#include "store/alert_repository.h"

namespace rt::store {
namespace {

constexpr const char* kRuleColumns =
    "id, name, description, metric, comparison, threshold, for_seconds, severity, cooldown_seconds, "
    "application_id, environment, webhook_id, enabled, builtin, created_at, updated_at";
constexpr const char* kAlertColumns =
    "id, rule_id, rule_name, metric, comparison, threshold, severity, application_id, environment, state, value, "
    "message, fired_at, resolved_at, resolved_value, acknowledged_at, acknowledged_by";

AlertRuleRow RuleFromRow(const std::vector<DbValue>& row) {
  AlertRuleRow r;
  r.id = AsString(row[0]);
  r.name = AsString(row[1]);
  r.description = AsString(row[2]);
  r.metric = AsString(row[3]);
  r.comparison = AsString(row[4]);
  r.threshold = AsDouble(row[5]);
  r.for_seconds = AsInt(row[6]);
  r.severity = AsString(row[7]);
  r.cooldown_seconds = AsInt(row[8]);
  r.application_id = AsString(row[9]);
  r.environment = AsString(row[10]);
  r.webhook_id = AsString(row[11]);
  r.enabled = AsBool(row[12]);
  r.builtin = AsBool(row[13]);
  r.created_at = AsInt(row[14]);
  r.updated_at = AsInt(row[15]);
  return r;
}

AlertRow AlertFromRow(const std::vector<DbValue>& row) {
  AlertRow a;
  a.id = AsString(row[0]);
  a.rule_id = AsString(row[1]);
  a.rule_name = AsString(row[2]);
  a.metric = AsString(row[3]);
  a.comparison = AsString(row[4]);
  a.threshold = AsDouble(row[5]);
  a.severity = AsString(row[6]);
  a.application_id = AsString(row[7]);
  a.environment = AsString(row[8]);
  a.state = AsString(row[9]);
  a.value = AsDouble(row[10]);
  a.message = AsString(row[11]);
  a.fired_at = AsInt(row[12]);
  a.resolved_at = AsInt(row[13]);
  if (!IsNull(row[14])) a.resolved_value = AsDouble(row[14]);
  a.acknowledged_at = AsInt(row[15]);
  a.acknowledged_by = AsString(row[16]);
  return a;
}

DbParams RuleParams(const AlertRuleRow& r) {
  return {r.id,          r.name,        r.description,      r.metric,           r.comparison,
          r.threshold,   r.for_seconds, r.severity,         r.cooldown_seconds, r.application_id,
          r.environment, r.webhook_id,  int64_t{r.enabled}, int64_t{r.builtin}, r.created_at,
          r.updated_at};
}

Error NameTaken(const AlertRuleRow& r) {
  return Error::Conflict("An alert rule named '" + r.name + "' already exists");
}

}  // namespace

Result<std::vector<AlertRuleRow>> AlertRepository::ListRules() {
  return MapRows(db_.Exec(std::string("SELECT ") + kRuleColumns + " FROM alert_rules ORDER BY name, id"), RuleFromRow);
}

Result<AlertRuleRow> AlertRepository::GetRule(const std::string& id) {
  auto r = db_.Exec(std::string("SELECT ") + kRuleColumns + " FROM alert_rules WHERE id = $1", {id});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return Error::NotFound("Alert rule not found: " + id);
  return RuleFromRow(r->rows[0]);
}

Status AlertRepository::InsertRule(const AlertRuleRow& rule) {
  auto r = db_.Exec(std::string("INSERT INTO alert_rules (") + kRuleColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                    RuleParams(rule));
  if (!r.ok()) return r.error().code == ErrorCode::kConflict ? NameTaken(rule) : r.take_error();
  return Ok();
}

Status AlertRepository::UpdateRule(const AlertRuleRow& rule) {
  auto r = db_.Exec(
      "UPDATE alert_rules SET name = $2, description = $3, metric = $4, comparison = $5, threshold = $6, "
      "for_seconds = $7, severity = $8, cooldown_seconds = $9, application_id = $10, environment = $11, "
      "webhook_id = $12, enabled = $13, updated_at = $14 WHERE id = $1",
      {rule.id, rule.name, rule.description, rule.metric, rule.comparison, rule.threshold, rule.for_seconds,
       rule.severity, rule.cooldown_seconds, rule.application_id, rule.environment, rule.webhook_id,
       int64_t{rule.enabled}, rule.updated_at});
  if (!r.ok()) return r.error().code == ErrorCode::kConflict ? NameTaken(rule) : r.take_error();
  if (r->affected_rows == 0) return Error::NotFound("Alert rule not found: " + rule.id);
  return Ok();
}

Status AlertRepository::DeleteRule(const std::string& id, int64_t now) {
  return db_.Transaction([&](DbSession& s) -> Status {
    auto r = s.Exec("DELETE FROM alert_rules WHERE id = $1", {id});
    if (!r.ok()) return r.take_error();
    if (r->affected_rows == 0) return Error::NotFound("Alert rule not found: " + id);
    auto open = s.Exec("UPDATE alerts SET state = 'resolved', resolved_at = $2 WHERE rule_id = $1 AND state = 'firing'",
                       {id, now});
    if (!open.ok()) return open.take_error();
    return Ok();
  });
}

Status AlertRepository::EnsureRules(const std::vector<AlertRuleRow>& rules) {
  return db_.Transaction([&](DbSession& s) -> Status {
    for (const auto& rule : rules) {
      auto r = s.Exec(std::string("INSERT INTO alert_rules (") + kRuleColumns +
                          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
                          "ON CONFLICT DO NOTHING",
                      RuleParams(rule));
      if (!r.ok()) return r.take_error();
    }
    return Ok();
  });
}

Result<bool> AlertRepository::InsertFiring(const AlertRow& a) {
  auto r = db_.Exec(std::string("INSERT INTO alerts (") + kAlertColumns +
                        ") SELECT $1, $2, $3, $4, $5, CAST($6 AS DOUBLE PRECISION), $7, $8, $9, 'firing', "
                        "CAST($10 AS DOUBLE PRECISION), $11, CAST($12 AS BIGINT), NULL, NULL, NULL, NULL "
                        "WHERE NOT EXISTS (SELECT 1 FROM alerts WHERE rule_id = $2 AND state = 'firing')",
                    {a.id, a.rule_id, a.rule_name, a.metric, a.comparison, a.threshold, a.severity, a.application_id,
                     a.environment, a.value, a.message, a.fired_at});
  if (!r.ok()) return r.take_error();
  return r->affected_rows == 1;
}

Result<bool> AlertRepository::Resolve(const std::string& id, int64_t resolved_at, std::optional<double> value) {
  auto r = db_.Exec(
      "UPDATE alerts SET state = 'resolved', resolved_at = $2, resolved_value = $3 WHERE id = $1 AND state = 'firing'",
      {id, resolved_at, value ? DbValue(*value) : DbValue()});
  if (!r.ok()) return r.take_error();
  return r->affected_rows == 1;
}

Result<std::vector<AlertRow>> AlertRepository::ListAlerts(const AlertFilter& f) {
  std::string sql = std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE 1 = 1";
  DbParams params;
  auto bind = [&](const std::string& v) {
    params.emplace_back(v);
    return "$" + std::to_string(params.size());
  };
  if (!f.severity.empty()) sql += " AND severity = " + bind(f.severity);
  if (!f.environment.empty()) sql += " AND (environment = " + bind(f.environment) + " OR environment = '')";
  if (!f.state.empty()) sql += " AND state = " + bind(f.state);
  if (!f.rule_id.empty()) sql += " AND rule_id = " + bind(f.rule_id);
  params.emplace_back(int64_t{f.limit});
  sql += " ORDER BY fired_at DESC, id DESC LIMIT $" + std::to_string(params.size());
  params.emplace_back(int64_t{f.offset});
  sql += " OFFSET $" + std::to_string(params.size());
  return MapRows(db_.Exec(sql, params), AlertFromRow);
}

Result<AlertRow> AlertRepository::GetAlert(const std::string& id) {
  auto r = db_.Exec(std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE id = $1", {id});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return Error::NotFound("Alert not found: " + id);
  return AlertFromRow(r->rows[0]);
}

Result<AlertRow> AlertRepository::Acknowledge(const std::string& id, const std::string& by, int64_t now) {
  auto r =
      db_.Exec("UPDATE alerts SET acknowledged_at = $2, acknowledged_by = $3 WHERE id = $1 AND acknowledged_at IS NULL",
               {id, now, by});
  if (!r.ok()) return r.take_error();
  return GetAlert(id);
}

Result<std::vector<AlertRow>> AlertRepository::OpenAlerts() {
  return MapRows(
      db_.Exec(std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE state = 'firing' ORDER BY fired_at"),
      AlertFromRow);
}

Result<std::unordered_map<std::string, int64_t>> AlertRepository::LastFirings() {
  auto r = db_.Exec("SELECT rule_id, MAX(fired_at) FROM alerts GROUP BY rule_id");
  if (!r.ok()) return r.take_error();
  std::unordered_map<std::string, int64_t> out;
  for (const auto& row : r->rows) out[AsString(row[0])] = AsInt(row[1]);
  return out;
}

Result<std::optional<Scope>> AlertRepository::WebhookScope(const std::string& webhook_id) {
  auto r = db_.Exec("SELECT application_id, environment FROM webhook_endpoints WHERE id = $1", {webhook_id});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return std::optional<Scope>();
  return std::optional<Scope>(Scope{AsString(r->rows[0][0]), AsString(r->rows[0][1])});
}

}  // namespace rt::store
