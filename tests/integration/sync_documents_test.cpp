// Sync documents on the platform database alone (the embedded and PostgreSQL-only modes), on
// SQLite and PostgreSQL: the repository's conditional writes, the DocumentService rules, tenancy,
// and the concurrency guarantees (exactly one winner per expectedRevision; no lost update).
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <thread>

#include "store/sync_document_repository.h"
#include "store/testing_gated_db.h"
#include "sync/group_commit.h"
#include "sync_test_util.h"

namespace rt::testing {
namespace {

using sync::DocKey;
using sync::SyncDocument;

class SyncDocumentsOnDb : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    app_repo_ = std::make_unique<store::ApplicationRepository>(*db_);
    apps_ = std::make_unique<registry::ApplicationService>(*app_repo_);
    ASSERT_TRUE(apps_->EnsureDefault().ok());
    repo_ = std::make_unique<store::SyncDocumentRepository>(*db_);
    store_ = std::make_unique<sync::DbDocumentStore>(*repo_);
    a_ = std::make_unique<SyncInstance>(*store_);
    b_ = std::make_unique<SyncInstance>(*store_);  // a second "instance": its own locks, same database
  }
  DocKey Key(const std::string& id, Scope scope = {"default", "development"}) { return {scope, "session", id}; }
  Result<SyncDocument> Create(SyncInstance& in, const DocKey& key, std::string_view data) {
    sync::WriteRequest req;
    req.id = key.id;
    req.data = JsonObj(data);
    return in.service.Create(key.scope, key.service, req);
  }
  SyncDocument Doc(const DocKey& key, int64_t rev, std::string_view data) {
    SyncDocument d;
    d.key = key;
    d.revision = rev;
    d.data = JsonObj(data);
    d.created_at = d.updated_at = 1000 + rev;
    return d;
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::ApplicationRepository> app_repo_;
  std::unique_ptr<registry::ApplicationService> apps_;
  std::unique_ptr<store::SyncDocumentRepository> repo_;
  std::unique_ptr<sync::DbDocumentStore> store_;
  std::unique_ptr<SyncInstance> a_, b_;
};

TEST_P(SyncDocumentsOnDb, RepositoryConditionalWrites) {
  DocKey k = Key("r1");
  EXPECT_TRUE(*repo_->Insert(Doc(k, 1, R"({"a":1})")));
  EXPECT_FALSE(*repo_->Insert(Doc(k, 1, R"({"a":2})"))) << "duplicate key";
  EXPECT_TRUE(*repo_->UpdateIf(Doc(k, 2, R"({"a":2})"), 1));
  EXPECT_FALSE(*repo_->UpdateIf(Doc(k, 3, R"({"a":3})"), 1)) << "stale expected revision";
  ASSERT_TRUE(repo_->UpsertIfNewer(Doc(k, 2, R"({"stale":true})")).ok());
  EXPECT_EQ((*repo_->Get(k))->data, JsonObj(R"({"a":2})")) << "same revision: unchanged";
  ASSERT_TRUE(repo_->UpsertIfNewer(Doc(k, 5, R"({"a":5})")).ok());
  EXPECT_EQ((*repo_->Get(k))->revision, 5);
  ASSERT_TRUE(repo_->UpsertIfNewer(Doc(Key("r2"), 3, R"({})")).ok());
  EXPECT_EQ((*repo_->Get(Key("r2")))->revision, 3) << "inserted";

  SyncDocument exp = Doc(Key("r3"), 1, "{}");
  exp.expires_at = 5000;
  ASSERT_TRUE(*repo_->Insert(exp));
  EXPECT_EQ(*repo_->PurgeExpired(4000), 0) << "not expired yet at 4000";
  EXPECT_EQ(*repo_->PurgeExpired(6000), 1);
  EXPECT_FALSE((*repo_->Get(Key("r3"))).has_value());
  ASSERT_TRUE(repo_->DeleteThrough(Key("r2"), 2).ok());
  EXPECT_TRUE((*repo_->Get(Key("r2"))).has_value()) << "a newer revision is kept";
  ASSERT_TRUE(repo_->DeleteThrough(Key("r2"), 3).ok());
  EXPECT_FALSE((*repo_->Get(Key("r2"))).has_value());
}

TEST_P(SyncDocumentsOnDb, ListingIsByteOrderedAndPaged) {
  for (const char* id : {"b", "B", "a.b", "a_b", "a-b", "ab", "Z", "0"}) ASSERT_TRUE(Create(*a_, Key(id), "{}").ok());
  std::vector<std::string> ids;
  std::string cursor;
  for (;;) {
    auto page = a_->service.List({"default", "development"}, "session", cursor, 3);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const auto& d : page->documents) ids.push_back(d.key.id);
    if (!page->next_cursor) break;
    cursor = *page->next_cursor;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"0", "B", "Z", "a-b", "a.b", "a_b", "ab", "b"}));
}

TEST_P(SyncDocumentsOnDb, ScopesAndServicesNeverShareDocuments) {
  std::string other = apps_->Create(JsonObj(R"({"name":"Other"})"))->id;
  DocKey dev = Key("same"), staging = Key("same", {"default", "staging"}), foreign = Key("same", {other, "development"});
  ASSERT_TRUE(Create(*a_, dev, R"({"who":"dev"})").ok());
  ASSERT_TRUE(Create(*a_, staging, R"({"who":"staging"})").ok());
  ASSERT_TRUE(Create(*a_, foreign, R"({"who":"other"})").ok());
  ASSERT_TRUE(Create(*a_, {dev.scope, "orders", "same"}, R"({"who":"orders"})").ok());
  EXPECT_EQ(a_->service.Get(dev)->data.at("who").as_string(), "dev");
  EXPECT_EQ(a_->service.Get(staging)->data.at("who").as_string(), "staging");
  EXPECT_EQ(a_->service.Get(foreign)->data.at("who").as_string(), "other");
  EXPECT_EQ(a_->service.Get({dev.scope, "orders", "same"})->data.at("who").as_string(), "orders");
  ASSERT_TRUE(a_->service.Delete(staging, {}).ok());
  EXPECT_TRUE(a_->service.Get(dev).ok());
  EXPECT_EQ(a_->service.List({other, "production"}, "session", "", 10)->documents.size(), 0u);
  // Deleting an application deletes its documents.
  ASSERT_TRUE(apps_->Delete(other).ok());
  EXPECT_FALSE((*repo_->Get(foreign)).has_value());
}

TEST_P(SyncDocumentsOnDb, FiftyRacingMergesWithTheSameExpectedRevisionHaveExactlyOneWinner) {
  DocKey k = Key("race");
  ASSERT_TRUE(Create(*a_, k, R"({"n":0})").ok());
  auto race = Race(50, [&](int i) {
    sync::WriteRequest req;
    req.data = JsonObj("{\"winner\":" + std::to_string(i) + "}");
    req.expected_revision = 1;
    return (i % 2 ? *a_ : *b_).service.Merge(k, req);
  });
  EXPECT_EQ(race.ok, 1);
  EXPECT_EQ(race.conflicts, 49);
  auto doc = a_->service.Get(k);
  EXPECT_EQ(doc->revision, 2);
  for (const auto& r : race.results) {
    if (r.ok()) {
      EXPECT_EQ(doc->data, r->data);
    } else {
      EXPECT_EQ(r.error().details->at("currentRevision").as_int64(), 2) << r.error().message;
    }
  }
  EXPECT_EQ(a_->events + b_->events, 2) << "one create + one merge";
}

TEST_P(SyncDocumentsOnDb, RacingWritesWithoutExpectedRevisionAreAllAppliedOnce) {
  DocKey k = Key("counter");
  ASSERT_TRUE(Create(*a_, k, R"({"count":0})").ok());
  auto race = Race(50, [&](int i) {
    sync::WriteRequest req;
    auto m = sync::ParseMutations(boost::json::parse(
        R"([{"op":"increment","path":"/count","value":1},{"op":"set","path":"/seen/w)" + std::to_string(i) +
        R"(","value":true}])"));
    req.mutations = *m;
    return (i % 2 ? *a_ : *b_).service.Mutate(k, req);
  });
  EXPECT_EQ(race.ok, 50);
  EXPECT_EQ(race.revisions, Range(2, 51)) << "contiguous revisions, one per write";
  auto doc = a_->service.Get(k);
  EXPECT_EQ(doc->revision, 51);
  EXPECT_EQ(doc->data.at("count").as_int64(), 50);
  EXPECT_EQ(doc->data.at("seen").as_object().size(), 50u);
  EXPECT_EQ(a_->events + b_->events, 51);
}

TEST_P(SyncDocumentsOnDb, RacingCreatesOfOneIdHaveOneWinner) {
  auto race = Race(20, [&](int i) { return Create(i % 2 ? *a_ : *b_, Key("once"), "{\"by\":" + std::to_string(i) + "}"); });
  EXPECT_EQ(race.ok, 1);
  EXPECT_EQ(race.conflicts, 19);
  EXPECT_EQ(a_->service.Get(Key("once"))->revision, 1);
}

// Group commit on this backend (sync/group_commit.h): swaps queued while a batch is held in
// commit share the next transaction; on PostgreSQL a failing swap aborts that transaction, and
// the batch is retried swap by swap so the others still land.
TEST_P(SyncDocumentsOnDb, GroupCommitSharesATransactionAndIsolatesAFailingSwap) {
  store::testing::GatedDb gated(*db_);
  sync::GroupCommitter committer(gated);
  auto first = std::async(std::launch::async, [&] { return committer.Swap(Doc(Key("gc-first"), 1, "{}"), 0); });
  gated.WaitForTransactions(1);
  std::vector<std::future<Result<bool>>> rest;
  std::vector<std::string> order;
  std::mutex order_mu;
  std::vector<std::function<void()>> hooks;
  for (int i = 0; i < 10; ++i)
    hooks.push_back([&, i] {
      std::lock_guard lock(order_mu);
      order.push_back("gc" + std::to_string(i));
    });
  auto enqueue = [&](std::function<Result<bool>()> fn) {
    size_t before = committer.queued();
    rest.push_back(std::async(std::launch::async, std::move(fn)));
    while (committer.queued() == before) std::this_thread::yield();
  };
  for (int i = 0; i < 10; ++i) {
    if (i == 5)  // a document of an application that does not exist: a foreign-key error
      enqueue([&] { return committer.Swap(Doc(Key("gc-orphan", {"no_such_app", "development"}), 1, "{}"), 0); });
    enqueue([&, i] { return committer.Swap(Doc(Key("gc" + std::to_string(i)), 1, "{}"), 0, hooks[i]); });
  }
  gated.Release();
  ASSERT_TRUE(first.get().value());
  std::vector<Result<bool>> results;
  for (auto& f : rest) results.push_back(f.get());
  ASSERT_EQ(results.size(), 11u);
  for (size_t i = 0; i < results.size(); ++i) {
    if (i == 5) {
      EXPECT_FALSE(results[i].ok()) << "the orphan fails";
    } else {
      EXPECT_TRUE(results[i].ok() && *results[i]) << i << ": " << (results[i].ok() ? "lost" : results[i].error().message);
    }
  }
  for (int i = 0; i < 10; ++i) EXPECT_EQ((*repo_->Get(Key("gc" + std::to_string(i))))->revision, 1);
  EXPECT_FALSE((*repo_->Get(Key("gc-orphan", {"no_such_app", "development"}))).has_value());
  EXPECT_EQ(committer.largest_batch(), 11u) << "all eleven queued swaps in one batch";
  EXPECT_EQ(order.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(order[i], "gc" + std::to_string(i)) << "hooks in commit order";
}

// Many writers on many documents through the service: every write applied once, and each
// document's events arrive in revision order although no per-document lock is held.
TEST_P(SyncDocumentsOnDb, ConcurrentWritersOnManyDocumentsKeepPerDocumentEventOrder) {
  std::mutex mu;
  std::map<std::string, std::vector<int64_t>> seen;
  sync::DocumentService svc(
      *store_, [](const std::string&, const std::string&) { return Ok(); },
      [&](const Scope&, events::RawEventInput in) -> Result<std::string> {
        std::lock_guard lock(mu);
        seen[std::string(in.payload.at("documentId").as_string())].push_back(in.revision.value_or(0));
        return NewId("evt");
      },
      sync::DocumentLimits{});
  constexpr int kDocs = 8, kWriters = 16, kEach = 12;
  for (int d = 0; d < kDocs; ++d) ASSERT_TRUE(svc.Create(Key("x").scope, "session", [&] {
    sync::WriteRequest r;
    r.id = "many" + std::to_string(d);
    r.data = JsonObj(R"({"n":0})");
    return r;
  }()).ok());
  auto race = Race(kWriters, [&](int w) -> Result<sync::SyncDocument> {
    Result<sync::SyncDocument> last = Error::Internal("no write");
    for (int j = 0; j < kEach; ++j) {
      sync::WriteRequest req;
      req.mutations = *sync::ParseMutations(boost::json::parse(R"([{"op":"increment","path":"/n","value":1}])"));
      last = svc.Mutate(Key("many" + std::to_string((w + j) % kDocs)), req);
      if (!last.ok()) return last;
    }
    return last;
  });
  EXPECT_EQ(race.ok, kWriters);
  int64_t total = 0;
  for (int d = 0; d < kDocs; ++d) {
    auto doc = svc.Get(Key("many" + std::to_string(d)));
    ASSERT_TRUE(doc.ok());
    total += doc->data.at("n").as_int64();
    const auto& revs = seen["many" + std::to_string(d)];
    ASSERT_EQ(int64_t(revs.size()), doc->revision) << "one event per revision";
    for (size_t i = 0; i < revs.size(); ++i) EXPECT_EQ(revs[i], int64_t(i + 1)) << "many" << d << " events in revision order";
  }
  EXPECT_EQ(total, kWriters * kEach) << "no write lost or applied twice";
}

INSTANTIATE_TEST_SUITE_P(Backends, SyncDocumentsOnDb, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
