// AlertRepository: the `alert_rules` and `alerts` tables of migration 0010_monitoring
// (docs/monitoring.md "Alerts"): rule CRUD, the spec's built-in rules, and the firing/resolved
// history the alert evaluator writes and the Alert Center reads.
//
// One alert row per firing: inserted `firing`, resolved in place (`resolved`, resolved_at,
// resolved_value); at most one open (`firing`) alert per rule — InsertFiring refuses a second.
// Acknowledging records the first acknowledgement only.
//
// Failure: kNotFound (unknown rule or alert id), kConflict (a rule name already taken),
// kUnavailable (database down). Thread safety: as the Db it wraps (safe from any thread;
// blocking: call from the blocking pool or a worker thread). Rows are plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/scope.h"
#include "store/db.h"

namespace rt::store {

struct AlertRuleRow {
  std::string id;  // alr_…
  std::string name;
  std::string description;
  std::string metric;      // a dashboard field (monitor/alert_rule.h)
  std::string comparison;  // gt | gte | lt | lte | eq | neq
  double threshold = 0;
  int64_t for_seconds = 0;
  std::string severity;  // info | warning | critical
  int64_t cooldown_seconds = 0;
  std::string application_id;  // "" = every application
  std::string environment;     // "" = every environment
  std::string webhook_id;      // "" = no notification
  bool enabled = true;
  bool builtin = false;
  int64_t created_at = 0, updated_at = 0;  // ms
};

struct AlertRow {
  std::string id;  // alt_…
  std::string rule_id, rule_name, metric, comparison;
  double threshold = 0;
  std::string severity;
  std::string application_id, environment;
  std::string state;  // firing | resolved
  double value = 0;   // the metric when it fired
  std::string message;
  int64_t fired_at = 0;
  int64_t resolved_at = 0;  // 0: not resolved
  std::optional<double> resolved_value;
  int64_t acknowledged_at = 0;  // 0: not acknowledged
  std::string acknowledged_by;
};

struct AlertFilter {
  std::string severity;     // "" = any
  std::string environment;  // "" = any; else that environment's alerts and the unscoped ones
  std::string state;        // "" = any
  std::string rule_id;      // "" = any
  int limit = 100;
  int offset = 0;
};

class AlertRepository {
 public:
  explicit AlertRepository(Db& db) : db_(db) {}

  // Rules, by name.
  Result<std::vector<AlertRuleRow>> ListRules();
  Result<AlertRuleRow> GetRule(const std::string& id);
  // kConflict when the name is taken.
  Status InsertRule(const AlertRuleRow& rule);
  // Every field but id, builtin and created_at. kNotFound, kConflict (name taken).
  Status UpdateRule(const AlertRuleRow& rule);
  // Deletes the rule and resolves its open alert (at now, no value). kNotFound.
  Status DeleteRule(const std::string& id, int64_t now);
  // Inserts each of `rules` (fixed ids) unless its id or name exists. Safe across instances.
  Status EnsureRules(const std::vector<AlertRuleRow>& rules);

  // Records a firing; false (nothing written) when the rule already has an open alert.
  Result<bool> InsertFiring(const AlertRow& alert);
  // Resolves an open alert; false when it is not open (already resolved, or unknown).
  Result<bool> Resolve(const std::string& id, int64_t resolved_at, std::optional<double> value);
  // Newest firing first.
  Result<std::vector<AlertRow>> ListAlerts(const AlertFilter& filter);
  Result<AlertRow> GetAlert(const std::string& id);
  // Sets acknowledged_at / _by unless already acknowledged; returns the alert. kNotFound.
  Result<AlertRow> Acknowledge(const std::string& id, const std::string& by, int64_t now);
  // Every open alert (the evaluator's state after a failover).
  Result<std::vector<AlertRow>> OpenAlerts();
  // rule id -> its latest fired_at (cooldowns after a failover).
  Result<std::unordered_map<std::string, int64_t>> LastFirings();

  // The scope of the webhook endpoint with this id, nullopt when there is none.
  Result<std::optional<Scope>> WebhookScope(const std::string& webhook_id);

 private:
  Db& db_;
};

}  // namespace rt::store
