#include "monitor/analytics.h"

#include <gtest/gtest.h>

#include "store/migrator.h"
#include "store/sqlite_db.h"

namespace rt::monitor {
namespace {

using events::Source;
using events::TopicCounters;
using store::AnalyticsRow;

constexpr int64_t kT0 = 1'700'000'040'000;  // a minute boundary
constexpr int64_t kMin = 60'000;

TopicCounters::TopicRow Reading(const char* topic, uint64_t db, uint64_t sync, uint64_t socket,
                                std::vector<std::pair<size_t, uint64_t>> latency = {}) {
  TopicCounters::TopicRow r;
  r.topic = topic;
  r.counts = {db, sync, socket};
  for (auto [bucket, n] : latency) r.latency.buckets[bucket] = n;
  return r;
}

std::vector<int64_t> Buckets(std::vector<std::pair<size_t, int64_t>> set) {
  std::vector<int64_t> b(events::LatencyHistogram::kBounds.size() + 1, 0);
  for (auto [i, n] : set) b[i] = n;
  return b;
}

TEST(AnalyticsWindowLabel, MinutesHoursSeconds) {
  EXPECT_EQ(WindowLabel(std::chrono::seconds(60)), "1m");
  EXPECT_EQ(WindowLabel(std::chrono::seconds(1)), "1s");
  EXPECT_EQ(WindowLabel(std::chrono::seconds(2)), "2s");
  EXPECT_EQ(WindowLabel(std::chrono::seconds(300)), "5m");
  EXPECT_EQ(WindowLabel(std::chrono::seconds(90)), "90s");
  EXPECT_EQ(WindowLabel(std::chrono::seconds(7200)), "2h");
  EXPECT_EQ(WindowLabel(std::chrono::seconds(86400)), "1d");
}

TEST(AnalyticsWindowRows, GrowthPerSourceAndTopic) {
  auto rows = WindowRows({Reading("a", 1, 2, 3), Reading("b", 0, 0, 5)},
                         {Reading("a", 4, 2, 10), Reading("b", 0, 0, 5), Reading("c", 0, 1, 0), Reading("other", 0, 0, 2)},
                         "inst_1", kT0, kT0 + kMin);
  ASSERT_EQ(rows.size(), 3u);  // b did not grow: no row
  EXPECT_EQ(rows[0], (AnalyticsRow{"a", kT0, kT0 + kMin, "inst_1", 10, 3, 0, 7, {}}));
  EXPECT_EQ(rows[1], (AnalyticsRow{"c", kT0, kT0 + kMin, "inst_1", 1, 0, 1, 0, {}}));  // new topic: from zero
  EXPECT_EQ(rows[2].topic, "other");  // the overflow topic is a row like any other
  EXPECT_EQ(rows[2].count_socket, 2);
}

TEST(AnalyticsWindowRows, CountersGoingBackwardsCountZero) {
  auto rows = WindowRows({Reading("a", 5, 5, 5, {{1, 4}})}, {Reading("a", 2, 7, 5, {{1, 1}, {2, 3}})}, "i", kT0,
                         kT0 + kMin);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].count_database, 0);
  EXPECT_EQ(rows[0].count_sync, 2);
  EXPECT_EQ(rows[0].count, 2);
  EXPECT_EQ(rows[0].latency, Buckets({{2, 3}}));
  EXPECT_TRUE(WindowRows({Reading("a", 5, 5, 5)}, {Reading("a", 1, 1, 1)}, "i", kT0, kT0 + kMin).empty());
}

TEST(AnalyticsWindowRows, LatencyAloneMakesARowAndNothingMakesNone) {
  // Remote events delivered here: latency samples without a count of this instance's own.
  auto rows = WindowRows({Reading("a", 0, 0, 0)}, {Reading("a", 0, 0, 0, {{0, 2}, {12, 1}})}, "i", kT0, kT0 + kMin);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].count, 0);
  EXPECT_EQ(rows[0].latency, Buckets({{0, 2}, {12, 1}}));
  EXPECT_TRUE(WindowRows({}, {Reading("a", 0, 0, 0)}, "i", kT0, kT0 + kMin).empty());
  EXPECT_TRUE(WindowRows({}, {}, "i", kT0, kT0 + kMin).empty());
}

AnalyticsRow Row(const char* topic, int64_t start, int64_t socket, std::vector<int64_t> latency = {}) {
  return {topic, start, start + kMin, "i", socket, 0, 0, socket, std::move(latency)};
}

TEST(AnalyticsPending, SameKeyAddsUp) {
  PendingRows p;
  AddPending(p, {Row("a", kT0, 1, {1}), Row("b", kT0, 2)});
  AddPending(p, {Row("a", kT0, 3, {0, 2}), Row("a", kT0 + kMin, 4)});
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p.at({kT0, "a"}).count, 4);
  EXPECT_EQ(p.at({kT0, "a"}).count_socket, 4);
  EXPECT_EQ(p.at({kT0, "a"}).latency, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(p.at({kT0 + kMin, "a"}).count, 4);
}

TEST(AnalyticsPending, OverTheBoundTheOldestWindowFoldsIntoTheNext) {
  PendingRows p;
  AddPending(p, {Row("a", kT0, 1), Row("b", kT0, 2)}, 4);
  AddPending(p, {Row("a", kT0 + kMin, 10)}, 4);
  AddPending(p, {Row("a", kT0 + 2 * kMin, 100), Row("c", kT0 + 2 * kMin, 1000)}, 4);
  // 5 rows > 4: window 0 folds into window 1 (a adds up, b moves).
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p.at({kT0 + kMin, "a"}).count, 11);
  EXPECT_EQ(p.at({kT0 + kMin, "b"}).count, 2);
  EXPECT_EQ(p.at({kT0 + kMin, "b"}).window_end, kT0 + 2 * kMin);
  int64_t total = 0;
  for (const auto& [k, r] : p) total += r.count;
  EXPECT_EQ(total, 1113);  // nothing lost
  // One window over the bound stays as it is.
  PendingRows one;
  AddPending(one, {Row("a", kT0, 1), Row("b", kT0, 1), Row("c", kT0, 1)}, 2);
  EXPECT_EQ(one.size(), 3u);
}

class AnalyticsFlusherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::SqliteDb::Open(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrator(*db_).Latest().ok());
    repo_ = std::make_unique<store::AnalyticsRepository>(*db_);
  }
  std::vector<AnalyticsRow> All() {
    auto r = repo_->Query(std::nullopt, 0, INT64_MAX, 1000);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<AnalyticsRow>{};
  }
  AnalyticsOptions Options(int window_s = 60) { return {"inst_1", std::chrono::seconds(window_s), std::chrono::seconds(86400)}; }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::AnalyticsRepository> repo_;
  TopicCounters counters_;
};

TEST_F(AnalyticsFlusherTest, WindowsAlignToTheWallClock) {
  AnalyticsFlusher f(counters_, *repo_, Options(), kT0 + 12'345);
  EXPECT_EQ(f.window_start(), kT0);
  EXPECT_EQ(f.window_end(), kT0 + kMin);
  AnalyticsFlusher two(counters_, *repo_, Options(2), 1'000'003'500);
  EXPECT_EQ(two.window_start(), 1'000'002'000);
}

TEST_F(AnalyticsFlusherTest, EachFlushWritesTheWindowsGrowth) {
  counters_.Count(Source::kSocket, "a");  // counted before the flusher existed: in its first window
  AnalyticsFlusher f(counters_, *repo_, Options(), kT0 + 5);
  counters_.Count(Source::kSocket, "a");
  counters_.Count(Source::kDatabase, "b");
  ASSERT_TRUE(f.Flush(kT0 + kMin + 3).ok());
  EXPECT_EQ(f.window_start(), kT0 + kMin);
  counters_.Count(Source::kSync, "a");
  ASSERT_TRUE(f.Flush(kT0 + 2 * kMin).ok());
  ASSERT_TRUE(f.Flush(kT0 + 3 * kMin).ok());  // nothing new: no row
  auto rows = All();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (AnalyticsRow{"a", kT0, kT0 + kMin, "", 2, 0, 0, 2, {}}));
  EXPECT_EQ(rows[1], (AnalyticsRow{"b", kT0, kT0 + kMin, "", 1, 1, 0, 0, {}}));
  EXPECT_EQ(rows[2], (AnalyticsRow{"a", kT0 + kMin, kT0 + 2 * kMin, "", 1, 0, 1, 0, {}}));
}

TEST_F(AnalyticsFlusherTest, AClockGoingBackNeverReopensAWrittenWindow) {
  AnalyticsFlusher f(counters_, *repo_, Options(), kT0);
  counters_.Count(Source::kSocket, "a");
  ASSERT_TRUE(f.Flush(kT0 + kMin).ok());
  ASSERT_TRUE(f.Flush(kT0 + 10).ok());  // the clock stepped back into the first window
  EXPECT_EQ(f.window_start(), kT0 + 2 * kMin);
  counters_.Count(Source::kSocket, "a");
  ASSERT_TRUE(f.Flush(kT0 + 20).ok());
  auto rows = All();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].count, 1);
  EXPECT_EQ(rows[1].window_start, kT0 + 2 * kMin);
}

TEST_F(AnalyticsFlusherTest, AFailedWriteIsKeptAndRetried) {
  AnalyticsFlusher f(counters_, *repo_, Options(), kT0);
  counters_.Count(Source::kSocket, "a");
  ASSERT_TRUE(db_->Exec("ALTER TABLE analytics RENAME TO analytics_away").ok());
  EXPECT_FALSE(f.Flush(kT0 + kMin).ok());
  EXPECT_EQ(f.pending(), 1u);
  counters_.Count(Source::kSocket, "a");
  counters_.Count(Source::kSocket, "b");
  EXPECT_FALSE(f.Flush(kT0 + 2 * kMin).ok());
  EXPECT_EQ(f.pending(), 3u);
  ASSERT_TRUE(db_->Exec("ALTER TABLE analytics_away RENAME TO analytics").ok());
  ASSERT_TRUE(f.Flush(kT0 + 3 * kMin).ok());
  EXPECT_EQ(f.pending(), 0u);
  auto rows = All();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].topic, "a");
  EXPECT_EQ(rows[0].window_start, kT0);  // each count in its own window
  EXPECT_EQ(rows[1].window_start, kT0 + kMin);
  EXPECT_EQ(rows[2].topic, "b");
}

TEST_F(AnalyticsFlusherTest, PrunesPastTheRetentionHourly) {
  ASSERT_TRUE(repo_->Write({Row("old", kT0 - 2 * 86400 * 1000LL, 1), Row("new", kT0 - 3600 * 1000, 1)}).ok());
  AnalyticsFlusher f(counters_, *repo_, Options(), kT0);
  f.MaybePrune(kT0);
  ASSERT_EQ(All().size(), 1u);
  EXPECT_EQ(All()[0].topic, "new");
  ASSERT_TRUE(repo_->Write({Row("old", kT0 - 2 * 86400 * 1000LL, 1)}).ok());
  f.MaybePrune(kT0 + 1000);  // within the hour: not again
  EXPECT_EQ(All().size(), 2u);
  f.MaybePrune(kT0 + 3600 * 1000);
  EXPECT_EQ(All().size(), 1u);
}

TEST_F(AnalyticsFlusherTest, TheWorkerFlushesThePartialWindowOnStop) {
  AnalyticsWorker w(counters_, *repo_, Options(3600));  // no boundary during the test
  w.Start();
  for (int i = 0; i < 5; ++i) counters_.Count(Source::kSocket, "a");
  counters_.ObserveLatency("a", 2'000'000);  // 2 ms
  w.Stop();
  w.Stop();  // idempotent
  int64_t socket = 0;  // one row, or two if an hour boundary passed during the test
  std::vector<int64_t> latency;
  for (const auto& r : All()) {
    socket += r.count_socket;
    store::MergeLatency(latency, r.latency);
    EXPECT_EQ(r.window_end - r.window_start, 3600 * 1000);
  }
  EXPECT_EQ(socket, 5);
  EXPECT_EQ(latency, Buckets({{2, 1}}));  // 2 ms: the bucket le=0.0025
}

}  // namespace
}  // namespace rt::monitor
