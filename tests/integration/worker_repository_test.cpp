// WorkerRepository (the heartbeats behind GET /api/workers) on SQLite and PostgreSQL, and
// migration 0007_webhooks on its own: applied as its own batch on top of 0001-0006, rolled back
// (tables dropped, jobs.group_key removed, jobs kept) and applied again.
#include "store/worker_repository.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "backends.h"
#include "store/migrator.h"

namespace rt::testing {
namespace {

using store::WorkerRow;

constexpr int64_t kT0 = 1'700'000'000'000;

class WorkerRepositoryConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    repo_ = std::make_unique<store::WorkerRepository>(*db_);
  }
  static WorkerRow Row(const char* id, int64_t beat, std::vector<std::string> queues = {"webhook-delivery"}) {
    return {id, "worker", "host-1", 4242, "0.1.0", std::move(queues), kT0, beat, 0};
  }
  void Beat(const WorkerRow& w) {
    Status st = repo_->Beat(w);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  std::vector<WorkerRow> List() {
    auto list = repo_->List();
    EXPECT_TRUE(list.ok()) << list.error().message;
    return list.ok() ? *list : std::vector<WorkerRow>{};
  }
  static std::vector<std::string> Ids(const std::vector<WorkerRow>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.id);
    return out;
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::WorkerRepository> repo_;
};

TEST_P(WorkerRepositoryConformance, BeatInsertsThenUpdates) {
  Beat(Row("w1", kT0 + 10, {"webhook-delivery", "alerts"}));
  auto rows = List();
  ASSERT_EQ(rows.size(), 1u);
  const WorkerRow& r = rows[0];
  EXPECT_EQ(r.id, "w1");
  EXPECT_EQ(r.kind, "worker");
  EXPECT_EQ(r.host, "host-1");
  EXPECT_EQ(r.pid, 4242);
  EXPECT_EQ(r.version, "0.1.0");
  EXPECT_EQ(r.queues, (std::vector<std::string>{"webhook-delivery", "alerts"}));
  EXPECT_EQ(r.started_at, kT0);
  EXPECT_EQ(r.last_beat, kT0 + 10);
  EXPECT_EQ(r.stopped_at, 0);

  WorkerRow next = Row("w1", kT0 + 5000, {});
  next.kind = "serve";
  Beat(next);
  rows = List();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, "serve");
  EXPECT_EQ(rows[0].last_beat, kT0 + 5000);
  EXPECT_TRUE(rows[0].queues.empty());
}

TEST_P(WorkerRepositoryConformance, ListIsNewestBeatFirst) {
  Beat(Row("w_old", kT0 + 1));
  Beat(Row("w_new", kT0 + 3));
  Beat(Row("w_mid", kT0 + 2));
  EXPECT_EQ(Ids(List()), (std::vector<std::string>{"w_new", "w_mid", "w_old"}));
}

TEST_P(WorkerRepositoryConformance, MarkStoppedAndBeatAgain) {
  Beat(Row("w1", kT0 + 10));
  ASSERT_TRUE(repo_->MarkStopped("w1", kT0 + 20).ok());
  auto rows = List();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].stopped_at, kT0 + 20);
  EXPECT_EQ(rows[0].last_beat, kT0 + 20);
  Status missing = repo_->MarkStopped("w_none", kT0);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  Beat(Row("w1", kT0 + 30));  // the same id running again
  EXPECT_EQ(List()[0].stopped_at, 0);
}

TEST_P(WorkerRepositoryConformance, PruneRemovesRowsWithOldBeats) {
  Beat(Row("w1", kT0 + 1));
  Beat(Row("w2", kT0 + 2));
  Beat(Row("w3", kT0 + 3));
  auto pruned = repo_->Prune(kT0 + 3);
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(*pruned, 2);
  EXPECT_EQ(Ids(List()), (std::vector<std::string>{"w3"}));
  EXPECT_EQ(*repo_->Prune(kT0 + 3), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkerRepositoryConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

class WebhooksMigration : public ::testing::TestWithParam<Backend> {};

TEST_P(WebhooksMigration, RollsBackAndReappliesOnItsOwn) {
  RT_REQUIRE_BACKEND(GetParam());
  auto db = OpenBackend(GetParam());
  ASSERT_TRUE(db);
  const auto& all = store::PlatformMigrations();
  auto at = std::find_if(all.begin(), all.end(), [](const store::Migration& m) { return m.name == "0007_webhooks"; });
  ASSERT_NE(at, all.end());
  const std::vector<store::Migration> before(all.begin(), at);
  ASSERT_TRUE(store::Migrator(*db, before).Latest().ok());
  ASSERT_TRUE(db->Exec("INSERT INTO jobs (id, queue, payload, state, attempts, max_attempts, visible_at, "
                       "last_error, created_at, updated_at) VALUES ('job_1', 'q', '{}', 'queued', 0, 5, 0, '', 0, 0)")
                  .ok());
  const char* kProbes[] = {"SELECT COUNT(*) FROM webhook_endpoints", "SELECT COUNT(*) FROM webhook_deliveries",
                           "SELECT COUNT(*) FROM webhook_attempts", "SELECT COUNT(*) FROM workers",
                           "SELECT COUNT(group_key) FROM jobs"};

  store::Migrator m(*db);
  // Only the migrations from 0007 on are pending; check 0007 is the first and applies cleanly.
  auto applied = m.Latest();
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  ASSERT_FALSE(applied->empty());
  EXPECT_EQ(applied->front(), "0007_webhooks");
  for (const char* sql : kProbes) EXPECT_TRUE(db->Exec(sql).ok()) << sql;

  for (int round = 0; round < 2; ++round) {
    auto reverted = m.Rollback();
    ASSERT_TRUE(reverted.ok()) << reverted.error().message;
    EXPECT_EQ(reverted->back(), "0007_webhooks");
    for (const char* sql : kProbes) EXPECT_FALSE(db->Exec(sql).ok()) << sql;
    auto jobs = db->Exec("SELECT id FROM jobs");  // the jobs table and its rows stay
    ASSERT_TRUE(jobs.ok()) << jobs.error().message;
    ASSERT_EQ(jobs->rows.size(), 1u);
    auto again = m.Latest();
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(*again, *applied);
    for (const char* sql : kProbes) EXPECT_TRUE(db->Exec(sql).ok()) << sql;
    EXPECT_TRUE(db->Exec("UPDATE jobs SET group_key = 'g' WHERE id = 'job_1'").ok());
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhooksMigration, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
