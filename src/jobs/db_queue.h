// DbQueue: the Queue port on the platform database (the `jobs` table, migration 0006_jobs).
//
// PostgreSQL: a claim is one UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED LIMIT n)
// RETURNING, so many processes claim concurrently without blocking on each other's rows and
// without ever handing one job to two workers. SQLite: the same statement without the locking
// clause; the SQLite Db is one serialized connection, so a claim is atomic within the process
// (several processes on one SQLite file are not supported, as for the rest of the platform).
//
// Ownership / lifetime: holds a reference to db, which must outlive the DbQueue; the schema must
// be migrated (store::Migrator) before use. Thread safety: all methods may be called from any
// thread concurrently (they block on the database). Failure: as Queue (jobs/queue.h).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "jobs/queue.h"
#include "store/db.h"

namespace rt::jobs {

class DbQueue final : public Queue {
 public:
  using Clock = std::function<int64_t()>;  // ms since the epoch

  // clock defaults to the wall clock (rt::NowMs); tests pass a manual one.
  explicit DbQueue(store::Db& db, Clock clock = {});

  Result<std::string> Enqueue(std::string_view queue, const boost::json::value& payload,
                              const EnqueueOptions& options = {}) override;
  Result<std::vector<std::string>> EnqueueBatch(std::string_view queue, const std::vector<NewJob>& jobs) override;
  Result<std::vector<Job>> Claim(std::string_view queue, std::string_view worker_id, int64_t lease_ms,
                                 int max_jobs) override;
  Status Complete(const std::string& id, const std::string& lease_token) override;
  Result<size_t> CompleteBatch(const std::vector<std::pair<std::string, std::string>>& refs) override;
  Result<size_t> CompleteBatchWith(const std::vector<std::pair<std::string, std::string>>& refs,
                                   const std::function<Status(store::DbSession&)>& also) override;
  Status Bury(const std::string& id, const std::string& lease_token, const std::string& error) override;
  Result<FailOutcome> Fail(const std::string& id, const std::string& lease_token, const std::string& error,
                           int64_t retry_delay_ms) override;
  Status Release(const std::string& id, const std::string& lease_token, int64_t delay_ms = 0) override;
  Status ExtendLease(const std::string& id, const std::string& lease_token, int64_t lease_ms) override;
  Status Retry(const std::string& id, const boost::json::value* payload = nullptr) override;
  Result<std::optional<DeadJob>> FindDead(const std::string& id) override;
  Result<std::vector<DeadJob>> ListDead(std::string_view queue, int limit) override;
  Result<QueueStats> Stats(std::string_view queue) override;

 private:
  int64_t Now() const;
  // Why a token-guarded update touched no row: kNotFound or kConflict with the reason.
  Error LeaseError(const std::string& id, const std::string& action);

  store::Db& db_;
  Clock clock_;
  struct Counters {
    std::atomic<int64_t> enqueued{0}, completed{0}, retries{0}, dead_lettered{0};
  };
  Counters& Count(std::string_view queue);  // this queue's counters, created on first use

  std::mutex mu_;
  std::map<std::string, Counters> counters_;  // by queue name; guarded by mu_ (entries are atomic)
};

}  // namespace rt::jobs
