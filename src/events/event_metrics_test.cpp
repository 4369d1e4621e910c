#include "events/event_metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace rt::events {
namespace {

TEST(TopicCounters, TheFirstTopicsGetSeriesTheRestCountAsOther) {
  TopicCounters c(2);
  c.Count(Source::kSocket, "a");
  c.Count(Source::kDatabase, "a");
  c.Count(Source::kSocket, "b");
  c.Count(Source::kSocket, "c");  // past the bound
  c.Count(Source::kSync, "d");
  c.Count(Source::kSocket, "a");
  auto rows = c.Snapshot();
  auto find = [&](Source s, const std::string& t) -> uint64_t {
    for (const auto& r : rows)
      if (r.source == s && r.topic == t) return r.count;
    return 0;
  };
  EXPECT_EQ(find(Source::kSocket, "a"), 2u);
  EXPECT_EQ(find(Source::kDatabase, "a"), 1u);
  EXPECT_EQ(find(Source::kSocket, "b"), 1u);
  EXPECT_EQ(find(Source::kSocket, "other"), 1u);
  EXPECT_EQ(find(Source::kSync, "other"), 1u);
  EXPECT_EQ(find(Source::kSocket, "c"), 0u);
  EXPECT_EQ(rows.size(), 5u);  // zero series are left out
}

TEST(TopicCounters, ConcurrentCountsAreAllKept) {
  TopicCounters c(10);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) c.Count(Source::kSocket, i % 2 ? "x" : "y" + std::to_string(t % 2));
    });
  for (auto& th : threads) th.join();
  uint64_t total = 0;
  for (const auto& r : c.Snapshot()) total += r.count;
  EXPECT_EQ(total, 40000u);
}

TEST(LatencyHistogram, BucketsBySecondsWithInfAndSum) {
  LatencyHistogram h;
  h.Observe(400'000);        // 0.4 ms -> le 0.0005
  h.Observe(1'000'000);      // 1 ms exactly -> le 0.001
  h.Observe(30'000'000);     // 30 ms -> le 0.05
  h.Observe(10'000'000'000); // 10 s -> +Inf
  h.Observe(-5);             // clock oddity: counted as 0
  auto s = h.Read();
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.buckets[0], 2u);
  EXPECT_EQ(s.buckets[1], 1u);
  EXPECT_EQ(s.buckets[6], 1u);
  EXPECT_EQ(s.buckets.back(), 1u);
  EXPECT_NEAR(s.sum_seconds, 10.0314, 1e-6);
}

}  // namespace
}  // namespace rt::events
