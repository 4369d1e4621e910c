#include "gateway/message_budget.h"

#include <gtest/gtest.h>

namespace rt::gateway {
namespace {

using namespace std::chrono_literals;

TEST(MessageBudget, BurstThenRefillAtTheRate) {
  auto t0 = MessageBudget::Clock::time_point{} + 1h;
  MessageBudget b({/*rate*/ 10, /*burst*/ 5, 50, 10s}, t0);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.Take(t0)) << i;
  EXPECT_FALSE(b.Take(t0));
  EXPECT_FALSE(b.Take(t0 + 50ms));  // half a token
  EXPECT_TRUE(b.Take(t0 + 100ms));  // one token after 1/rate
  EXPECT_FALSE(b.Take(t0 + 100ms));
  // Refill never exceeds the burst.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.Take(t0 + 1h)) << i;
  EXPECT_FALSE(b.Take(t0 + 1h));
}

TEST(MessageBudget, ZeroRateIsUnlimited) {
  auto t0 = MessageBudget::Clock::time_point{} + 1h;
  MessageBudget b({0, 1, 50, 10s}, t0);
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(b.Take(t0));
}

TEST(MessageBudget, FloodingIsMoreThanMaxStrikesWithinTheWindow) {
  auto t0 = MessageBudget::Clock::time_point{} + 1h;
  MessageBudget b({10, 5, 3, 10s}, t0);
  EXPECT_FALSE(b.Strike(t0));
  EXPECT_FALSE(b.Strike(t0 + 1s));
  EXPECT_FALSE(b.Strike(t0 + 2s));
  // The first strike has left the window: still three.
  EXPECT_FALSE(b.Strike(t0 + 10s + 1ms));
  EXPECT_TRUE(b.Strike(t0 + 10s + 2ms));  // four within 10 s
}

}  // namespace
}  // namespace rt::gateway
