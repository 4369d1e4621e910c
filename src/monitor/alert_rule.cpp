#include "monitor/alert_rule.h"

#include <algorithm>
#include <boost/json/value.hpp>
#include <cmath>

#include "core/duration.h"
#include "registry/application_service.h"
#include "registry/service_registry.h"

namespace rt::monitor {
namespace {

constexpr std::pair<std::string_view, std::string_view> kComparisons[] = {{"gt", ">"},   {"gte", ">="}, {"lt", "<"},
                                                                          {"lte", "<="}, {"eq", "=="},  {"neq", "!="}};
constexpr std::string_view kSeverities[] = {"info", "warning", "critical"};
constexpr std::string_view kReadOnly[] = {"id", "builtin", "createdAt", "updatedAt"};
constexpr std::string_view kFields[] = {"name",          "description", "metric",    "comparison",
                                        "threshold",     "for",         "cooldown",  "severity",
                                        "applicationId", "environment", "webhookId", "enabled"};

template <typename List>
bool Contains(const List& list, std::string_view v) {
  return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

// A string field: null reads as "" when nullable; anything but a string is refused.
Result<std::string> Text(const boost::json::value& v, std::string_view name, size_t max, bool nullable) {
  if (v.is_null() && nullable) return std::string();
  if (!v.is_string()) return Error::Validation(std::string(name) + " must be a string");
  if (v.get_string().size() > max)
    return Error::Validation(std::string(name) + " must be at most " + std::to_string(max) + " characters");
  return std::string(v.get_string());
}

// "0", "0s", "00m": zero, which ParseDurationSeconds refuses (durations there are positive).
bool IsZeroDuration(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && s[i] == '0') ++i;
  return i > 0 &&
         (i == s.size() || (i + 1 == s.size() && std::string_view("smhd").find(s[i]) != std::string_view::npos));
}

// A duration in whole seconds: a non-negative integer or a string ("30s", "5m", "1h", "0").
Result<int64_t> Seconds(const boost::json::value& v, std::string_view name, int64_t max) {
  std::optional<int64_t> s;
  if (v.is_int64())
    s = v.get_int64();
  else if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(max))
    s = static_cast<int64_t>(v.get_uint64());
  else if (v.is_double() && std::trunc(v.get_double()) == v.get_double() && std::abs(v.get_double()) <= 1e15)
    s = static_cast<int64_t>(v.get_double());
  else if (v.is_string())
    s = IsZeroDuration(v.get_string()) ? std::optional<int64_t>(0) : ParseDurationSeconds(v.get_string());
  if (!s || *s < 0 || *s > max)
    return Error::Validation(std::string(name) + " must be a duration between 0 and " + std::to_string(max) +
                             " seconds: whole seconds or a string like \"30s\", \"5m\", \"1h\"");
  return *s;
}

Status ApplyField(store::AlertRuleRow& r, std::string_view key, const boost::json::value& v) {
  auto text = [&](std::string& out, size_t max, bool nullable) -> Status {
    auto s = Text(v, key, max, nullable);
    if (!s.ok()) return s.take_error();
    out = std::move(*s);
    return Ok();
  };
  if (key == "name") return text(r.name, 100, false);
  if (key == "description") return text(r.description, 1000, true);
  if (key == "metric") return text(r.metric, 100, false);
  if (key == "severity") return text(r.severity, 20, false);
  if (key == "applicationId") return text(r.application_id, 100, true);
  if (key == "environment") return text(r.environment, 20, true);
  if (key == "webhookId") return text(r.webhook_id, 100, true);
  if (key == "comparison") {
    if (!v.is_string() || NormalizeComparison(v.get_string()).empty())
      return Error::Validation("comparison must be one of gt, gte, lt, lte, eq, neq (or >, >=, <, <=, ==, !=)");
    r.comparison = std::string(NormalizeComparison(v.get_string()));
    return Ok();
  }
  if (key == "threshold") {
    if (!v.is_number()) return Error::Validation("threshold must be a number");
    r.threshold = v.to_number<double>();
    return Ok();
  }
  if (key == "enabled") {
    if (!v.is_bool()) return Error::Validation("enabled must be a boolean");
    r.enabled = v.get_bool();
    return Ok();
  }
  auto secs = Seconds(v, key, key == "for" ? kMaxForSeconds : kMaxCooldownSeconds);
  if (!secs.ok()) return secs.take_error();
  (key == "for" ? r.for_seconds : r.cooldown_seconds) = *secs;
  return Ok();
}

Status Validate(const store::AlertRuleRow& r) {
  if (r.name.empty()) return Error::Validation("name is required");
  if (!IsAlertMetric(r.metric))
    return Error::Validation("metric '" + r.metric +
                             "' is unknown: use a field of GET /api/metrics/dashboard or dlqGrowth");
  if (r.comparison.empty()) return Error::Validation("comparison is required");
  if (!IsSeverity(r.severity)) return Error::Validation("severity must be info, warning or critical");
  if (!r.environment.empty() && !registry::IsValidEnvironment(r.environment))
    return Error::Validation("environment must be development, staging or production");
  return Ok();
}

boost::json::value OrNull(const std::string& s) {
  return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
}
boost::json::value TimeOrNull(int64_t ms) {
  return ms == 0 ? boost::json::value(nullptr) : boost::json::value(ms);  // ms since epoch, as every API
}

store::AlertRuleRow Builtin(const char* id, const char* name, const char* description, const char* metric,
                            double threshold, int64_t for_s, const char* severity, int64_t now) {
  store::AlertRuleRow r;
  r.id = id;
  r.name = name;
  r.description = description;
  r.metric = metric;
  r.comparison = "gt";
  r.threshold = threshold;
  r.for_seconds = for_s;
  r.severity = severity;
  r.cooldown_seconds = kDefaultCooldownSeconds;
  r.builtin = true;
  r.created_at = r.updated_at = now;
  return r;
}

}  // namespace

bool IsAlertMetric(std::string_view metric) { return Contains(kAlertMetrics, metric); }
bool IsSeverity(std::string_view severity) { return Contains(kSeverities, severity); }

std::string_view NormalizeComparison(std::string_view c) {
  for (const auto& [word, symbol] : kComparisons) {
    if (c == word || c == symbol) return word;
  }
  return {};
}

std::string_view ComparisonSymbol(std::string_view c) {
  for (const auto& [word, symbol] : kComparisons) {
    if (c == word) return symbol;
  }
  return "?";
}

bool Compare(std::string_view c, double value, double threshold) {
  if (c == "gt") return value > threshold;
  if (c == "gte") return value >= threshold;
  if (c == "lt") return value < threshold;
  if (c == "lte") return value <= threshold;
  if (c == "eq") return value == threshold;
  if (c == "neq") return value != threshold;
  return false;
}

std::unordered_map<std::string, double> FlattenDashboard(const boost::json::object& dashboard) {
  std::unordered_map<std::string, double> out;
  for (const auto& [key, v] : dashboard) {
    if (v.is_number()) out[std::string(key)] = v.to_number<double>();
    if (!v.is_object()) continue;
    for (const auto& [name, n] : v.get_object()) {
      if (n.is_number()) out[std::string(name)] = n.to_number<double>();
    }
  }
  return out;
}

Result<store::AlertRuleRow> ApplyRuleJson(const boost::json::object& body, store::AlertRuleRow base, bool create) {
  if (create) {
    for (const char* required : {"name", "metric", "comparison", "threshold", "severity"}) {
      if (!body.contains(required)) return Error::Validation(std::string(required) + " is required");
    }
    base.cooldown_seconds = kDefaultCooldownSeconds;
  }
  for (const auto& [key, v] : body) {
    if (Contains(kReadOnly, key)) continue;
    if (!Contains(kFields, key)) return Error::Validation("unknown field: " + std::string(key));
    if (Status st = ApplyField(base, key, v); !st.ok()) return st.take_error();
  }
  if (Status st = Validate(base); !st.ok()) return st.take_error();
  return base;
}

boost::json::object RuleToJson(const store::AlertRuleRow& r) {
  return {{"id", r.id},
          {"name", r.name},
          {"description", r.description},
          {"metric", r.metric},
          {"comparison", r.comparison},
          {"threshold", r.threshold},
          {"for", r.for_seconds},
          {"cooldown", r.cooldown_seconds},
          {"severity", r.severity},
          {"applicationId", OrNull(r.application_id)},
          {"environment", OrNull(r.environment)},
          {"webhookId", OrNull(r.webhook_id)},
          {"enabled", r.enabled},
          {"builtin", r.builtin},
          {"createdAt", TimeOrNull(r.created_at)},
          {"updatedAt", TimeOrNull(r.updated_at)}};
}

boost::json::object AlertToJson(const store::AlertRow& a) {
  return {{"id", a.id},
          {"ruleId", a.rule_id},
          {"ruleName", a.rule_name},
          {"metric", a.metric},
          {"comparison", a.comparison},
          {"threshold", a.threshold},
          {"severity", a.severity},
          {"applicationId", OrNull(a.application_id)},
          {"environment", OrNull(a.environment)},
          {"state", a.state},
          {"value", a.value},
          {"message", a.message},
          {"firedAt", TimeOrNull(a.fired_at)},
          {"resolvedAt", TimeOrNull(a.resolved_at)},
          {"resolvedValue", a.resolved_value ? boost::json::value(*a.resolved_value) : boost::json::value(nullptr)},
          {"acknowledged", a.acknowledged_at != 0},
          {"acknowledgedAt", TimeOrNull(a.acknowledged_at)},
          {"acknowledgedBy", OrNull(a.acknowledged_by)}};
}

std::vector<store::AlertRuleRow> BuiltinRules(int64_t now) {
  return {
      Builtin("alr_builtin_webhook_failure_critical", "Webhook failure rate critical",
              "More than half of the webhook delivery attempts failed", "webhookFailureRate", 0.5, 0, "critical", now),
      Builtin("alr_builtin_webhook_failure_warning", "Webhook failure rate warning",
              "More than 20% of the webhook delivery attempts failed", "webhookFailureRate", 0.2, 0, "warning", now),
      Builtin("alr_builtin_connections", "Active connections high", "More than 10,000 realtime connections",
              "activeConnections", 10000, 0, "warning", now),
      Builtin("alr_builtin_cdc_lag", "CDC lag", "The CDC readers are more than 30 s behind for a minute", "cdcLag",
              30000, 60, "warning", now),
      Builtin("alr_builtin_dlq_growth", "Dead-letter queue growing",
              "Jobs were dead-lettered since the last evaluation", "dlqGrowth", 0, 0, "warning", now),
  };
}

}  // namespace rt::monitor
