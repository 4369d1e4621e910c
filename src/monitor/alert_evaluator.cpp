#include "monitor/alert_evaluator.h"

#include <algorithm>
#include <unordered_set>

#include "core/ids.h"
#include "core/json.h"
#include "core/log.h"
#include "monitor/alert_rule.h"

namespace rt::monitor {
namespace {

std::string Number(double v) {
  std::string out;
  json::AppendNumber(out, v);
  return out;
}

// "activeConnections = 12 > 10"
std::string Message(const store::AlertRuleRow& rule, double value) {
  return rule.metric + " = " + Number(value) + " " + std::string(ComparisonSymbol(rule.comparison)) + " " +
         Number(rule.threshold);
}

LogLevel LevelOf(const std::string& severity) {
  if (severity == "critical") return LogLevel::kError;
  if (severity == "warning") return LogLevel::kWarn;
  return LogLevel::kInfo;
}

}  // namespace

AlertEvaluator::AlertEvaluator(store::AlertRepository& alerts, store::LeaseRepository& leases, DashboardFn dashboard,
                               AlertNotifier* notifier, AlertEvaluatorOptions options)
    : alerts_(alerts),
      leases_(leases),
      dashboard_(std::move(dashboard)),
      notifier_(notifier),
      options_(std::move(options)) {}

AlertEvaluator::~AlertEvaluator() { Stop(); }

void AlertEvaluator::Start() {
  thread_ = std::thread([this] { Run(); });
}

void AlertEvaluator::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (leader_.exchange(false)) {
    if (Status st = leases_.Release(std::string(kAlertLease), options_.instance_id); !st.ok())
      log::Warn("alert evaluator lease not released (it expires by itself)", {{"error", st.error().message}});
  }
}

void AlertEvaluator::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, options_.tick, [this] { return stop_; });
    if (stop_) return;
    lock.unlock();
    Tick(NowMs());
    lock.lock();
  }
}

bool AlertEvaluator::Rebuild(int64_t now) {
  if (Status st = alerts_.EnsureRules(BuiltinRules(now)); !st.ok()) {
    log::Warn("built-in alert rules not created; retried next tick", {{"error", st.error().message}});
    return false;
  }
  auto open = alerts_.OpenAlerts();
  auto last = alerts_.LastFirings();
  if (!open.ok() || !last.ok()) {
    log::Warn("alert evaluator cannot load its state; retried next tick",
              {{"error", !open.ok() ? open.error().message : last.error().message}});
    return false;
  }
  states_.clear();
  last_rules_.clear();
  prev_dlq_.reset();
  for (const auto& [rule_id, at] : *last) states_[rule_id].last_fired_at = at;
  for (const auto& a : *open) {
    RuleState& s = states_[a.rule_id];
    s.phase = AlertPhase::kFiring;
    s.breach_since = a.fired_at;
    s.alert_id = a.id;
    s.last_fired_at = std::max(s.last_fired_at, a.fired_at);
  }
  log::Info("alert evaluator active on this instance",
            {{"instance", options_.instance_id}, {"openAlerts", static_cast<int64_t>(open->size())}});
  return true;
}

void AlertEvaluator::Tick(int64_t now) {
  auto held = leases_.TryAcquire(std::string(kAlertLease), options_.instance_id, now, 3 * options_.tick.count());
  if (!held.ok() || !*held) {
    if (leader_.exchange(false))
      log::Warn("alert evaluator lease lost; another instance evaluates",
                {{"error", held.ok() ? std::string() : held.error().message}});
    states_.clear();
    return;
  }
  if (!leader_.load(std::memory_order_relaxed)) {
    if (!Rebuild(now)) return;
    leader_.store(true, std::memory_order_relaxed);
  }
  auto rules = alerts_.ListRules();
  if (!rules.ok()) {
    log::Warn("alert rules not loaded; retried next tick", {{"error", rules.error().message}});
    return;
  }
  auto metrics = FlattenDashboard(dashboard_());
  if (auto it = metrics.find("dlqSize"); it != metrics.end()) {
    metrics[std::string(kDlqGrowth)] = prev_dlq_ ? it->second - *prev_dlq_ : 0.0;
    prev_dlq_ = it->second;
  }
  std::unordered_map<std::string, store::AlertRuleRow> enabled;
  std::unordered_set<std::string> existing;
  for (const auto& rule : *rules) {
    existing.insert(rule.id);
    if (!rule.enabled) continue;
    Evaluate(rule, metrics, now);
    enabled.emplace(rule.id, rule);
  }
  // Rules disabled or deleted since: resolve what they left firing (a deleted rule's alert is
  // usually resolved by the deletion already); forget deleted rules, keep the cooldown of others.
  for (auto it = states_.begin(); it != states_.end();) {
    if (enabled.contains(it->first)) {
      ++it;
      continue;
    }
    auto rule = std::find_if(rules->begin(), rules->end(), [&](const auto& r) { return r.id == it->first; });
    const store::AlertRuleRow* known = rule != rules->end() ? &*rule : nullptr;
    if (!known) {
      auto last = last_rules_.find(it->first);
      known = last != last_rules_.end() ? &last->second : nullptr;
    }
    if (it->second.phase == AlertPhase::kFiring &&
        !ResolveOpen(known, it->second, std::nullopt, now, "rule disabled or deleted")) {
      ++it;
      continue;
    }
    it->second.phase = AlertPhase::kInactive;
    it->second.breach_since = 0;
    it = existing.contains(it->first) ? std::next(it) : states_.erase(it);
  }
  last_rules_ = std::move(enabled);
}

void AlertEvaluator::Evaluate(const store::AlertRuleRow& rule, const std::unordered_map<std::string, double>& metrics,
                              int64_t now) {
  RuleState& state = states_[rule.id];
  auto it = metrics.find(rule.metric);
  const double value = it != metrics.end() ? it->second : 0.0;
  const bool breached = it != metrics.end() && Compare(rule.comparison, value, rule.threshold);
  const RuleState before = state;
  switch (StepAlert(state, breached, now, rule.for_seconds * 1000, rule.cooldown_seconds * 1000)) {
    case AlertAction::kFire:
      if (!Fire(rule, state, value, now)) state = before;
      break;
    case AlertAction::kResolve:
      if (!ResolveOpen(&rule, state, value, now, "condition cleared")) state = before;
      break;
    case AlertAction::kNone:
      break;
  }
}

bool AlertEvaluator::Fire(const store::AlertRuleRow& rule, RuleState& state, double value, int64_t now) {
  store::AlertRow a;
  a.id = NewId("alt");
  a.rule_id = rule.id;
  a.rule_name = rule.name;
  a.metric = rule.metric;
  a.comparison = rule.comparison;
  a.threshold = rule.threshold;
  a.severity = rule.severity;
  a.application_id = rule.application_id;
  a.environment = rule.environment;
  a.state = "firing";
  a.value = value;
  a.message = Message(rule, value);
  a.fired_at = now;
  auto inserted = alerts_.InsertFiring(a);
  if (!inserted.ok()) {
    log::Warn("alert firing not recorded; retried next tick",
              {{"rule", rule.name}, {"error", inserted.error().message}});
    return false;
  }
  if (!*inserted) {  // an open alert of this rule exists already (a previous holder's): adopt it
    auto open = alerts_.ListAlerts({"", "", "firing", rule.id, 1, 0});
    if (!open.ok() || open->empty()) return false;
    state.alert_id = (*open)[0].id;
    state.last_fired_at = (*open)[0].fired_at;
    return true;
  }
  state.alert_id = a.id;
  log::Write(LevelOf(rule.severity), "alert firing",
             {{"alertId", a.id},
              {"rule", rule.name},
              {"ruleId", rule.id},
              {"severity", rule.severity},
              {"metric", rule.metric},
              {"value", value},
              {"threshold", rule.threshold},
              {"message", a.message}});
  if (notifier_) {
    if (Status st = notifier_->Notify(rule, a, kAlertFiringEvent); !st.ok())
      log::Warn("alert webhook not enqueued",
                {{"alertId", a.id}, {"webhookId", rule.webhook_id}, {"error", st.error().message}});
  }
  return true;
}

bool AlertEvaluator::ResolveOpen(const store::AlertRuleRow* rule, RuleState& state, std::optional<double> value,
                                 int64_t now, const char* why) {
  if (state.alert_id.empty()) return true;
  auto resolved = alerts_.Resolve(state.alert_id, now, value);
  if (!resolved.ok()) {
    log::Warn("alert resolution not recorded; retried next tick",
              {{"alertId", state.alert_id}, {"error", resolved.error().message}});
    return false;
  }
  if (*resolved) {
    log::Info("alert resolved", {{"alertId", state.alert_id},
                                 {"rule", rule ? rule->name : std::string()},
                                 {"value", value.value_or(0.0)},
                                 {"reason", why}});
    if (notifier_ && rule && !rule->webhook_id.empty()) {
      auto alert = alerts_.GetAlert(state.alert_id);
      Status st = alert.ok() ? notifier_->Notify(*rule, *alert, kAlertResolvedEvent) : Status(alert.take_error());
      if (!st.ok())
        log::Warn("alert webhook not enqueued", {{"alertId", state.alert_id}, {"error", st.error().message}});
    }
  }
  state.alert_id.clear();
  return true;
}

}  // namespace rt::monitor
