// AnalyticsRepository (the analytics worker's rows behind GET /api/metrics/analytics) on SQLite
// and PostgreSQL: upsert on (topic, window_start, instance), one transaction per Write, Query
// summing the instances and merging their latency buckets, the topic / time-range filters and
// the limit (the newest rows, returned oldest first), Prune.
#include "store/analytics_repository.h"

#include <gtest/gtest.h>

#include "backends.h"

namespace rt::testing {
namespace {

using store::AnalyticsRow;

constexpr int64_t kT0 = 1'700'000'040'000;  // a minute boundary
constexpr int64_t kMin = 60'000;

class AnalyticsRepositoryConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    repo_ = std::make_unique<store::AnalyticsRepository>(*db_);
  }
  static AnalyticsRow Row(const char* topic, int64_t start, const char* instance, int64_t db, int64_t sync,
                          int64_t socket, std::vector<int64_t> latency = {}) {
    return {topic, start, start + kMin, instance, db + sync + socket, db, sync, socket, std::move(latency)};
  }
  void Write(const std::vector<AnalyticsRow>& rows) {
    Status st = repo_->Write(rows);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  std::vector<AnalyticsRow> Query(std::optional<std::string> topic, int64_t from, int64_t to, int limit = 1000) {
    auto r = repo_->Query(topic, from, to, limit);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : std::vector<AnalyticsRow>{};
  }
  static std::vector<std::string> Keys(const std::vector<AnalyticsRow>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.topic + "@" + std::to_string((r.window_start - kT0) / kMin));
    return out;
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::AnalyticsRepository> repo_;
};

TEST_P(AnalyticsRepositoryConformance, WriteThenQueryOneInstance) {
  Write({Row("orders", kT0, "inst_a", 1, 2, 3, {0, 4, 1})});
  auto rows = Query(std::nullopt, kT0, kT0 + kMin);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (AnalyticsRow{"orders", kT0, kT0 + kMin, "", 6, 1, 2, 3, {0, 4, 1}}));
}

TEST_P(AnalyticsRepositoryConformance, WriteReplacesTheSameKeySoARetryChangesNothing) {
  Write({Row("orders", kT0, "inst_a", 0, 0, 5, {1})});
  Write({Row("orders", kT0, "inst_a", 0, 0, 7, {2, 3})});
  Write({Row("orders", kT0, "inst_a", 0, 0, 7, {2, 3})});
  auto rows = Query(std::nullopt, kT0, kT0 + kMin);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].count, 7);
  EXPECT_EQ(rows[0].latency, (std::vector<int64_t>{2, 3}));
}

TEST_P(AnalyticsRepositoryConformance, QuerySumsInstancesAndMergesLatency) {
  Write({Row("orders", kT0, "inst_a", 1, 0, 2, {1, 1}), Row("orders", kT0, "inst_b", 0, 4, 1, {0, 2, 5}),
         Row("orders", kT0 + kMin, "inst_a", 0, 0, 9), Row("users", kT0, "inst_b", 3, 0, 0)});
  auto rows = Query(std::nullopt, kT0, kT0 + 10 * kMin);
  EXPECT_EQ(Keys(rows), (std::vector<std::string>{"orders@0", "users@0", "orders@1"}));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (AnalyticsRow{"orders", kT0, kT0 + kMin, "", 8, 1, 4, 3, {1, 3, 5}}));
  EXPECT_EQ(rows[1].count, 3);
  EXPECT_EQ(rows[1].count_database, 3);
  EXPECT_TRUE(rows[1].latency.empty());
  EXPECT_EQ(rows[2].count, 9);
}

TEST_P(AnalyticsRepositoryConformance, FiltersByTopicAndRange) {
  for (int m = 0; m < 4; ++m)
    Write({Row("a", kT0 + m * kMin, "i1", 0, 0, 1 + m), Row("b", kT0 + m * kMin, "i1", 0, 0, 10 + m)});
  EXPECT_EQ(Keys(Query("a", kT0, kT0 + 4 * kMin)), (std::vector<std::string>{"a@0", "a@1", "a@2", "a@3"}));
  EXPECT_EQ(Keys(Query(std::nullopt, kT0 + kMin, kT0 + 3 * kMin)),
            (std::vector<std::string>{"a@1", "b@1", "a@2", "b@2"}));  // [from, to) on window_start
  EXPECT_EQ(Keys(Query("b", kT0 + kMin + 1, kT0 + 3 * kMin + 1)), (std::vector<std::string>{"b@2", "b@3"}));
  EXPECT_TRUE(Query("c", kT0, kT0 + 4 * kMin).empty());
  EXPECT_TRUE(Query(std::nullopt, kT0 + 4 * kMin, kT0 + 5 * kMin).empty());
}

TEST_P(AnalyticsRepositoryConformance, LimitKeepsTheNewestWindowsAndCountsKeysNotInstances) {
  for (int m = 0; m < 3; ++m)
    Write({Row("a", kT0 + m * kMin, "i1", 0, 0, 1), Row("a", kT0 + m * kMin, "i2", 0, 0, 1),
           Row("b", kT0 + m * kMin, "i1", 0, 0, 1)});
  auto rows = Query(std::nullopt, kT0, kT0 + 3 * kMin, 3);
  EXPECT_EQ(Keys(rows), (std::vector<std::string>{"b@1", "a@2", "b@2"}));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].count, 2);  // both instances of a@2
}

TEST_P(AnalyticsRepositoryConformance, WriteIsOneTransaction) {
  // A duplicate key inside one batch is fine (the later row wins)...
  Write({Row("dup", kT0, "inst_a", 0, 0, 1), Row("dup", kT0, "inst_a", 0, 0, 4)});
  EXPECT_EQ(Query("dup", kT0, kT0 + kMin).at(0).count, 4);
  // ...and a statement that fails rolls back the rows before it: the same table with a CHECK
  // that refuses the topic "poison".
  ASSERT_TRUE(db_->Exec("DROP TABLE analytics").ok());
  ASSERT_TRUE(db_->Exec("CREATE TABLE analytics (topic TEXT NOT NULL CHECK (topic <> 'poison'), "
                        "window_start BIGINT NOT NULL, window_end BIGINT NOT NULL, instance TEXT NOT NULL, "
                        "count BIGINT NOT NULL, count_database BIGINT NOT NULL, count_sync BIGINT NOT NULL, "
                        "count_socket BIGINT NOT NULL, latency TEXT NOT NULL DEFAULT '[]', "
                        "PRIMARY KEY (topic, window_start, instance))")
                  .ok());
  Status st = repo_->Write({Row("first", kT0, "inst_a", 0, 0, 1), Row("poison", kT0, "inst_a", 0, 0, 1)});
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(Query(std::nullopt, kT0, kT0 + kMin).empty());
  Write({Row("first", kT0, "inst_a", 0, 0, 1)});
  EXPECT_EQ(Keys(Query(std::nullopt, kT0, kT0 + kMin)), (std::vector<std::string>{"first@0"}));
}

TEST_P(AnalyticsRepositoryConformance, PruneDeletesWindowsStartingBefore) {
  for (int m = 0; m < 3; ++m) Write({Row("a", kT0 + m * kMin, "i1", 0, 0, 1), Row("a", kT0 + m * kMin, "i2", 0, 0, 1)});
  auto pruned = repo_->Prune(kT0 + 2 * kMin);
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(*pruned, 4);
  EXPECT_EQ(Keys(Query(std::nullopt, 0, kT0 + 10 * kMin)), (std::vector<std::string>{"a@2"}));
  EXPECT_EQ(*repo_->Prune(kT0 + 2 * kMin), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, AnalyticsRepositoryConformance,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

}  // namespace
}  // namespace rt::testing
