// Db: the port to the platform database (SQLite embedded default, PostgreSQL for scale-out).
//
// SQL is written once for both dialects with positional placeholders $1..$N; values are always
// bound, never interpolated. Repositories keep to the common subset (TEXT, BIGINT, INTEGER,
// DOUBLE PRECISION, ON CONFLICT, RETURNING) and branch on dialect() only where they must.
//
// Every call blocks the calling thread until the database answers: call it from the blocking
// pool (core/thread_pool.h), never from an I/O thread.
//
// Failure: expected failures come back as Error values:
//   kConflict     a unique or primary-key constraint was violated;
//   kUnavailable  the database cannot be reached (connection refused, pool exhausted, timeout);
//   kValidation   a check/foreign-key/not-null constraint rejected the values;
//   kInternal     anything else (bad SQL is a programmer error but still returned, not thrown).
//
// Thread safety: a Db is safe to use from many threads at once. A DbSession is only valid
// inside the Transaction callback that received it, and only on that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"

namespace rt::store {

enum class Dialect { kSqlite, kPostgres };

// NULL, integer (booleans are 0/1), real, text. JSON is stored as text.
using DbValue = std::variant<std::monostate, int64_t, double, std::string>;
using DbParams = std::vector<DbValue>;

struct DbResult {
  std::vector<std::string> columns;
  std::vector<std::vector<DbValue>> rows;
  int64_t affected_rows = 0;  // INSERT/UPDATE/DELETE row count

  bool empty() const { return rows.empty(); }
};

// Typed access to one cell; conversion is lenient (text "12" reads as 12) because PostgreSQL
// returns some types as text. Null reads as 0 / "" / false.
bool IsNull(const DbValue& v);
int64_t AsInt(const DbValue& v);
double AsDouble(const DbValue& v);
std::string AsString(const DbValue& v);
bool AsBool(const DbValue& v);

// A list of strings stored in one TEXT column as a JSON array (webhook events and topics, role
// permissions, worker queues). Reading is lenient: anything but an array of strings reads as [].
std::string StringListToJson(const std::vector<std::string>& list);
std::vector<std::string> StringListFromJson(const DbValue& v);

// Every row of a query result through from_row (a repository's row decoder), or its error.
template <typename FromRow>
auto MapRows(Result<DbResult> r, FromRow from_row)
    -> Result<std::vector<decltype(from_row(std::declval<const std::vector<DbValue>&>()))>> {
  if (!r.ok()) return r.take_error();
  std::vector<decltype(from_row(std::declval<const std::vector<DbValue>&>()))> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) out.push_back(from_row(row));
  return out;
}

// A connection inside a transaction.
class DbSession {
 public:
  virtual ~DbSession() = default;
  // Runs one statement with bound parameters.
  virtual Result<DbResult> Exec(std::string_view sql, const DbParams& params = {}) = 0;
  // Runs a script of several statements without parameters (migrations only).
  virtual Status ExecScript(std::string_view sql) = 0;
};

class Db {
 public:
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  virtual ~Db() = default;

  virtual Dialect dialect() const = 0;

  // Runs one statement in its own (autocommit) transaction.
  virtual Result<DbResult> Exec(std::string_view sql, const DbParams& params = {}) = 0;

  // Runs fn inside BEGIN/COMMIT on one connection. If fn returns an error, or the commit fails,
  // the transaction is rolled back and that error is returned. fn must not call this Db.
  virtual Status Transaction(const std::function<Status(DbSession&)>& fn) = 0;

  // Cheap round trip (SELECT 1); kUnavailable when the database cannot be reached.
  virtual Status Ping() = 0;

  // Where this database is, safe to log (no password).
  virtual std::string Describe() const = 0;
};

}  // namespace rt::store
