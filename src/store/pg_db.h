// PgDb: the PostgreSQL Db adapter (scale-out). A pool of libpq connections (min 2, max 10 by
// default, as the spec's Knex pool); a caller waits up to acquire_timeout for a free connection.
// A connection found broken is reset once and the statement retried if it had not been sent.
//
// Prepared statements: each SELECT/INSERT/UPDATE/DELETE text is prepared once per connection
// (PQprepare) and then executed by name, so PostgreSQL parses and plans the hot statements once
// instead of per call (at most PgPrepared::kMax per connection; more run unnamed). A plan the
// server invalidates (a schema change altering a result type) is forgotten and re-prepared.
// Needs session-level connections: behind a transaction-pooling PgBouncer, use its prepared
// statement support (1.21+, max_prepared_statements).
//
// Construction never fails because the server is down: connections are opened lazily, so the
// process can start, report the database in /ready as down (503), and recover when it returns.
//
// Thread safety: all methods may be called from any thread concurrently.
// Lifetime: connections close when the PgDb is destroyed; no call may be in flight then.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/db.h"

typedef struct pg_conn PGconn;

namespace rt::store {

struct PgOptions {
  std::string conninfo;  // libpq URL or key=value string
  int pool_min = 2;
  int pool_max = 10;
  std::chrono::milliseconds acquire_timeout{5000};
  int connect_timeout_s = 5;
};

// The statements prepared on one connection: SQL text -> server-side name. Used only by the
// thread holding the connection.
struct PgPrepared {
  static constexpr size_t kMax = 512;  // more distinct statements run unnamed
  std::unordered_map<std::string, std::string> names;
  uint64_t next = 0;
};

class PgDb final : public Db {
 public:
  explicit PgDb(PgOptions options);
  ~PgDb() override;

  // Opens pool_min connections now; returns kUnavailable (and keeps the PgDb usable) if the
  // server cannot be reached.
  Status Warmup();

  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<DbResult> Exec(std::string_view sql, const DbParams& params = {}) override;
  Status Transaction(const std::function<Status(DbSession&)>& fn) override;
  Status Ping() override;
  std::string Describe() const override;

 private:
  class Lease;
  Result<PGconn*> Acquire();
  void Release(PGconn* conn);
  PgPrepared* PreparedOf(PGconn* conn);
  void ForgetPrepared(PGconn* conn);

  const PgOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<PGconn*> idle_;  // guarded by mu_
  int open_ = 0;               // guarded by mu_: connections that exist (idle or leased)
  std::unordered_map<PGconn*, std::unique_ptr<PgPrepared>> prepared_;  // guarded by mu_ (the map)
};

}  // namespace rt::store
