#include "app/dashboard.h"

#include <gtest/gtest.h>

namespace rt::app {
namespace {

TEST(Dashboard, RatesAreDeltasOverTheWindowAndGaugesAsRead) {
  DashboardRaw a, b;
  a.events_in = 100;
  b.events_in = 300;
  a.events_out = 1000;
  b.events_out = 5000;
  b.active_connections = 40;
  a.connections_accepted = 10;
  b.connections_accepted = 14;
  a.webhook_success = 10;
  b.webhook_success = 19;
  b.webhook_failed = 1;
  a.cdc_failed = 2;
  b.cdc_failed = 5;
  b.queue_depth = 7;
  b.cdc_lag_ms = 250;
  auto o = Dashboard::Compute(a, b, 2.0);
  const auto& d = o.at("delivery").as_object();
  EXPECT_DOUBLE_EQ(d.at("eventsInPerSec").as_double(), 100);
  EXPECT_DOUBLE_EQ(d.at("eventsOutPerSec").as_double(), 2000);
  EXPECT_DOUBLE_EQ(d.at("activeConnections").as_double(), 40);
  EXPECT_DOUBLE_EQ(d.at("reconnectRate").as_double(), 2.0 / 40);
  const auto& p = o.at("pipeline").as_object();
  EXPECT_DOUBLE_EQ(p.at("mappingFailures").as_double(), 3);
  EXPECT_DOUBLE_EQ(p.at("cdcLag").as_double(), 250);
  const auto& r = o.at("reliability").as_object();
  EXPECT_DOUBLE_EQ(r.at("queueDepth").as_double(), 7);
  EXPECT_DOUBLE_EQ(r.at("webhookSuccessRate").as_double(), 0.9);
  EXPECT_NEAR(r.at("webhookFailureRate").as_double(), 0.1, 1e-12);
  // No attempts in the window: nothing failed.
  auto idle = Dashboard::Compute(b, b, 2.0);
  EXPECT_DOUBLE_EQ(idle.at("reliability").as_object().at("webhookSuccessRate").as_double(), 1.0);
  EXPECT_DOUBLE_EQ(idle.at("delivery").as_object().at("eventsInPerSec").as_double(), 0);
}

TEST(Dashboard, QuantilesInterpolateWithinTheBucket) {
  std::array<uint64_t, events::LatencyHistogram::kBounds.size() + 1> b{};
  EXPECT_EQ(Dashboard::QuantileMs(b, 0.5), 0);
  b[1] = 100;  // (0.5 ms, 1 ms]
  EXPECT_NEAR(Dashboard::QuantileMs(b, 0.5), 0.75, 1e-9);
  b[6] = 100;  // (25 ms, 50 ms]
  EXPECT_NEAR(Dashboard::QuantileMs(b, 0.99), 25 + 25 * 0.98, 1e-9);
  EXPECT_NEAR(Dashboard::QuantileMs(b, 0.5), 1.0, 1e-9);
}

}  // namespace
}  // namespace rt::app
