// SqliteDb: the embedded Db adapter (the default). One file, WAL journal, one writing
// connection serialized by a mutex (SQLite has a single writer anyway), busy timeout so that a
// second process (`realtime worker`) sharing the file waits instead of failing.
//
// Reads: a SELECT run with Exec (outside a Transaction) goes to a second, read-only connection
// with its own lock, so reads do not queue behind a commit's fsync (WAL lets one writer and
// readers work at once). Each such read sees every transaction committed before it started:
// a write acknowledged to a caller is visible to its next read. (":memory:" databases are
// private to a connection: they use the one connection for everything.)
//
// Durability: synchronous=FULL, so a commit (every Exec outside a transaction, every
// Transaction) has reached the disk (fsync of the WAL) before it returns: an acknowledged
// platform or document write survives a power loss, not only a process crash. The price is one
// fsync per commit (measured ~4 ms on the CI disk against ~0.15 ms with NORMAL).
//
// Statements are prepared once per SQL text and reused (bounded cache), so the hot paths (queue
// claims, delivery logs, documents) do not re-parse their SQL on every call.
//
// Thread safety: all methods may be called from any thread; calls are serialized.
// Lifetime: the connection closes when the SqliteDb is destroyed.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/db.h"

struct sqlite3;
struct sqlite3_stmt;

namespace rt::store {

// A prepared statement kept for reuse, with the SQLite index of each $N placeholder (0: unused).
struct CachedStatement {
  sqlite3_stmt* stmt = nullptr;
  std::vector<int> index;
};
struct SqlHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StatementCache = std::unordered_map<std::string, CachedStatement, SqlHash, std::equal_to<>>;

struct SqliteOptions {
  // synchronous=FULL (every commit on disk before it returns) when true; NORMAL otherwise, for
  // data that may lose its last commits on a power loss (diagnostics: the traces database).
  bool durable = true;
};

class SqliteDb final : public Db {
 public:
  // Opens (creating if needed) the database file at path; ":memory:" gives a private in-memory
  // database for tests. Fails with kUnavailable if the file cannot be opened.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, SqliteOptions options = {});
  ~SqliteDb() override;

  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<DbResult> Exec(std::string_view sql, const DbParams& params = {}) override;
  Status Transaction(const std::function<Status(DbSession&)>& fn) override;
  Status Ping() override;
  std::string Describe() const override { return "sqlite:" + path_; }

 private:
  SqliteDb(sqlite3* db, sqlite3* reader, std::string path) : db_(db), reader_(reader), path_(std::move(path)) {}

  std::mutex mu_;
  sqlite3* db_;           // guarded by mu_
  StatementCache cache_;  // guarded by mu_: prepared statements by SQL text (at most 512)
  std::mutex read_mu_;
  sqlite3* reader_;              // guarded by read_mu_; nullptr for ":memory:"
  StatementCache reader_cache_;  // guarded by read_mu_
  const std::string path_;
};

}  // namespace rt::store
