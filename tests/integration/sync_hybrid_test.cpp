// The hybrid document store (Redis + platform database) against a real Redis
// (REALTIME_TEST_REDIS_URL; each test uses its own key prefix) and SQLite or PostgreSQL:
// two instances racing through the Lua compare-and-swap, write-back flushes, the sweep picking
// up a crashed instance's writes, the shutdown flush, write-through, cache fills and TTLs.
#include <gtest/gtest.h>

#include "broker/redis_pool.h"
#include "broker_test_util.h"
#include "store/sync_document_repository.h"
#include "sync/hybrid_document_store.h"
#include "hybrid_fixture.h"

namespace rt::testing {
namespace {

using namespace std::chrono_literals;
using sync::DocKey;
using sync::HybridDocumentStore;
using sync::HybridOptions;

class SyncHybrid : public HybridFixture {
 protected:
  SyncHybrid() : HybridFixture("session", 16) {}

  bool WaitForDbRevision(const std::string& id, int64_t rev, std::chrono::milliseconds limit = 5s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (DbRevision(id) == rev) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  int64_t RedisInt(const std::vector<std::string>& cmd) { return redis_->Command(cmd)->integer; }
};

TEST_P(SyncHybrid, TwoInstancesRacingOneExpectedRevisionHaveExactlyOneWinner) {
  auto store_a = Store(), store_b = Store();
  SyncInstance a(*store_a), b(*store_b);
  ASSERT_TRUE(Create(a, "race", R"({"n":0})").ok());
  auto race = Race(50, [&](int i) {
    sync::WriteRequest req;
    req.data = JsonObj("{\"winner\":" + std::to_string(i) + "}");
    req.expected_revision = 1;
    return (i % 2 ? a : b).service.Merge(Key("race"), req);
  });
  EXPECT_EQ(race.ok, 1);
  EXPECT_EQ(race.conflicts, 49);
  EXPECT_EQ(b.service.Get(Key("race"))->revision, 2);
  EXPECT_TRUE(WaitForDbRevision("race", 2));
}

TEST_P(SyncHybrid, TwoInstancesRacingWithoutExpectedRevisionLoseNoUpdate) {
  auto store_a = Store(), store_b = Store();
  SyncInstance a(*store_a), b(*store_b);
  ASSERT_TRUE(Create(a, "counter", R"({"count":0})").ok());
  auto race = Race(50, [&](int i) {
    sync::WriteRequest req;
    req.mutations = *sync::ParseMutations(boost::json::parse(R"([{"op":"increment","path":"/count","value":1}])"));
    return (i % 2 ? a : b).service.Mutate(Key("counter"), req);
  });
  EXPECT_EQ(race.ok, 50);
  EXPECT_EQ(race.revisions, Range(2, 51));
  auto doc = a.service.Get(Key("counter"));
  EXPECT_EQ(doc->data.at("count").as_int64(), 50);
  ASSERT_TRUE(WaitForDbRevision("counter", 51)) << "the write-back flush reaches the database";
  EXPECT_EQ((*repo_->Get(Key("counter")))->data.at("count").as_int64(), 50);
}

TEST_P(SyncHybrid, DirtyEntriesHaveNoTtlUntilFlushed) {
  HybridOptions manual;
  manual.async_flush = false;
  manual.ttl_seconds = 100;
  auto store = Store(manual);
  SyncInstance in(*store);
  ASSERT_TRUE(Create(in, "d", R"({"a":1})").ok());
  std::string key = store->cache().DataKey(Key("d"));
  EXPECT_EQ(RedisInt({"TTL", key}), -1) << "dirty: persisted";
  EXPECT_EQ(RedisInt({"HLEN", store->cache().dirty_key()}), 1);
  EXPECT_EQ(DbRevision("d"), 0);
  ASSERT_TRUE(store->FlushKey(key).ok());
  EXPECT_EQ(DbRevision("d"), 1);
  EXPECT_EQ(RedisInt({"HLEN", store->cache().dirty_key()}), 0);
  int64_t ttl = RedisInt({"TTL", key});
  EXPECT_GT(ttl, 90);
  EXPECT_LE(ttl, 100);
}

TEST_P(SyncHybrid, TheSweepFlushesACrashedInstancesWrites) {
  HybridOptions crashed_options;
  crashed_options.async_flush = false;  // it dies before flushing anything
  auto crashed = Store(crashed_options);
  {
    SyncInstance in(*crashed);
    ASSERT_TRUE(Create(in, "orphan", R"({"v":1})").ok());
    ASSERT_TRUE(Merge(in, "orphan", R"({"v":2})").ok());
    ASSERT_TRUE(Create(in, "orphan2", R"({"v":1})").ok());
  }
  crashed.reset();  // no Flush: a crash
  EXPECT_EQ(DbRevision("orphan"), 0);
  auto survivor = Store();
  ASSERT_TRUE(survivor->Maintain(NowMs()).ok());  // the 5 s sweep
  EXPECT_EQ(DbRevision("orphan"), 2);
  EXPECT_EQ(DbRevision("orphan2"), 1);
  EXPECT_EQ((*repo_->Get(Key("orphan")))->data.at("v").as_int64(), 2);
}

TEST_P(SyncHybrid, ShutdownFlushMakesEveryAcknowledgedWriteDurable) {
  HybridOptions manual;
  manual.async_flush = false;
  auto store = Store(manual);
  SyncInstance in(*store);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Create(in, "s" + std::to_string(i), "{\"i\":" + std::to_string(i) + "}").ok());
  EXPECT_EQ(DbRevision("s0"), 0);
  ASSERT_TRUE(store->Flush(5s).ok());
  for (int i = 0; i < 20; ++i) EXPECT_EQ(DbRevision("s" + std::to_string(i)), 1) << i;
  EXPECT_EQ(RedisInt({"HLEN", store->cache().dirty_key()}), 0);
}

TEST_P(SyncHybrid, WriteThroughIsDurableBeforeReturning) {
  HybridOptions wt;
  wt.write_through = true;
  auto store = Store(wt);
  SyncInstance in(*store);
  ASSERT_TRUE(Create(in, "w", R"({"a":1})").ok());
  EXPECT_EQ(DbRevision("w"), 1);
  ASSERT_TRUE(Merge(in, "w", R"({"b":2})").ok());
  EXPECT_EQ(DbRevision("w"), 2);
  EXPECT_EQ(RedisInt({"HLEN", store->cache().dirty_key()}), 0);
}

TEST_P(SyncHybrid, AMissLoadsFromTheDatabaseAndCachesWithTtl) {
  sync::SyncDocument row;
  row.key = Key("cold");
  row.revision = 7;
  row.data = JsonObj(R"({"from":"db"})");
  row.created_at = row.updated_at = 1000;
  ASSERT_TRUE(*repo_->Insert(row));
  HybridOptions options;
  options.ttl_seconds = 50;
  auto store = Store(options);
  SyncInstance in(*store);
  auto got = in.service.Get(Key("cold"));
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->revision, 7);
  std::string key = store->cache().DataKey(Key("cold"));
  EXPECT_EQ(RedisInt({"EXISTS", key}), 1);
  EXPECT_GT(RedisInt({"TTL", key}), 40);
  auto merged = Merge(in, "cold", R"({"x":1})");
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->revision, 8);
  EXPECT_TRUE(WaitForDbRevision("cold", 8));
}

TEST_P(SyncHybrid, ListingPrefersTheNewerCachedRevision) {
  HybridOptions manual;
  manual.async_flush = false;
  auto store = Store(manual);
  SyncInstance in(*store);
  ASSERT_TRUE(Create(in, "l1", R"({"v":1})").ok());
  ASSERT_TRUE(store->Flush(5s).ok());
  auto store2 = Store(manual);  // Flush stopped the first one's flusher; use a fresh instance
  SyncInstance in2(*store2);
  ASSERT_TRUE(Merge(in2, "l1", R"({"v":2})").ok());
  EXPECT_EQ(DbRevision("l1"), 1);
  auto page = in2.service.List({"default", "development"}, "session", "", 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->documents.size(), 1u);
  EXPECT_EQ(page->documents[0].revision, 2);
  ASSERT_TRUE(in2.service.Delete(Key("l1"), {}).ok());
  EXPECT_TRUE(in2.service.List({"default", "development"}, "session", "", 10)->documents.empty());
}

TEST_P(SyncHybrid, AnExpiredRevisionIsPurgedWithoutResurrectingAnOlderOne) {
  HybridOptions manual;
  manual.async_flush = false;
  auto store = Store(manual);
  SyncInstance in(*store);
  ASSERT_TRUE(Create(in, "e", R"({"v":1})").ok());
  ASSERT_TRUE(store->Maintain(NowMs()).ok());  // revision 1 (no expiry) is in the database
  ASSERT_EQ(DbRevision("e"), 1);
  auto req = sync::ParseReplace(JsonObj("{\"data\":{\"v\":2},\"expiresAt\":" + std::to_string(NowMs() + 300) + "}"),
                                nullptr, NowMs());
  ASSERT_TRUE(in.service.Replace(Key("e"), *req).ok());  // revision 2 expires; only Redis has it
  // The read that finds it expired answers 404 and purges it.
  ASSERT_TRUE(WaitUntil([&] { return !in.service.Get(Key("e")).ok(); }, 5s));
  EXPECT_EQ(in.service.Get(Key("e")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(DbRevision("e"), 0) << "the superseded revision 1 is gone too";
  EXPECT_EQ(in.service.Get(Key("e")).error().code, ErrorCode::kNotFound) << "not loaded back";
  auto again = Create(in, "e", "{}");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->revision, 1);
}

TEST_P(SyncHybrid, RedisDownIsServiceUnavailable) {
  auto pool = broker::RedisPool::Create({"redis://127.0.0.1:1", 2, 300ms, 300ms});
  ASSERT_TRUE(pool.ok());
  HybridDocumentStore store(**pool, *repo_, {});
  SyncInstance in(store);
  auto r = in.service.Get(Key("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(Create(in, "x", "{}").error().code, ErrorCode::kUnavailable);
}

INSTANTIATE_TEST_SUITE_P(Backends, SyncHybrid, ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

}  // namespace
}  // namespace rt::testing
