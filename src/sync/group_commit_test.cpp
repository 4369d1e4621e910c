// GroupCommitter over the embedded database: swaps queued while a batch commits share the next
// transaction; per-swap outcomes, hook order and failure isolation are those of single writes.
// A gate in front of the real SqliteDb (store/testing_gated_db.h) holds the first transaction open so that batching is
// deterministic, not a matter of thread timing.
#include "sync/group_commit.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <future>
#include <thread>

#include "registry/application_service.h"
#include "store/application_repository.h"
#include "store/migrator.h"
#include "store/sqlite_db.h"
#include "store/testing_gated_db.h"

namespace rt::sync {
namespace {

using store::testing::GatedDb;

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::SqliteDb::Open(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrator(*db_).Latest().ok());
    store::ApplicationRepository apps(*db_);
    ASSERT_TRUE(registry::ApplicationService(apps).EnsureDefault().ok());
    repo_ = std::make_unique<store::SyncDocumentRepository>(*db_);
  }

  static store::SyncDocument Doc(const std::string& id, int64_t revision, const std::string& app = "default") {
    store::SyncDocument d;
    d.key = {{app, "development"}, "session", id};
    d.revision = revision;
    d.data = boost::json::parse("{\"r\":" + std::to_string(revision) + "}").as_object();
    d.created_at = d.updated_at = 1000;
    return d;
  }
  int64_t StoredRevision(const std::string& id) {
    auto got = repo_->Get(Doc(id, 0).key);
    return got.ok() && *got ? (*got)->revision : -1;
  }

  std::unique_ptr<store::SqliteDb> db_;
  std::unique_ptr<store::SyncDocumentRepository> repo_;
};

// One writer held in the first batch; `n` more queue meanwhile and must share one commit.
TEST_F(GroupCommitTest, SwapsQueuedDuringACommitShareTheNextTransaction) {
  GatedDb gated(*db_);
  GroupCommitter committer(gated);
  auto first = std::async(std::launch::async, [&] { return committer.Swap(Doc("first", 1), 0); });
  gated.WaitForTransactions(1);  // the leader is inside its (held) transaction
  constexpr int n = 12;
  std::vector<std::future<Result<bool>>> rest;
  for (int i = 0; i < n; ++i)
    rest.push_back(std::async(std::launch::async, [&, i] { return committer.Swap(Doc("d" + std::to_string(i), 1), 0); }));
  // Every one of them is queued behind the held batch before it is released.
  while (committer.queued() < size_t(n)) std::this_thread::yield();
  // Nothing is acknowledged while its batch has not committed.
  EXPECT_EQ(first.wait_for(std::chrono::milliseconds(20)), std::future_status::timeout);
  for (auto& f : rest) EXPECT_EQ(f.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  gated.Release();
  ASSERT_TRUE(first.get().value());
  for (auto& f : rest) ASSERT_TRUE(f.get().value());
  EXPECT_EQ(committer.swaps(), uint64_t(n + 1));
  EXPECT_EQ(committer.batches(), 2u) << "the first write alone, then all " << n << " queued writes in one commit";
  EXPECT_EQ(committer.largest_batch(), uint64_t(n));
  for (int i = 0; i < n; ++i) EXPECT_EQ(StoredRevision("d" + std::to_string(i)), 1);
}

TEST_F(GroupCommitTest, OutcomesAreThoseOfSingleWrites) {
  GroupCommitter committer(*db_);
  EXPECT_TRUE(committer.Swap(Doc("a", 1), 0).value());
  EXPECT_FALSE(committer.Swap(Doc("a", 1), 0).value()) << "create of an existing document";
  EXPECT_TRUE(committer.Swap(Doc("a", 2), 1).value());
  EXPECT_FALSE(committer.Swap(Doc("a", 3), 1).value()) << "stale expected revision";
  EXPECT_FALSE(committer.Swap(Doc("missing", 2), 1).value()) << "update of nothing";
  EXPECT_EQ(StoredRevision("a"), 2);
  EXPECT_EQ(StoredRevision("missing"), -1);
}

// In one batch: two swaps of one document from the same revision (the first wins), a swap that
// fails (its application does not exist: foreign key) and good ones; hooks in commit order.
TEST_F(GroupCommitTest, ABadSwapFailsAloneAndHooksRunInCommitOrder) {
  ASSERT_TRUE(*repo_->Insert(Doc("hot", 1)));
  GatedDb gated(*db_);
  GroupCommitter committer(gated);
  std::mutex order_mu;
  std::vector<std::string> order;
  auto hook = [&](std::string name) {
    return [&, name] {
      std::lock_guard lock(order_mu);
      order.push_back(name);
    };
  };
  auto h0 = hook("warm");
  auto warm = std::async(std::launch::async, [&] { return committer.Swap(Doc("warm", 1), 0, h0); });
  gated.WaitForTransactions(1);
  auto h1 = hook("hot-a"), h2 = hook("hot-b"), h3 = hook("bad"), h4 = hook("fine");
  std::vector<std::future<Result<bool>>> batch;
  // Queued one after another (each is in the queue before the next starts).
  auto queue = [&](std::function<Result<bool>()> fn) {
    size_t before = committer.queued();
    batch.push_back(std::async(std::launch::async, std::move(fn)));
    while (committer.queued() == before) std::this_thread::yield();
  };
  queue([&] { return committer.Swap(Doc("hot", 2), 1, h1); });
  queue([&] { return committer.Swap(Doc("hot", 2), 1, h2); });
  queue([&] { return committer.Swap(Doc("orphan", 1, "no_such_app"), 0, h3); });
  queue([&] { return committer.Swap(Doc("fine", 1), 0, h4); });
  gated.Release();
  ASSERT_TRUE(warm.get().value());
  auto hot_a = batch[0].get(), hot_b = batch[1].get(), bad = batch[2].get(), fine = batch[3].get();
  EXPECT_TRUE(hot_a.value());
  EXPECT_FALSE(hot_b.value()) << "second swap from the same revision loses";
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(fine.value()) << "the failing swap did not take the others down";
  EXPECT_EQ(StoredRevision("hot"), 2);
  EXPECT_EQ(StoredRevision("fine"), 1);
  EXPECT_EQ(StoredRevision("orphan"), -1);
  EXPECT_EQ(order, (std::vector<std::string>{"warm", "hot-a", "fine"})) << "hooks of swaps that stood, in commit order";
}

}  // namespace
}  // namespace rt::sync
