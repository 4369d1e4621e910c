// The state machine of one alert rule, pure: the evaluator feeds it "is the condition true now?"
// and the time, and writes what it answers (docs/monitoring.md "Alerts").
//
//   inactive --breach--> pending --breach held `for`, cooldown over--> firing (record an alert)
//   pending  --no breach--> inactive
//   firing   --no breach--> inactive (resolve the alert)
//
// `for` = 0 fires on the first breach. Cooldown: after a firing the rule does not fire again until
// `cooldown` has passed since that firing; a breach during the cooldown stays pending (suppressed)
// and fires once the cooldown is over if it still holds (its `for` counted from its start).
//
// Thread safety: plain values and a pure function; the caller owns and guards the state.
#pragma once

#include <cstdint>
#include <string>

namespace rt::monitor {

enum class AlertPhase { kInactive, kPending, kFiring };

struct RuleState {
  AlertPhase phase = AlertPhase::kInactive;
  int64_t breach_since = 0;   // ms: when the current breach began (pending / firing)
  int64_t last_fired_at = 0;  // ms: the rule's last firing, 0 = never (cooldown)
  std::string alert_id;       // the open alert while firing: the caller's (StepAlert never touches it)
};

enum class AlertAction { kNone, kFire, kResolve };

// Advances `state` for one evaluation at `now` (ms). kFire: the caller records a firing and sets
// state.alert_id; kResolve: the caller resolves state.alert_id, then clears it.
AlertAction StepAlert(RuleState& state, bool breached, int64_t now, int64_t for_ms, int64_t cooldown_ms);

// True while a pending breach is held back by the cooldown alone (for display and logs).
bool InCooldown(const RuleState& state, int64_t now, int64_t cooldown_ms);

const char* PhaseName(AlertPhase phase);

}  // namespace rt::monitor
