// The alert state machine (monitor/alert_state.h): every transition, `for` and cooldown.
#include "monitor/alert_state.h"

#include <gtest/gtest.h>

namespace rt::monitor {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;

class AlertStateTest : public ::testing::Test {
 protected:
  // One evaluation `at` ms after kT0.
  AlertAction Step(bool breached, int64_t at, int64_t for_ms = 0, int64_t cooldown_ms = 0) {
    return StepAlert(s_, breached, kT0 + at, for_ms, cooldown_ms);
  }
  RuleState s_;
};

TEST_F(AlertStateTest, StaysInactiveWithoutBreach) {
  EXPECT_EQ(Step(false, 0), AlertAction::kNone);
  EXPECT_EQ(s_.phase, AlertPhase::kInactive);
  EXPECT_EQ(s_.last_fired_at, 0);
}

TEST_F(AlertStateTest, ForZeroFiresOnTheFirstBreach) {
  EXPECT_EQ(Step(true, 0), AlertAction::kFire);
  EXPECT_EQ(s_.phase, AlertPhase::kFiring);
  EXPECT_EQ(s_.last_fired_at, kT0);
  EXPECT_EQ(s_.breach_since, kT0);
}

TEST_F(AlertStateTest, FiringStaysFiringWhileBreachedWithoutFiringAgain) {
  ASSERT_EQ(Step(true, 0), AlertAction::kFire);
  EXPECT_EQ(Step(true, 5000), AlertAction::kNone);
  EXPECT_EQ(Step(true, 999'999), AlertAction::kNone);
  EXPECT_EQ(s_.phase, AlertPhase::kFiring);
  EXPECT_EQ(s_.last_fired_at, kT0);
}

TEST_F(AlertStateTest, FiringResolvesWhenTheConditionClears) {
  ASSERT_EQ(Step(true, 0), AlertAction::kFire);
  EXPECT_EQ(Step(false, 5000), AlertAction::kResolve);
  EXPECT_EQ(s_.phase, AlertPhase::kInactive);
  EXPECT_EQ(s_.breach_since, 0);
  EXPECT_EQ(s_.last_fired_at, kT0);  // kept for the cooldown
  EXPECT_EQ(Step(false, 10000), AlertAction::kNone);
}

TEST_F(AlertStateTest, ForHoldsTheBreachPendingUntilItElapsed) {
  EXPECT_EQ(Step(true, 0, 1000), AlertAction::kNone);
  EXPECT_EQ(s_.phase, AlertPhase::kPending);
  EXPECT_EQ(Step(true, 999, 1000), AlertAction::kNone);
  EXPECT_EQ(s_.phase, AlertPhase::kPending);
  EXPECT_EQ(Step(true, 1000, 1000), AlertAction::kFire);
  EXPECT_EQ(s_.phase, AlertPhase::kFiring);
  EXPECT_EQ(s_.last_fired_at, kT0 + 1000);
}

TEST_F(AlertStateTest, PendingClearsWithoutResolvingAndForRestarts) {
  EXPECT_EQ(Step(true, 0, 1000), AlertAction::kNone);
  EXPECT_EQ(Step(false, 500, 1000), AlertAction::kNone);  // nothing was recorded: nothing to resolve
  EXPECT_EQ(s_.phase, AlertPhase::kInactive);
  EXPECT_EQ(Step(true, 600, 1000), AlertAction::kNone);  // a new breach: `for` counts from here
  EXPECT_EQ(Step(true, 1500, 1000), AlertAction::kNone);
  EXPECT_EQ(Step(true, 1600, 1000), AlertAction::kFire);
}

TEST_F(AlertStateTest, CooldownSuppressesARefiringThenLetsItThrough) {
  constexpr int64_t kCooldown = 3000;
  ASSERT_EQ(Step(true, 0, 0, kCooldown), AlertAction::kFire);
  ASSERT_EQ(Step(false, 500, 0, kCooldown), AlertAction::kResolve);
  EXPECT_EQ(Step(true, 1000, 0, kCooldown), AlertAction::kNone);  // within the cooldown: pending
  EXPECT_EQ(s_.phase, AlertPhase::kPending);
  EXPECT_TRUE(InCooldown(s_, kT0 + 1000, kCooldown));
  EXPECT_EQ(Step(true, 2999, 0, kCooldown), AlertAction::kNone);
  EXPECT_EQ(Step(true, 3000, 0, kCooldown), AlertAction::kFire);  // cooldown counted from the firing
  EXPECT_EQ(s_.last_fired_at, kT0 + 3000);
  EXPECT_FALSE(InCooldown(s_, kT0 + 6000, kCooldown));
}

TEST_F(AlertStateTest, ABreachEndingWithinTheCooldownNeverFires) {
  ASSERT_EQ(Step(true, 0, 0, 3000), AlertAction::kFire);
  ASSERT_EQ(Step(false, 100, 0, 3000), AlertAction::kResolve);
  EXPECT_EQ(Step(true, 200, 0, 3000), AlertAction::kNone);
  EXPECT_EQ(Step(false, 2000, 0, 3000), AlertAction::kNone);
  EXPECT_EQ(Step(false, 4000, 0, 3000), AlertAction::kNone);
  EXPECT_EQ(s_.last_fired_at, kT0);
  EXPECT_EQ(Step(true, 5000, 0, 3000), AlertAction::kFire);  // after the cooldown a breach fires at once
}

TEST_F(AlertStateTest, ForAndCooldownTogether) {
  // for 1 s, cooldown 10 s: a breach from t=2 s (in the cooldown) fires at t=10 s, its `for`
  // having elapsed long before.
  ASSERT_EQ(Step(true, 0, 0, 10000), AlertAction::kFire);
  ASSERT_EQ(Step(false, 1000, 1000, 10000), AlertAction::kResolve);
  EXPECT_EQ(Step(true, 2000, 1000, 10000), AlertAction::kNone);
  EXPECT_EQ(Step(true, 9999, 1000, 10000), AlertAction::kNone);
  EXPECT_EQ(Step(true, 10000, 1000, 10000), AlertAction::kFire);
  // after the cooldown, `for` still applies to a fresh breach
  ASSERT_EQ(Step(false, 25000, 1000, 10000), AlertAction::kResolve);
  EXPECT_EQ(Step(true, 26000, 1000, 10000), AlertAction::kNone);
  EXPECT_EQ(Step(true, 27000, 1000, 10000), AlertAction::kFire);
}

TEST_F(AlertStateTest, RestoredFiringStateResolvesWithoutFiringAgain) {
  // What the evaluator rebuilds after a failover from an open alert.
  s_ = RuleState{AlertPhase::kFiring, kT0, kT0, "alt_1"};
  EXPECT_EQ(Step(true, 5000, 0, 3000), AlertAction::kNone);
  EXPECT_EQ(Step(false, 6000, 0, 3000), AlertAction::kResolve);
  EXPECT_EQ(s_.alert_id, "alt_1");  // the caller's to clear
}

TEST_F(AlertStateTest, PhaseNames) {
  EXPECT_STREQ(PhaseName(AlertPhase::kInactive), "inactive");
  EXPECT_STREQ(PhaseName(AlertPhase::kPending), "pending");
  EXPECT_STREQ(PhaseName(AlertPhase::kFiring), "firing");
}

}  // namespace
}  // namespace rt::monitor
