// The hybrid document store when the database refuses a write, against a real Redis
// (REALTIME_TEST_REDIS_URL) and SQLite or PostgreSQL. A trigger makes every write to
// sync_documents fail with an integrity error (as a constraint would) until the test drops it.
//   write-back:    the flush fails, the document stays dirty (nothing dropped) and an error names
//                  it; once the database takes writes again the sweep gets it there.
//   write-through: the write fails, is taken back in Redis and publishes no event; an event is
//                  published only for a write the database committed (docs/sync.md).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

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

// Sends this process's stdout (where the JSON log lines go) to a file while it lives, so a test
// can read the log lines written so far, from any thread. Not thread-safe itself.
class StdoutTap {
 public:
  StdoutTap() : path_(std::string(::testing::TempDir()) + NewId("stdout")) {
    std::fflush(stdout);
    saved_ = ::dup(STDOUT_FILENO);
    std::FILE* f = std::fopen(path_.c_str(), "w");
    ::dup2(::fileno(f), STDOUT_FILENO);
    std::fclose(f);
  }
  ~StdoutTap() {
    std::fflush(stdout);
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
    std::remove(path_.c_str());
  }
  std::string Text() {
    std::fflush(stdout);
    std::ifstream in(path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::string path_;
  int saved_ = -1;
};

class SyncFlushFailure : public HybridFixture {
 protected:
  SyncFlushFailure() : HybridFixture("notes", 8) {}

  // Every INSERT/UPDATE of sync_documents fails with an integrity error until Accept().
  void Refuse() {
    if (GetParam() == Backend::kSqlite) {
      for (const char* when : {"INSERT", "UPDATE"}) {
        auto r = db_->Exec(std::string("CREATE TRIGGER refuse_") + when + " BEFORE " + when +
                           " ON sync_documents BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
        ASSERT_TRUE(r.ok()) << r.error().message;
      }
      return;
    }
    auto f = db_->Exec(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "'BEGIN RAISE EXCEPTION ''refused by the test'' USING ERRCODE = ''check_violation''; END'");
    ASSERT_TRUE(f.ok()) << f.error().message;
    auto t = db_->Exec("CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON sync_documents FOR EACH ROW EXECUTE FUNCTION refuse()");
    ASSERT_TRUE(t.ok()) << t.error().message;
  }
  void Accept() {
    if (GetParam() == Backend::kSqlite) {
      ASSERT_TRUE(db_->Exec("DROP TRIGGER refuse_INSERT").ok());
      ASSERT_TRUE(db_->Exec("DROP TRIGGER refuse_UPDATE").ok());
      return;
    }
    ASSERT_TRUE(db_->Exec("DROP TRIGGER refuse ON sync_documents").ok());
  }

  int64_t Dirty(HybridDocumentStore& s) { return redis_->Command({"HLEN", s.cache().dirty_key()})->integer; }
};

TEST_P(SyncFlushFailure, WriteBackKeepsARefusedDocumentDirtyUntilTheDatabaseTakesIt) {
  HybridOptions manual;
  manual.async_flush = false;  // flushes happen when the test says
  auto store = Store(manual);
  SyncInstance in(*store);
  Refuse();
  auto created = Create(in, "kept", R"({"v":1})");
  ASSERT_TRUE(created.ok()) << created.error().message;  // write-back: acknowledged from Redis
  EXPECT_EQ(in.events.load(), 1);

  StdoutTap tap;
  Status flushed = store->FlushKey(store->cache().DataKey(Key("kept")));
  Status swept = store->Maintain(NowMs());
  std::string log = tap.Text();
  ASSERT_FALSE(flushed.ok());
  EXPECT_EQ(flushed.error().code, ErrorCode::kValidation) << flushed.error().message;
  EXPECT_FALSE(swept.ok());
  EXPECT_EQ(DbRevision("kept"), 0);
  EXPECT_EQ(Dirty(*store), 1) << "a refused flush must not drop the document";
  EXPECT_NE(log.find("\"level\":\"error\""), std::string::npos) << log;
  EXPECT_NE(log.find("stays dirty"), std::string::npos) << log;
  EXPECT_NE(log.find("\"service\":\"notes\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"id\":\"kept\""), std::string::npos) << log;

  ASSERT_TRUE(Merge(in, "kept", R"({"v":2})").ok());  // still writable meanwhile
  Accept();
  ASSERT_TRUE(store->Maintain(NowMs()).ok());  // the next sweep
  EXPECT_EQ(DbRevision("kept"), 2);
  EXPECT_EQ((*repo_->Get(Key("kept")))->data.at("v").as_int64(), 2);
  EXPECT_EQ(Dirty(*store), 0);
}

TEST_P(SyncFlushFailure, TheBackgroundFlusherRetriesARefusedDocument) {
  auto store = Store({});  // write-back with the async flusher
  SyncInstance in(*store);
  Refuse();
  StdoutTap tap;
  ASSERT_TRUE(Create(in, "async", R"({"v":1})").ok());
  // Positive signal that the flusher tried (and failed): its error line naming the document.
  ASSERT_TRUE(WaitUntil([&] { return tap.Text().find("\"id\":\"async\"") != std::string::npos; }, 5s))
      << tap.Text();
  EXPECT_EQ(DbRevision("async"), 0);
  EXPECT_EQ(Dirty(*store), 1);
  Accept();
  ASSERT_TRUE(store->Maintain(NowMs()).ok());
  EXPECT_EQ(DbRevision("async"), 1);
  EXPECT_EQ(Dirty(*store), 0);
}

TEST_P(SyncFlushFailure, AFlushOfADeletedApplicationsDocumentIsDropped) {
  HybridOptions manual;
  manual.async_flush = false;
  auto store = Store(manual);
  SyncInstance in(*store);
  registry::ApplicationService apps(*app_repo_);
  auto app = apps.Create(JsonObj(R"({"name":"doomed"})"));
  ASSERT_TRUE(app.ok()) << app.error().message;
  sync::WriteRequest req;
  req.id = "orphan";
  req.data = JsonObj(R"({"v":1})");
  ASSERT_TRUE(in.service.Create({app->id, "development"}, "notes", req).ok());
  ASSERT_TRUE(apps.Delete(app->id).ok());
  StdoutTap tap;
  Status swept = store->Maintain(NowMs());
  std::string log = tap.Text();
  EXPECT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(Dirty(*store), 0) << "its application (and its rows) are gone: nothing to keep";
  EXPECT_NE(log.find("deleted application"), std::string::npos) << log;
}

TEST_P(SyncFlushFailure, WriteThroughRefusedWritesNothingAndPublishesNothing) {
  HybridOptions wt;
  wt.write_through = true;
  auto store = Store(wt);
  SyncInstance in(*store);
  ASSERT_TRUE(Create(in, "w", R"({"v":1})").ok());
  ASSERT_EQ(in.events.load(), 1);
  ASSERT_EQ(DbRevision("w"), 1);

  Refuse();
  auto merged = Merge(in, "w", R"({"v":2})");
  ASSERT_FALSE(merged.ok());
  EXPECT_NE(merged.error().message.find("was not written"), std::string::npos) << merged.error().message;
  auto created = Create(in, "new", R"({"v":1})");
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(in.events.load(), 1) << "no event for a write the database refused";
  auto w = in.service.Get(Key("w"));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->revision, 1) << "the refused write was taken back";
  EXPECT_EQ(w->data.at("v").as_int64(), 1);
  EXPECT_EQ(in.service.Get(Key("new")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Dirty(*store), 0) << "revision 1 comes back clean, as it was";
  EXPECT_GT(redis_->Command({"TTL", store->cache().DataKey(Key("w"))})->integer, 0);
  EXPECT_EQ(redis_->Command({"EXISTS", store->cache().DataKey(Key("new"))})->integer, 0);

  Accept();
  auto again = Merge(in, "w", R"({"v":3})");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->revision, 2) << "revisions continue from the last write that happened";
  EXPECT_EQ(DbRevision("w"), 2);
  EXPECT_EQ(in.events.load(), 2);
  EXPECT_EQ(in.last_revision.load(), 2);
  ASSERT_TRUE(store->Maintain(NowMs()).ok());
  EXPECT_EQ(Dirty(*store), 0);
}

TEST_P(SyncFlushFailure, WriteThroughTakeBackKeepsAnUnflushedPreviousRevisionDirty) {
  HybridOptions back;
  back.async_flush = false;  // a write-back instance whose revision 1 is not flushed yet
  auto writer = Store(back);
  SyncInstance w(*writer);
  ASSERT_TRUE(Create(w, "mixed", R"({"v":1})").ok());
  HybridOptions wt;
  wt.write_through = true;
  auto store = Store(wt);
  SyncInstance in(*store);
  Refuse();
  ASSERT_FALSE(Merge(in, "mixed", R"({"v":2})").ok());
  EXPECT_EQ(in.events.load(), 0);
  EXPECT_EQ(in.service.Get(Key("mixed"))->revision, 1);
  EXPECT_EQ(Dirty(*store), 1) << "revision 1 was never flushed: it must stay dirty";
  Accept();
  ASSERT_TRUE(store->Maintain(NowMs()).ok());
  EXPECT_EQ(DbRevision("mixed"), 1);
  EXPECT_EQ(Dirty(*store), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SyncFlushFailure, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
