#include "store/sqlite_db.h"

#include <cctype>

#include <sqlite3.h>

#include <chrono>
#include <thread>

namespace rt::store {
namespace {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: {
      int ext = db ? sqlite3_extended_errcode(db) : rc;
      if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return {ErrorCode::kConflict, msg, nullptr};
      return {ErrorCode::kValidation, msg, nullptr};
    }
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
      return {ErrorCode::kUnavailable, msg, nullptr};
    default:
      return {ErrorCode::kInternal, msg, nullptr};
  }
}

struct StmtCloser {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

// Resets a statement after use so that a cached one is ready for the next call.
struct StmtReset {
  sqlite3_stmt* s;
  ~StmtReset() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

constexpr size_t kMaxCachedStatements = 512;

// Runs one statement on an open connection; caller holds the lock. Statements are prepared once
// and kept in `cache` (by SQL text), with the SQLite index of each $N placeholder.
Result<DbResult> ExecOn(sqlite3* db, StatementCache* cache, std::string_view sql, const DbParams& params) {
  CachedStatement* cached = nullptr;
  std::unique_ptr<sqlite3_stmt, StmtCloser> owned;
  CachedStatement local;
  if (cache) {
    auto it = cache->find(sql);
    if (it != cache->end()) cached = &it->second;
  }
  if (!cached) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db, rc, "prepare");
    local.stmt = raw;
    // $N placeholders are named parameters to SQLite: resolve each name to its index once.
    int n = sqlite3_bind_parameter_count(raw);
    for (int i = 1; i <= n; ++i) {
      std::string name = "$" + std::to_string(i);
      local.index.push_back(sqlite3_bind_parameter_index(raw, name.c_str()));
    }
    if (cache && cache->size() < kMaxCachedStatements) {
      cached = &cache->emplace(std::string(sql), local).first->second;
    } else {
      owned.reset(raw);
      cached = &local;
    }
  }
  sqlite3_stmt* raw = cached->stmt;
  StmtReset reset{raw};
  int rc = SQLITE_OK;
  for (size_t i = 0; i < params.size() && i < cached->index.size(); ++i) {
    int idx = cached->index[i];
    if (idx == 0) continue;  // parameter unused by this statement
    const DbValue& v = params[i];
    if (auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(raw, idx, *n);
    } else if (auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(raw, idx, *d);
    } else if (auto* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text(raw, idx, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    } else {
      rc = sqlite3_bind_null(raw, idx);
    }
    if (rc != SQLITE_OK) return SqliteError(db, rc, "bind");
  }

  DbResult out;
  // Columns are read after the first step: a cached statement whose table changed shape is
  // re-prepared inside sqlite3_step, and only then reports its new columns (SELECT *).
  rc = sqlite3_step(raw);
  int ncol = sqlite3_column_count(raw);
  for (int c = 0; c < ncol; ++c) out.columns.emplace_back(sqlite3_column_name(raw, c));
  for (; rc == SQLITE_ROW; rc = sqlite3_step(raw)) {
    std::vector<DbValue> row;
    row.reserve(ncol);
    for (int c = 0; c < ncol; ++c) {
      switch (sqlite3_column_type(raw, c)) {
        case SQLITE_INTEGER: row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(raw, c))); break;
        case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(raw, c)); break;
        case SQLITE_NULL: row.emplace_back(std::monostate{}); break;
        default: {
          auto* p = reinterpret_cast<const char*>(sqlite3_column_text(raw, c));
          row.emplace_back(std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(raw, c))));
        }
      }
    }
    out.rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return SqliteError(db, rc, "step");
  out.affected_rows = sqlite3_changes(db);
  return out;
}

Status ExecScriptOn(sqlite3* db, std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return Error{ErrorCode::kInternal, "script: " + msg, nullptr};
  }
  return Ok();
}

class SqliteSession final : public DbSession {
 public:
  SqliteSession(sqlite3* db, StatementCache* cache) : db_(db), cache_(cache) {}
  Result<DbResult> Exec(std::string_view sql, const DbParams& params) override {
    return ExecOn(db_, cache_, sql, params);
  }
  Status ExecScript(std::string_view sql) override { return ExecScriptOn(db_, sql); }

 private:
  sqlite3* db_;
  StatementCache* cache_;
};

}  // namespace

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, SqliteOptions options) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e{ErrorCode::kUnavailable, "cannot open SQLite database " + path + ": " + sqlite3_errstr(rc), nullptr};
    sqlite3_close(db);
    return e;
  }
  sqlite3_busy_timeout(db, 5000);
  // Switching to WAL needs a moment of exclusive access; when another process (a second
  // `realtime` on the same data dir) is opening the file at the same time, SQLite reports
  // "locked" without consulting the busy handler, so retry for up to 5 s.
  Status st;
  for (int attempt = 0; attempt < 50; ++attempt) {
    // synchronous=FULL: a commit is on disk before it returns (see sqlite_db.h, Durability).
    st = ExecScriptOn(db, options.durable ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                                          : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    if (st.ok() || st.error().message.find("locked") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!st.ok()) {
    sqlite3_close(db);
    return Error{ErrorCode::kUnavailable, "cannot configure SQLite database " + path + ": " + st.error().message,
                 nullptr};
  }
  // The read connection (see sqlite_db.h, Reads); a file that cannot be opened twice is only
  // slower: every statement then takes the writing connection.
  sqlite3* reader = nullptr;
  if (path != ":memory:" && !path.empty()) {
    int rrc = sqlite3_open_v2(path.c_str(), &reader, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rrc == SQLITE_OK) {
      sqlite3_busy_timeout(reader, 5000);
    } else {
      sqlite3_close(reader);
      reader = nullptr;
    }
  }
  return std::unique_ptr<SqliteDb>(new SqliteDb(db, reader, path));
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, c] : cache_) sqlite3_finalize(c.stmt);
  for (auto& [sql, c] : reader_cache_) sqlite3_finalize(c.stmt);
  sqlite3_close(db_);
  if (reader_) sqlite3_close(reader_);
}

namespace {
// A statement that only reads: a SELECT without RETURNING (a WITH query takes the writer).
bool ReadOnlySql(std::string_view sql) {
  size_t i = sql.find_first_not_of(" \t\r\n(");
  if (i == std::string_view::npos) return false;
  auto starts = [&](std::string_view word) {
    if (sql.size() - i < word.size()) return false;
    for (size_t k = 0; k < word.size(); ++k)
      if (std::toupper(static_cast<unsigned char>(sql[i + k])) != word[k]) return false;
    return true;
  };
  return starts("SELECT") && sql.find("RETURNING") == std::string_view::npos &&
         sql.find("returning") == std::string_view::npos;
}
}  // namespace

Result<DbResult> SqliteDb::Exec(std::string_view sql, const DbParams& params) {
  if (reader_ && ReadOnlySql(sql)) {
    std::lock_guard lock(read_mu_);
    return ExecOn(reader_, &reader_cache_, sql, params);
  }
  std::lock_guard lock(mu_);
  return ExecOn(db_, &cache_, sql, params);
}

Status SqliteDb::Transaction(const std::function<Status(DbSession&)>& fn) {
  std::lock_guard lock(mu_);
  RT_TRY(ExecScriptOn(db_, "BEGIN IMMEDIATE"));
  SqliteSession session(db_, &cache_);
  Status st = fn(session);
  if (st.ok()) st = ExecScriptOn(db_, "COMMIT");
  if (!st.ok()) {
    (void)ExecScriptOn(db_, "ROLLBACK");
    return st;
  }
  return Ok();
}

Status SqliteDb::Ping() {
  auto r = Exec("SELECT 1");
  if (!r.ok()) return r.take_error();
  return Ok();
}

}  // namespace rt::store
