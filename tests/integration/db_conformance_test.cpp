// The Db port contract, run against SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "backends.h"
#include "store/migrator.h"

namespace rt::testing {
namespace {

class DbConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    db_ = OpenBackend(GetParam());
    ASSERT_TRUE(db_->Exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT, n BIGINT, d DOUBLE PRECISION)").ok());
  }
  std::unique_ptr<store::Db> db_;
};

TEST_P(DbConformance, RoundTripsEveryValueType) {
  ASSERT_TRUE(db_->Exec("INSERT INTO kv (k, v, n, d) VALUES ($1, $2, $3, $4)",
                        {std::string("a"), std::string("it's \"quoted\" ; DROP TABLE kv"), int64_t{1} << 40, 1.5})
                  .ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO kv (k, v, n, d) VALUES ($1, $2, $3, $4)",
                        {std::string("b"), std::monostate{}, std::monostate{}, std::monostate{}})
                  .ok());
  auto r = db_->Exec("SELECT k, v, n, d FROM kv ORDER BY k");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->columns, (std::vector<std::string>{"k", "v", "n", "d"}));
  EXPECT_EQ(store::AsString(r->rows[0][1]), "it's \"quoted\" ; DROP TABLE kv");
  EXPECT_EQ(store::AsInt(r->rows[0][2]), int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(store::AsDouble(r->rows[0][3]), 1.5);
  EXPECT_TRUE(store::IsNull(r->rows[1][1]));
  EXPECT_TRUE(store::IsNull(r->rows[1][2]));
}

TEST_P(DbConformance, ReusedPlaceholderBindsSameValue) {
  auto r = db_->Exec("SELECT $1 || '-' || $1 AS twice", {std::string("x")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(store::AsString(r->rows[0][0]), "x-x");
}

TEST_P(DbConformance, DuplicateKeyIsConflictAndChangesNothing) {
  ASSERT_TRUE(db_->Exec("INSERT INTO kv (k, v) VALUES ($1, $2)", {std::string("a"), std::string("1")}).ok());
  auto dup = db_->Exec("INSERT INTO kv (k, v) VALUES ($1, $2)", {std::string("a"), std::string("2")});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  auto r = db_->Exec("SELECT v FROM kv WHERE k = $1", {std::string("a")});
  EXPECT_EQ(store::AsString(r->rows[0][0]), "1");
}

TEST_P(DbConformance, AffectedRowsAndReturning) {
  auto ins = db_->Exec("INSERT INTO kv (k, n) VALUES ('a', 1), ('b', 2) RETURNING k");
  ASSERT_TRUE(ins.ok()) << ins.error().message;
  EXPECT_EQ(ins->rows.size(), 2u);
  auto upd = db_->Exec("UPDATE kv SET n = n + 1");
  ASSERT_TRUE(upd.ok());
  EXPECT_EQ(upd->affected_rows, 2);
  auto none = db_->Exec("DELETE FROM kv WHERE k = $1", {std::string("zzz")});
  EXPECT_EQ(none->affected_rows, 0);
}

TEST_P(DbConformance, TransactionCommitsOrRollsBackAsAWhole) {
  Status failed = db_->Transaction([](store::DbSession& s) -> Status {
    RT_TRY(s.Exec("INSERT INTO kv (k) VALUES ('x')"));
    return Error::Validation("abort");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kValidation);
  EXPECT_TRUE(db_->Exec("SELECT k FROM kv")->rows.empty());

  Status ok = db_->Transaction([](store::DbSession& s) -> Status {
    RT_TRY(s.Exec("INSERT INTO kv (k) VALUES ('x')"));
    RT_TRY(s.Exec("INSERT INTO kv (k) VALUES ('y')"));
    return Ok();
  });
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(db_->Exec("SELECT k FROM kv")->rows.size(), 2u);
}

TEST_P(DbConformance, FailingStatementInsideTransactionRollsBack) {
  Status st = db_->Transaction([](store::DbSession& s) -> Status {
    RT_TRY(s.Exec("INSERT INTO kv (k) VALUES ('x')"));
    RT_TRY(s.Exec("INSERT INTO kv (k) VALUES ('x')"));  // duplicate
    return Ok();
  });
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
  EXPECT_TRUE(db_->Exec("SELECT k FROM kv")->rows.empty());
}

TEST_P(DbConformance, BadSqlIsAnErrorNotACrash) {
  auto r = db_->Exec("SELEC nonsense");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInternal);
  EXPECT_TRUE(db_->Ping().ok());
}

TEST_P(DbConformance, ConcurrentWritersAllLand) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 25; ++i) {
        auto r = db_->Exec("INSERT INTO kv (k, n) VALUES ($1, $2)", {std::to_string(t) + "-" + std::to_string(i),
                                                                     int64_t{i}});
        EXPECT_TRUE(r.ok()) << r.error().message;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(store::AsInt(db_->Exec("SELECT COUNT(*) FROM kv")->rows[0][0]), 100);
}

// PostgreSQL runs hot statements prepared per connection (store/pg_db.h): a table that changes
// shape under a prepared `SELECT *` must not break it.
TEST_P(DbConformance, AStatementStillAnswersAfterItsTableChangedShape) {
  ASSERT_TRUE(db_->Exec("INSERT INTO kv (k, n) VALUES ($1, $2)", {std::string("a"), int64_t{1}}).ok());
  for (int i = 0; i < 12; ++i) {  // prepared on whichever pooled connections serve these
    auto r = db_->Exec("SELECT * FROM kv WHERE k = $1", {std::string("a")});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->columns.size(), 4u);
  }
  ASSERT_TRUE(db_->Exec("ALTER TABLE kv ADD COLUMN extra TEXT DEFAULT 'x'").ok());
  for (int i = 0; i < 12; ++i) {
    auto r = db_->Exec("SELECT * FROM kv WHERE k = $1", {std::string("a")});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->columns.size(), 5u);
    EXPECT_EQ(store::AsString(r->rows[0][4]), "x");
  }
}

// A SQLite file answers reads on a second connection (store/sqlite_db.h, "Reads"): every write
// that has returned is visible to the next read, from any thread.
TEST(SqliteFile, ReadsOnTheReadConnectionSeeEveryReturnedWrite) {
  std::string path = ::testing::TempDir() + "/rt-read-conn-" + std::to_string(::getpid()) + ".db";
  std::remove(path.c_str());
  {
    auto opened = store::SqliteDb::Open(path);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    auto& db = **opened;
    ASSERT_TRUE(db.Exec("CREATE TABLE kv (k TEXT PRIMARY KEY, n BIGINT)").ok());
    std::vector<std::thread> threads;
    std::atomic<int> misses{0};
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          std::string k = std::to_string(t) + "-" + std::to_string(i);
          EXPECT_TRUE(db.Exec("INSERT INTO kv (k, n) VALUES ($1, $2)", {k, int64_t{i}}).ok());
          auto r = db.Exec("SELECT n FROM kv WHERE k = $1", {k});
          if (!r.ok() || r->rows.size() != 1) ++misses;
          ASSERT_TRUE(db.Exec("UPDATE kv SET n = n + 1 WHERE k = $1", {k}).ok());
          auto u = db.Exec("SELECT n FROM kv WHERE k = $1", {k});
          if (!u.ok() || u->rows.size() != 1 || store::AsInt(u->rows[0][0]) != i + 1) ++misses;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(misses.load(), 0);
    EXPECT_EQ(store::AsInt(db.Exec("SELECT COUNT(*) FROM kv")->rows[0][0]), 200);
    // A column added on the writer is seen by the reader's statements.
    ASSERT_TRUE(db.Exec("ALTER TABLE kv ADD COLUMN extra TEXT DEFAULT 'x'").ok());
    auto r = db.Exec("SELECT * FROM kv WHERE k = $1", {std::string("0-0")});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->columns.size(), 3u);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

TEST_P(DbConformance, MigrationsApplyRollBackAndReapply) {
  store::Migrator m(*db_);
  auto first = m.Latest();
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->empty());
  EXPECT_TRUE(m.Latest()->empty());  // idempotent
  auto status = m.States();
  for (const auto& s : *status) EXPECT_TRUE(s.applied) << s.name;
  EXPECT_TRUE(db_->Exec("SELECT COUNT(*) FROM applications").ok());

  auto reverted = m.Rollback();
  ASSERT_TRUE(reverted.ok()) << reverted.error().message;
  std::vector<std::string> expected(first->rbegin(), first->rend());
  EXPECT_EQ(*reverted, expected);
  auto after = m.States();
  for (const auto& s : *after) EXPECT_FALSE(s.applied) << s.name;
  EXPECT_FALSE(db_->Exec("SELECT COUNT(*) FROM applications").ok());
  EXPECT_EQ(m.Latest()->size(), first->size());
}

INSTANTIATE_TEST_SUITE_P(Backends, DbConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

TEST(PgDb, UnreachableServerIsUnavailableNotACrash) {
  store::PgDb db({"postgresql://nobody@127.0.0.1:1/none", 1, 2, std::chrono::milliseconds(500), 2});
  Status st = db.Ping();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(db.Describe(), "postgresql://nobody@127.0.0.1:1/none");
}

}  // namespace
}  // namespace rt::testing
