#include "monitor/alert_state.h"

namespace rt::monitor {

AlertAction StepAlert(RuleState& s, bool breached, int64_t now, int64_t for_ms, int64_t cooldown_ms) {
  if (!breached) {
    const bool was_firing = s.phase == AlertPhase::kFiring;
    s.phase = AlertPhase::kInactive;
    s.breach_since = 0;
    return was_firing ? AlertAction::kResolve : AlertAction::kNone;
  }
  switch (s.phase) {
    case AlertPhase::kFiring:
      return AlertAction::kNone;
    case AlertPhase::kInactive:
      s.phase = AlertPhase::kPending;
      s.breach_since = now;
      [[fallthrough]];
    case AlertPhase::kPending:
      if (now - s.breach_since < for_ms || InCooldown(s, now, cooldown_ms)) return AlertAction::kNone;
      s.phase = AlertPhase::kFiring;
      s.last_fired_at = now;
      return AlertAction::kFire;
  }
  return AlertAction::kNone;
}

bool InCooldown(const RuleState& s, int64_t now, int64_t cooldown_ms) {
  return s.last_fired_at != 0 && now - s.last_fired_at < cooldown_ms;
}

const char* PhaseName(AlertPhase phase) {
  switch (phase) {
    case AlertPhase::kInactive:
      return "inactive";
    case AlertPhase::kPending:
      return "pending";
    case AlertPhase::kFiring:
      return "firing";
  }
  return "inactive";
}

}  // namespace rt::monitor
