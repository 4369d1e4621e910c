// TraceRepository (event traces, migration 0011_traces) on SQLite and PostgreSQL: batch writes
// replace by (trace, instance); List sums the instances per trace, newest first, scoped and
// filtered, with limit/offset; Get returns the per-instance rows; Prune by age and by count.
#include "store/trace_repository.h"

#include <gtest/gtest.h>

#include "backends.h"

namespace rt::testing {
namespace {

using store::TraceQuery;
using store::TraceRow;

constexpr int64_t kT0 = 1'700'000'000'000;

TraceRow Row(const std::string& id, const std::string& instance, int64_t ts, int64_t subs = 2, int64_t delivered = 1,
             int64_t filtered = 1) {
  TraceRow t;
  t.trace_id = store::TraceIdFor("evt_" + id);
  t.instance = instance;
  t.event_id = "evt_" + id;
  t.application_id = "app_a";
  t.environment = "development";
  t.topic = "orders";
  t.source = "socket";
  t.type = "order.created";
  t.payload = R"({"n":1})";
  t.timestamp = ts;
  t.remote = instance != "inst_1";
  t.subscriber_count = subs;
  t.delivered_count = delivered;
  t.filtered_count = filtered;
  return t;
}

class TraceRepositoryConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    repo_ = std::make_unique<store::TraceRepository>(*db_);
  }
  void Write(const std::vector<TraceRow>& rows) {
    Status st = repo_->WriteBatch(rows);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  std::vector<TraceRow> List(TraceQuery q) {
    if (q.application_id.empty()) q.application_id = "app_a";
    if (q.environment.empty()) q.environment = "development";
    auto r = repo_->List(q);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : std::vector<TraceRow>{};
  }
  static std::vector<std::string> Ids(const std::vector<TraceRow>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.trace_id);
    return out;
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::TraceRepository> repo_;
};

TEST(TraceId, DerivedFromTheEventId) {
  EXPECT_EQ(store::TraceIdFor("evt_abc123"), "trace_abc123");
  EXPECT_EQ(store::TraceIdFor("db_orders_1"), "trace_db_orders_1");
}

TEST_P(TraceRepositoryConformance, ListSumsInstancesNewestFirst) {
  Write({Row("a", "inst_1", kT0 + 1, 2, 1, 1), Row("a", "inst_2", kT0 + 1, 3, 3, 0), Row("b", "inst_1", kT0 + 2)});
  auto rows = List({});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].trace_id, "trace_b");
  const TraceRow& a = rows[1];
  EXPECT_EQ(a.trace_id, "trace_a");
  EXPECT_EQ(a.instance, "");
  EXPECT_EQ(a.event_id, "evt_a");
  EXPECT_EQ(a.topic, "orders");
  EXPECT_EQ(a.source, "socket");
  EXPECT_EQ(a.type, "order.created");
  EXPECT_EQ(a.payload, R"({"n":1})");
  EXPECT_EQ(a.timestamp, kT0 + 1);
  EXPECT_EQ(a.subscriber_count, 5);
  EXPECT_EQ(a.delivered_count, 4);
  EXPECT_EQ(a.filtered_count, 1);
}

TEST_P(TraceRepositoryConformance, WriteReplacesByTraceAndInstance) {
  Write({Row("a", "inst_1", kT0, 2, 0, 0)});
  Write({Row("a", "inst_1", kT0, 2, 2, 0)});  // a retry with final counts
  auto rows = List({});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].subscriber_count, 2);
  EXPECT_EQ(rows[0].delivered_count, 2);
}

TEST_P(TraceRepositoryConformance, ScopedFilteredAndPaged) {
  TraceRow other_app = Row("x", "inst_1", kT0 + 9);
  other_app.application_id = "app_b";
  TraceRow other_env = Row("y", "inst_1", kT0 + 9);
  other_env.environment = "production";
  TraceRow sync = Row("s", "inst_1", kT0 + 5);
  sync.source = "sync";
  TraceRow chat = Row("c", "inst_1", kT0 + 4);
  chat.topic = "chat";
  Write({other_app, other_env, sync, chat, Row("o1", "inst_1", kT0 + 1), Row("o2", "inst_1", kT0 + 2)});
  EXPECT_EQ(Ids(List({})), (std::vector<std::string>{"trace_s", "trace_c", "trace_o2", "trace_o1"}));
  TraceQuery by_topic;
  by_topic.topic = "orders";
  EXPECT_EQ(Ids(List(by_topic)), (std::vector<std::string>{"trace_s", "trace_o2", "trace_o1"}));
  TraceQuery by_source;
  by_source.topic = "orders";
  by_source.source = "socket";
  EXPECT_EQ(Ids(List(by_source)), (std::vector<std::string>{"trace_o2", "trace_o1"}));
  TraceQuery page;
  page.limit = 2;
  page.offset = 1;
  EXPECT_EQ(Ids(List(page)), (std::vector<std::string>{"trace_c", "trace_o2"}));
  TraceQuery prod;
  prod.environment = "production";
  EXPECT_EQ(Ids(List(prod)), (std::vector<std::string>{"trace_y"}));
}

TEST_P(TraceRepositoryConformance, GetReturnsEachInstanceInTheScopeOnly) {
  Write({Row("a", "inst_2", kT0, 3, 3, 0), Row("a", "inst_1", kT0, 2, 1, 1)});
  auto rows = repo_->Get("app_a", "development", "trace_a");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], Row("a", "inst_1", kT0, 2, 1, 1));
  EXPECT_EQ((*rows)[1], Row("a", "inst_2", kT0, 3, 3, 0));
  EXPECT_TRUE((*rows)[1].remote);
  auto other = repo_->Get("app_b", "development", "trace_a");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
  auto unknown = repo_->Get("app_a", "development", "trace_zzz");
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(unknown->empty());
}

TEST_P(TraceRepositoryConformance, PruneByAgeThenByCountKeepingWholeTraces) {
  // Same timestamp for c, d, e: the cap still cuts between traces (by id), never inside one.
  Write({Row("a", "inst_1", kT0), Row("b", "inst_1", kT0 + 10), Row("c", "inst_1", kT0 + 20),
         Row("c", "inst_2", kT0 + 20), Row("d", "inst_1", kT0 + 20), Row("d", "inst_2", kT0 + 20),
         Row("e", "inst_1", kT0 + 20)});
  auto n = repo_->Prune(kT0 + 5, 1000);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(Ids(List({})), (std::vector<std::string>{"trace_e", "trace_d", "trace_c", "trace_b"}));
  n = repo_->Prune(0, 2);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 3);  // b, and c on both instances
  EXPECT_EQ(Ids(List({})), (std::vector<std::string>{"trace_e", "trace_d"}));
  auto d = repo_->Get("app_a", "development", "trace_d");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->size(), 2u);
  n = repo_->Prune(0, 2);  // nothing over the cap
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, TraceRepositoryConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
