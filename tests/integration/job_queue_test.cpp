// Queue conformance (jobs::DbQueue) on SQLite and PostgreSQL: enqueue/claim/complete, delayed
// jobs, lease expiry and stale workers, retries and dead letters, release, stats, independent
// queues; on PostgreSQL, concurrent claims from four connection pools (like four processes).
// Time is a manual clock, so nothing here sleeps.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "backends.h"
#include "jobs/db_queue.h"
#include "store/migrator.h"

namespace rt::testing {
namespace {

using jobs::DbQueue;
using jobs::EnqueueOptions;
using jobs::Job;

constexpr const char* kQ = "webhook-delivery";

class JobQueueConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    q_ = std::make_unique<DbQueue>(*db_, [this] { return now_.load(); });
  }
  std::string Put(const char* queue, int n, EnqueueOptions o = {}) {
    auto id = q_->Enqueue(queue, boost::json::object{{"n", n}}, o);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : "";
  }
  std::vector<Job> Take(const char* queue, const char* worker, int64_t lease_ms = 1000, int max = 10) {
    auto jobs = q_->Claim(queue, worker, lease_ms, max);
    EXPECT_TRUE(jobs.ok()) << jobs.error().message;
    return jobs.ok() ? *jobs : std::vector<Job>{};
  }
  jobs::QueueStats StatsOf(const char* queue) {
    auto s = q_->Stats(queue);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? *s : jobs::QueueStats{};
  }

  std::atomic<int64_t> now_{1'700'000'000'000};
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<DbQueue> q_;
};

TEST_P(JobQueueConformance, EnqueueClaimComplete) {
  std::string a = Put(kQ, 1), b = Put(kQ, 2);
  EXPECT_EQ(a.rfind("job_", 0), 0u);
  auto got = Take(kQ, "w1");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].id, a);
  EXPECT_EQ(got[0].payload.at("n").as_int64(), 1);
  EXPECT_EQ(got[1].payload.at("n").as_int64(), 2);
  EXPECT_EQ(got[0].attempt, 1);
  EXPECT_EQ(got[0].max_attempts, 5);
  EXPECT_EQ(got[0].lease_expires_at, now_ + 1000);
  EXPECT_TRUE(Take(kQ, "w2").empty());  // leased to w1
  for (const auto& j : got) EXPECT_TRUE(q_->Complete(j.id, j.lease_token).ok());
  auto again = q_->Complete(a, got[0].lease_token);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  auto s = StatsOf(kQ);
  EXPECT_EQ(s.depth() + s.leased + s.delayed + s.dead, 0);
  EXPECT_EQ(s.enqueued_total, 2);
  EXPECT_EQ(s.completed_total, 2);
}

TEST_P(JobQueueConformance, DelayedJobsWaitForRunAt) {
  std::string later = Put(kQ, 1, {.delay_ms = 5000});
  std::string at = Put(kQ, 2, {.run_at_ms = now_ + 8000});
  std::string now_job = Put(kQ, 3);
  auto first = Take(kQ, "w", 60000);  // a long lease: it must not come back in this test
  ASSERT_EQ(first.size(), 1u);        // the immediate job arrives, the delayed ones do not
  EXPECT_EQ(first[0].id, now_job);
  auto s = StatsOf(kQ);
  EXPECT_EQ(s.ready, 0);
  EXPECT_EQ(s.delayed, 2);
  now_ += 4999;
  EXPECT_TRUE(Take(kQ, "w", 60000).empty());
  now_ += 1;
  auto second = Take(kQ, "w", 60000);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].id, later);
  now_ += 3000;
  auto third = Take(kQ, "w", 60000);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].id, at);
}

TEST_P(JobQueueConformance, ExpiredLeaseIsReclaimedAndTheStaleWorkerIsRefused) {
  std::string id = Put(kQ, 1);
  auto a = Take(kQ, "worker-a", 1000);
  ASSERT_EQ(a.size(), 1u);
  now_ += 999;
  EXPECT_TRUE(Take(kQ, "worker-b").empty());  // lease still held
  now_ += 1;
  EXPECT_EQ(StatsOf(kQ).expired_leases, 1);
  auto b = Take(kQ, "worker-b", 1000);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].id, id);
  EXPECT_EQ(b[0].attempt, 2);
  EXPECT_NE(b[0].lease_token, a[0].lease_token);
  auto stale = q_->Complete(id, a[0].lease_token);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_NE(stale.error().message.find("Lease lost"), std::string::npos) << stale.error().message;
  auto stale_fail = q_->Fail(id, a[0].lease_token, "boom", 0);
  ASSERT_FALSE(stale_fail.ok());
  EXPECT_EQ(stale_fail.error().code, ErrorCode::kConflict);
  EXPECT_EQ(q_->ExtendLease(id, a[0].lease_token, 5000).error().code, ErrorCode::kConflict);
  EXPECT_EQ(q_->Release(id, a[0].lease_token).error().code, ErrorCode::kConflict);
  EXPECT_TRUE(q_->Complete(id, b[0].lease_token).ok());
  EXPECT_EQ(StatsOf(kQ).completed_total, 1);
}

TEST_P(JobQueueConformance, ExtendLeaseKeepsTheJob) {
  Put(kQ, 1);
  auto a = Take(kQ, "a", 1000);
  ASSERT_EQ(a.size(), 1u);
  now_ += 900;
  ASSERT_TRUE(q_->ExtendLease(a[0].id, a[0].lease_token, 1000).ok());
  now_ += 900;  // past the original expiry, inside the extended one
  EXPECT_TRUE(Take(kQ, "b").empty());
  now_ += 100;
  EXPECT_EQ(Take(kQ, "b").size(), 1u);
}

TEST_P(JobQueueConformance, FailRetriesThenDeadLettersThenRetryRequeues) {
  std::string id = Put(kQ, 7, {.max_attempts = 3});
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto got = Take(kQ, "w");
    ASSERT_EQ(got.size(), 1u) << "attempt " << attempt;
    EXPECT_EQ(got[0].attempt, attempt);
    if (attempt > 1) {
      EXPECT_EQ(got[0].last_error, "HTTP 500 #" + std::to_string(attempt - 1));
    }
    auto out = q_->Fail(id, got[0].lease_token, "HTTP 500 #" + std::to_string(attempt), 100);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(out->dead, attempt == 3);
    if (attempt < 3) {
      EXPECT_EQ(out->run_at, now_ + 100);
      EXPECT_EQ(StatsOf(kQ).retrying, 1);
      now_ += 99;
      EXPECT_TRUE(Take(kQ, "w").empty());  // the retry waits for its delay
      now_ += 1;
    }
  }
  now_ += 1000;
  EXPECT_TRUE(Take(kQ, "w").empty());
  auto s = StatsOf(kQ);
  EXPECT_EQ(s.dead, 1);
  EXPECT_EQ(s.retries_total, 2);
  EXPECT_EQ(s.dead_lettered_total, 1);
  auto dead = q_->ListDead(kQ, 10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].id, id);
  EXPECT_EQ((*dead)[0].attempts, 3);
  EXPECT_EQ((*dead)[0].last_error, "HTTP 500 #3");
  EXPECT_EQ((*dead)[0].payload.at("n").as_int64(), 7);

  ASSERT_TRUE(q_->Retry(id).ok());
  EXPECT_EQ(q_->Retry(id).error().code, ErrorCode::kConflict);  // queued, not dead
  EXPECT_EQ(q_->Retry("job_0000000000000000").error().code, ErrorCode::kNotFound);
  auto back = Take(kQ, "w");
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].attempt, 1);  // a fresh set of attempts
  EXPECT_EQ(StatsOf(kQ).dead, 0);
}

TEST_P(JobQueueConformance, GroupJobsRunOneAtATimeInOrder) {
  std::string a1 = Put(kQ, 1, {.max_attempts = 2, .group = "wh_a"});
  std::string b1 = Put(kQ, 2, {.group = "wh_b"});
  std::string a2 = Put(kQ, 3, {.group = "wh_a"});
  std::string free = Put(kQ, 4);
  auto got = Take(kQ, "w1");
  ASSERT_EQ(got.size(), 3u);  // a2 waits for a1
  EXPECT_EQ(got[0].id, a1);
  EXPECT_EQ(got[1].id, b1);
  EXPECT_EQ(got[2].id, free);
  EXPECT_TRUE(Take(kQ, "w2").empty());
  // a1 fails: its retry still blocks a2 (the group stays in order).
  ASSERT_TRUE(q_->Fail(a1, got[0].lease_token, "HTTP 500", 100).ok());
  EXPECT_TRUE(Take(kQ, "w2").empty());
  now_ += 100;
  auto retry = Take(kQ, "w2");
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].id, a1);
  // a1 dead-letters on its last attempt: a2 is free to go.
  auto out = q_->Fail(a1, retry[0].lease_token, "HTTP 500", 100);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->dead);
  auto next = Take(kQ, "w2");
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].id, a2);
}

TEST_P(JobQueueConformance, CompleteBatchSkipsLostLeases) {
  Put(kQ, 1);
  Put(kQ, 2);
  Put(kQ, 3);
  auto got = Take(kQ, "w1");
  ASSERT_EQ(got.size(), 3u);
  std::vector<std::pair<std::string, std::string>> refs;
  for (const auto& j : got) refs.emplace_back(j.id, j.lease_token);
  refs[1].second = "stale-token";
  auto n = q_->CompleteBatch(refs);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 2u);
  auto s = StatsOf(kQ);
  EXPECT_EQ(s.leased, 1);
  EXPECT_EQ(s.completed_total, 2);
  EXPECT_EQ(*q_->CompleteBatch({}), 0u);
}

TEST_P(JobQueueConformance, BuryDeadLettersAtOnce) {
  std::string id = Put(kQ, 1, {.max_attempts = 5});
  auto got = Take(kQ, "w1");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(q_->Bury(id, "stale-token", "x").error().code, ErrorCode::kConflict);
  ASSERT_TRUE(q_->Bury(id, got[0].lease_token, "address refused: loopback 127.0.0.1").ok());
  auto dead = q_->ListDead(kQ, 10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].attempts, 1);
  EXPECT_EQ((*dead)[0].last_error, "address refused: loopback 127.0.0.1");
  EXPECT_EQ(StatsOf(kQ).dead_lettered_total, 1);
  now_ += 100000;
  EXPECT_TRUE(Take(kQ, "w1").empty());
  // FindDead + Retry with an amended payload (the webhooks' manual retry).
  auto found = q_->FindDead(id);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->payload.at("n").as_int64(), 1);
  boost::json::value amended = boost::json::object{{"n", 1}, {"attemptBase", 1}};
  ASSERT_TRUE(q_->Retry(id, &amended).ok());
  EXPECT_FALSE(q_->FindDead(id)->has_value());
  auto back = Take(kQ, "w1");
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].attempt, 1);
  EXPECT_EQ(back[0].payload.at("attemptBase").as_int64(), 1);
}

TEST_P(JobQueueConformance, LeaseExpiringOnTheLastAttemptDeadLetters) {
  std::string id = Put(kQ, 1, {.max_attempts = 1});
  ASSERT_EQ(Take(kQ, "crashing-worker", 500).size(), 1u);
  now_ += 500;
  EXPECT_TRUE(Take(kQ, "w").empty());
  auto dead = q_->ListDead(kQ, 10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].id, id);
  EXPECT_NE((*dead)[0].last_error.find("lease expired"), std::string::npos);
  EXPECT_EQ(StatsOf(kQ).dead_lettered_total, 1);
}

TEST_P(JobQueueConformance, ReleaseGivesTheJobBackWithoutUsingAnAttempt) {
  std::string id = Put(kQ, 1, {.max_attempts = 1});
  auto a = Take(kQ, "stopping");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_TRUE(q_->Release(id, a[0].lease_token).ok());
  EXPECT_EQ(q_->Complete(id, a[0].lease_token).error().code, ErrorCode::kConflict);  // no lease any more
  auto b = Take(kQ, "next");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].attempt, 1);  // max_attempts 1 and still claimable: the release did not count
  ASSERT_TRUE(q_->Release(id, b[0].lease_token, 2000).ok());
  now_ += 1999;
  EXPECT_TRUE(Take(kQ, "next").empty());
  now_ += 1;
  EXPECT_EQ(Take(kQ, "next").size(), 1u);
}

TEST_P(JobQueueConformance, StatsCountEachState) {
  Put(kQ, 1);                       // -> released: ready
  Put(kQ, 2);                       // -> leased
  Put(kQ, 3, {.max_attempts = 1});  // -> dead
  Put(kQ, 4);                       // -> failed once: retrying (delayed)
  auto got = Take(kQ, "w", 10000, 4);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[2].payload.at("n").as_int64(), 3);  // a batch comes in enqueue order
  ASSERT_TRUE(q_->Release(got[0].id, got[0].lease_token).ok());
  ASSERT_TRUE(q_->Fail(got[2].id, got[2].lease_token, "x", 0).ok());
  ASSERT_TRUE(q_->Fail(got[3].id, got[3].lease_token, "x", 5000).ok());
  Put(kQ, 5, {.delay_ms = 60000});  // delayed
  Put(kQ, 6);                       // ready
  auto s = StatsOf(kQ);
  EXPECT_EQ(s.ready, 2);
  EXPECT_EQ(s.delayed, 2);
  EXPECT_EQ(s.leased, 1);
  EXPECT_EQ(s.expired_leases, 0);
  EXPECT_EQ(s.retrying, 1);
  EXPECT_EQ(s.dead, 1);
  EXPECT_EQ(s.depth(), 2);
  EXPECT_EQ(s.enqueued_total, 6);
  EXPECT_EQ(s.retries_total, 1);
  EXPECT_EQ(s.dead_lettered_total, 1);
  now_ += 10000;  // the lease of job 2 expires: it counts in the depth again
  s = StatsOf(kQ);
  EXPECT_EQ(s.expired_leases, 1);
  EXPECT_EQ(s.leased, 0);
  EXPECT_EQ(s.depth(), 4);  // jobs 1, 6, the retry of 4, and the expired lease of 2
}

TEST_P(JobQueueConformance, QueuesAreIndependent) {
  std::string alert = Put("alerts", 1);
  std::string event = Put("analytics-events", 2);
  auto a = Take("alerts", "w");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].id, alert);
  EXPECT_EQ(a[0].queue, "alerts");
  EXPECT_EQ(StatsOf("analytics-events").ready, 1);
  EXPECT_EQ(StatsOf("alerts").leased, 1);
  EXPECT_EQ(StatsOf("alerts").enqueued_total, 1);
  auto e = Take("analytics-events", "w");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].id, event);
  EXPECT_TRUE(Take(kQ, "w").empty());
}

TEST_P(JobQueueConformance, RejectsBadInput) {
  EXPECT_EQ(q_->Enqueue("Bad Name", 1).error().code, ErrorCode::kValidation);
  EXPECT_EQ(q_->Enqueue(kQ, 1, {.max_attempts = 0}).error().code, ErrorCode::kValidation);
  EXPECT_EQ(q_->Enqueue(kQ, 1, {.delay_ms = -1}).error().code, ErrorCode::kValidation);
  EXPECT_EQ(q_->Claim(kQ, "w", 0, 1).error().code, ErrorCode::kValidation);
  EXPECT_EQ(q_->Claim(kQ, "", 1000, 1).error().code, ErrorCode::kValidation);
  EXPECT_EQ(q_->Claim(kQ, "w", 1000, 0).error().code, ErrorCode::kValidation);
  auto batch = q_->EnqueueBatch(kQ, {{1, {}}, {2, {.max_attempts = -1}}});
  EXPECT_EQ(batch.error().code, ErrorCode::kValidation);
  EXPECT_EQ(StatsOf(kQ).ready, 0);  // all or nothing
  auto ok = q_->EnqueueBatch(kQ, {{1, {}}, {2, {}}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(StatsOf(kQ).ready, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, JobQueueConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

// Four threads, each with its own PostgreSQL pool (like four processes), claim 500 jobs in small
// batches: every job is claimed exactly once and none is lost.
TEST(JobQueuePostgres, ConcurrentClaimsFromSeparatePoolsHandOutEachJobOnce) {
  RT_REQUIRE_BACKEND(Backend::kPostgres);
  std::string schema = NewId("t");
  {
    store::PgDb admin({PgUrl(), 1, 1});
    ASSERT_TRUE(admin.Exec("CREATE SCHEMA " + schema).ok());
  }
  std::string url = PgUrl();
  url += (url.find('?') == std::string::npos ? "?" : "&");
  url += "options=-csearch_path%3D" + schema;
  store::PgDb setup({url, 1, 2});
  ASSERT_TRUE(store::Migrator(setup).Latest().ok());
  DbQueue producer(setup);
  std::vector<jobs::NewJob> batch;
  for (int i = 0; i < 500; ++i) batch.push_back({boost::json::object{{"i", i}}, {}});
  auto ids = producer.EnqueueBatch(kQ, batch);
  ASSERT_TRUE(ids.ok()) << ids.error().message;

  constexpr int kThreads = 4;
  std::vector<std::vector<std::string>> claimed(kThreads);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      store::PgDb db({url, 1, 3});
      DbQueue q(db);
      std::string worker = "worker-" + std::to_string(t);
      for (;;) {
        auto got = q.Claim(kQ, worker, 60000, 7);
        if (!got.ok()) {
          ++errors;
          return;
        }
        if (got->empty()) return;  // leases are long: empty means everything is claimed
        for (const auto& j : *got) {
          claimed[t].push_back(j.id);
          if (!q.Complete(j.id, j.lease_token).ok()) ++errors;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  std::multiset<std::string> all;
  for (const auto& c : claimed) all.insert(c.begin(), c.end());
  EXPECT_EQ(all.size(), 500u);
  std::set<std::string> unique(all.begin(), all.end());
  EXPECT_EQ(unique.size(), 500u);                                      // nobody claimed a job twice
  EXPECT_EQ(unique, std::set<std::string>(ids->begin(), ids->end()));  // and none was lost
  auto left = setup.Exec("SELECT COUNT(*) FROM jobs");
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(store::AsInt(left->rows[0][0]), 0);
}

}  // namespace
}  // namespace rt::testing
