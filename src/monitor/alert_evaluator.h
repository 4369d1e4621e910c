// AlertEvaluator: the alert worker (spec/28 "Alert Worker", docs/monitoring.md "Alerts"). Every
// tick (REALTIME_ALERTS_TICK_MS, 5 s) it renews the lease "alert-evaluator" (ttl = 3 ticks) and,
// only while it holds it, loads the enabled rules, reads the dashboard, steps each rule's state
// machine (monitor/alert_state.h) and writes the firings and resolutions (store::AlertRepository),
// logging each and notifying the rule's webhook (monitor/alert_notifier.h). So exactly one
// instance of a cluster evaluates; the others renew nothing and keep no state.
//
// Failover: when it takes the lease (at start, or after another holder stopped renewing), it
// inserts the built-in rules that are missing and rebuilds its state from the database: rules
// with an open alert are firing (no second firing), every rule's last firing restarts its
// cooldown. Pending breaches (`for` not yet elapsed) are not persisted: after a failover their
// `for` starts again. A rule deleted or disabled while firing has its alert resolved. When a
// write fails, the rule's state is rolled back and the step is retried at the next tick.
//
// Metrics: the dashboard's numbers by flat name (FlattenDashboard), plus dlqGrowth = dlqSize now
// minus dlqSize at this evaluator's previous evaluation (0 on its first). A metric the dashboard
// does not report reads as "not breached".
//
// Ownership / lifetime: references its collaborators (must outlive it); owns its thread. Start
// once, Stop (or the destructor) joins the thread and releases the lease, so another instance
// takes over at its next tick. Thread safety: Start/Stop from the owner's thread; Tick is called
// by the thread (or by tests instead of Start) and is not reentrant; leader() from any thread.
#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "monitor/alert_notifier.h"
#include "monitor/alert_state.h"
#include "store/alert_repository.h"
#include "store/lease_repository.h"

namespace rt::monitor {

inline constexpr std::string_view kAlertLease = "alert-evaluator";

struct AlertEvaluatorOptions {
  std::string instance_id;               // the lease holder's name
  std::chrono::milliseconds tick{5000};  // REALTIME_ALERTS_TICK_MS
};

class AlertEvaluator {
 public:
  using DashboardFn = std::function<boost::json::object()>;

  // notifier may be null (no webhook notifications).
  AlertEvaluator(store::AlertRepository& alerts, store::LeaseRepository& leases, DashboardFn dashboard,
                 AlertNotifier* notifier, AlertEvaluatorOptions options);
  ~AlertEvaluator();
  AlertEvaluator(const AlertEvaluator&) = delete;
  AlertEvaluator& operator=(const AlertEvaluator&) = delete;

  void Start();
  void Stop();

  // One evaluation at `now` (ms since the epoch).
  void Tick(int64_t now);
  // True while this instance holds the lease (as of its last tick).
  bool leader() const { return leader_.load(std::memory_order_relaxed); }

 private:
  void Run();
  // Inserts the missing built-in rules, then the state from the open alerts and last firings;
  // false on a database error.
  bool Rebuild(int64_t now);
  void Evaluate(const store::AlertRuleRow& rule, const std::unordered_map<std::string, double>& metrics, int64_t now);
  bool Fire(const store::AlertRuleRow& rule, RuleState& state, double value, int64_t now);
  bool ResolveOpen(const store::AlertRuleRow* rule, RuleState& state, std::optional<double> value, int64_t now,
                   const char* why);

  store::AlertRepository& alerts_;
  store::LeaseRepository& leases_;
  const DashboardFn dashboard_;
  AlertNotifier* const notifier_;
  const AlertEvaluatorOptions options_;
  std::atomic<bool> leader_{false};

  // Tick state (the evaluator's thread only).
  std::unordered_map<std::string, RuleState> states_;                // by rule id
  std::unordered_map<std::string, store::AlertRuleRow> last_rules_;  // by rule id, last tick's
  std::optional<double> prev_dlq_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace rt::monitor
