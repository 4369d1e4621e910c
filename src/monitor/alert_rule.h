// Alert rules (docs/monitoring.md "Alerts"): what a rule may watch, how POST/PATCH
// /api/alerts/rules bodies are validated into a store::AlertRuleRow, the JSON shapes of rules and
// alerts, the spec's built-in rules, and the comparison itself.
//
// A rule watches one metric: a field of GET /api/metrics/dashboard by its flat name
// (activeConnections, cdcLag, webhookFailureRate, …; kAlertMetrics) or `dlqGrowth` (dlqSize now
// minus at the previous evaluation, computed by the evaluator). Rule fields: name (1-100
// characters, unique), description, metric, comparison (gt|gte|lt|lte|eq|neq, or > >= < <= == !=,
// stored as the word), threshold (number), for (seconds the condition must hold before firing;
// duration "30s"/"5m" or seconds, 0-86400), cooldown (seconds after a firing before the rule may
// fire again; 0-604800), severity (info|warning|critical), applicationId / environment (the
// alert's scope: labels for the Alert Center, "" or null = every one), webhookId (notified on
// firing and resolution), enabled.
//
// Thread safety: pure functions over immutable tables. Failure: ValidationError naming the field.
#pragma once

#include <array>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "store/alert_repository.h"

namespace rt::monitor {

// clang-format off
inline constexpr std::array<std::string_view, 19> kAlertMetrics = {
    "activeConnections", "reconnectRate", "eventsInPerSec", "eventsOutPerSec", "fanoutLatencyP50",
    "fanoutLatencyP95", "fanoutLatencyP99", "cdcLag", "outboxLag", "eventsCapturedPerSec", "eventsRoutedPerSec",
    "mappingFailures", "schemaValidationFailures", "queueDepth", "retryCount", "dlqSize", "webhookSuccessRate",
    "webhookFailureRate", "dlqGrowth"};
// clang-format on
inline constexpr std::string_view kDlqGrowth = "dlqGrowth";

inline constexpr int64_t kMaxForSeconds = 86400;
inline constexpr int64_t kMaxCooldownSeconds = 7 * 86400;
inline constexpr int64_t kDefaultCooldownSeconds = 300;

bool IsAlertMetric(std::string_view metric);
bool IsSeverity(std::string_view severity);
// "gt" for "gt" or ">", …; "" when not a comparison.
std::string_view NormalizeComparison(std::string_view comparison);
// value <comparison> threshold (comparison as stored).
bool Compare(std::string_view comparison, double value, double threshold);
// The symbol of a stored comparison (">" for "gt"), for messages.
std::string_view ComparisonSymbol(std::string_view comparison);

// The numbers of a dashboard object by flat name: every number member of every object member
// ({"delivery":{"activeConnections":3}} -> activeConnections=3) and top-level numbers.
std::unordered_map<std::string, double> FlattenDashboard(const boost::json::object& dashboard);

// Applies a POST (create: name, metric, comparison, threshold and severity required; for 0 and
// cooldown 300 s by default) or PATCH (only the fields present) body on `base` and validates the
// result. Ignores the read-only fields id, builtin, createdAt, updatedAt; any other unknown field
// is a ValidationError. Sets neither id nor times. Does not check that the webhook or the
// application exist (the service does).
Result<store::AlertRuleRow> ApplyRuleJson(const boost::json::object& body, store::AlertRuleRow base, bool create);

// {id, name, description, metric, comparison, threshold, for, cooldown, severity, applicationId,
//  environment, webhookId, enabled, builtin, createdAt, updatedAt}: for/cooldown in seconds,
// times ISO-8601, unset scope/webhook as null.
boost::json::object RuleToJson(const store::AlertRuleRow& rule);
// {id, ruleId, ruleName, metric, comparison, threshold, severity, applicationId, environment,
//  state, value, message, firedAt, resolvedAt, resolvedValue, acknowledged, acknowledgedAt,
//  acknowledgedBy}: times ISO-8601, absent ones null.
boost::json::object AlertToJson(const store::AlertRow& alert);

// The spec's default rules (fixed ids alr_builtin_…; created on start when missing), at `now`.
std::vector<store::AlertRuleRow> BuiltinRules(int64_t now);

}  // namespace rt::monitor
