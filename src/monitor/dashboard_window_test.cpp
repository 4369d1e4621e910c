#include "monitor/dashboard_window.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace rt::monitor {
namespace {

using events::TopicCounters;

TopicCounters::TopicRow Topic(const char* name, uint64_t socket, int64_t subscribers, size_t bucket = 0,
                              uint64_t in_bucket = 0) {
  TopicCounters::TopicRow row;
  row.topic = name;
  row.counts[static_cast<size_t>(events::Source::kSocket)] = socket;
  row.subscribers = subscribers;
  row.latency.buckets[bucket] = in_bucket;
  return row;
}

TEST(DashboardWindow, RatesAreDeltasOverTheWindowAndGaugesAsRead) {
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
  auto o = RenderDashboard(ComputeWindow(a, b, 2.0));
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
  auto idle = RenderDashboard(ComputeWindow(b, b, 2.0));
  EXPECT_DOUBLE_EQ(idle.at("reliability").as_object().at("webhookSuccessRate").as_double(), 1.0);
  EXPECT_DOUBLE_EQ(idle.at("delivery").as_object().at("eventsInPerSec").as_double(), 0);
}

TEST(DashboardWindow, TopicsAreRatedAndSortedBusiestFirst) {
  DashboardRaw a, b;
  a.topics = {Topic("quiet", 10, 5), Topic("busy", 100, 1)};
  b.topics = {Topic("quiet", 12, 5), Topic("busy", 300, 1, 3, 20), Topic("new", 40, 0), Topic("idle", 0, 0)};
  auto w = ComputeWindow(a, b, 2.0);
  ASSERT_EQ(w.topics.size(), 3u);  // "idle" has neither traffic nor subscribers
  EXPECT_EQ(w.topics[0].topic, "busy");
  EXPECT_DOUBLE_EQ(w.topics[0].events_per_sec, 100);
  EXPECT_EQ(w.topics[1].topic, "new");
  EXPECT_DOUBLE_EQ(w.topics[1].events_per_sec, 20);
  EXPECT_EQ(w.topics[2].topic, "quiet");
  auto hot = RenderHotTopics(w, 2);
  ASSERT_EQ(hot.size(), 2u);
  const auto& busy = hot[0].as_object();
  EXPECT_EQ(busy.at("topic").as_string(), "busy");
  EXPECT_EQ(busy.at("subscriberCount").as_int64(), 1);
  // 20 samples in (2.5 ms, 5 ms]: p95 interpolates inside that bucket.
  EXPECT_NEAR(busy.at("p95FanoutLatency").as_double(), 2.5 + 2.5 * 0.95, 1e-9);
}

TEST(DashboardWindow, MergeSumsRatesTakesMaxLagsAndMergesHistograms) {
  DashboardWindow x, y;
  x.instance = "inst_a";
  y.instance = "inst_b";
  x.at = 1000;
  y.at = 2000;
  x.events_in = 10;
  y.events_in = 5;
  x.active_connections = 3;
  y.active_connections = 4;
  x.cdc_lag_ms = 100;
  y.cdc_lag_ms = 900;
  x.queue_depth = 8;  // the same shared queue seen by both
  y.queue_depth = 8;
  x.webhook_success = 9;
  y.webhook_failed = 1;
  x.latency[1] = 50;
  y.latency[6] = 50;
  x.topics = {{"t", 4, 2, {}}};
  y.topics = {{"t", 6, 3, {}}, {"u", 20, 0, {}}};
  auto m = MergeWindows({x, y});
  EXPECT_EQ(m.at, 2000);
  EXPECT_DOUBLE_EQ(m.events_in, 15);
  EXPECT_DOUBLE_EQ(m.active_connections, 7);
  EXPECT_DOUBLE_EQ(m.cdc_lag_ms, 900);
  EXPECT_DOUBLE_EQ(m.queue_depth, 8);
  EXPECT_EQ(m.latency[1] + m.latency[6], 100u);
  ASSERT_EQ(m.topics.size(), 2u);
  EXPECT_EQ(m.topics[0].topic, "u");
  EXPECT_DOUBLE_EQ(m.topics[1].events_per_sec, 10);
  EXPECT_EQ(m.topics[1].subscribers, 5);
  auto o = RenderDashboard(m);
  EXPECT_DOUBLE_EQ(o.at("reliability").as_object().at("webhookSuccessRate").as_double(), 0.9);
  // p50 of 50 samples in (0.5, 1] ms and 50 in (25, 50] ms: the boundary of the lower bucket.
  EXPECT_NEAR(o.at("delivery").as_object().at("fanoutLatencyP50").as_double(), 1.0, 1e-9);
}

TEST(DashboardWindow, ExchangeFormatRoundTrips) {
  DashboardWindow w;
  w.instance = "inst_x";
  w.kind = "worker";
  w.at = 1234567;
  w.events_out = 1.5;
  w.dead = 3;
  w.latency[12] = 7;
  w.topics = {{"orders", 2.5, 9, {}}};
  w.topics[0].latency[2] = 4;
  auto text = json::Serialize(WindowToJson(w));
  DashboardWindow back;
  ASSERT_TRUE(WindowFromJson(*json::Parse(text), &back));
  EXPECT_EQ(back.instance, "inst_x");
  EXPECT_EQ(back.kind, "worker");
  EXPECT_EQ(back.at, 1234567);
  EXPECT_DOUBLE_EQ(back.events_out, 1.5);
  EXPECT_DOUBLE_EQ(back.dead, 3);
  EXPECT_EQ(back.latency[12], 7u);
  ASSERT_EQ(back.topics.size(), 1u);
  EXPECT_EQ(back.topics[0].subscribers, 9);
  EXPECT_EQ(back.topics[0].latency[2], 4u);
  EXPECT_FALSE(WindowFromJson(*json::Parse("[1]"), &back));
  EXPECT_FALSE(WindowFromJson(*json::Parse("{\"at\":1}"), &back));
}

TEST(Percentiles, QuantilesInterpolateWithinTheBucket) {
  LatencyBuckets b{};
  EXPECT_EQ(QuantileMs(b, 0.5), 0);
  b[1] = 100;  // (0.5 ms, 1 ms]
  EXPECT_NEAR(QuantileMs(b, 0.5), 0.75, 1e-9);
  b[6] = 100;  // (25 ms, 50 ms]
  EXPECT_NEAR(QuantileMs(b, 0.99), 25 + 25 * 0.98, 1e-9);
  EXPECT_NEAR(QuantileMs(b, 0.5), 1.0, 1e-9);
  LatencyBuckets later = b;
  later[1] = 150;
  auto d = Delta(b, later);
  EXPECT_EQ(d[1], 50u);
  EXPECT_EQ(d[6], 0u);
  EXPECT_EQ(Delta(later, b)[1], 0u);  // a counter that went backwards reads as 0
}

}  // namespace
}  // namespace rt::monitor
