// Queue: the durable job queue port (webhook deliveries, alerts, analytics events). See
// docs/jobs.md for the semantics; in short:
//
//   - Named queues ("webhook-delivery", "alerts", "analytics-events", ...). A name is free text
//     that passes ValidateQueueName: 1-64 characters of [a-z0-9._-], starting with [a-z0-9].
//   - At-least-once delivery. Claim leases a job to one worker for a visibility timeout; while the
//     lease holds nobody else can claim it. A worker that crashes simply lets the lease expire and
//     the job becomes claimable again (its attempt count goes up on the next claim).
//   - Every claim hands out a fresh lease token. Complete / Fail / Release / ExtendLease must
//     present it: once another worker has claimed the job again, the stale worker's calls fail
//     with kConflict, so a job is never completed twice and never held by two workers at once.
//   - A job has max_attempts claims. Fail schedules a retry (run again after a delay) or, when
//     the attempts are used up, moves the job to the dead-letter state, where it stays until
//     Retry puts it back. A lease that expires on the last attempt also dead-letters the job.
//   - Complete deletes the job.
//
// Time: the queue reads "now" from the clock it was given (ms since the epoch), never from the
// database, so every instance must have a roughly synchronized clock (NTP); tests pass a manual
// clock. Leases and delays are durations in ms.
//
// Ownership / lifetime: implementations hold a reference to their storage (e.g. store::Db),
// which must outlive them. Jobs are plain values owned by the caller.
// Thread safety: every method may be called from any thread concurrently, and several
// processes may share one queue through one database. Methods block until the database answers:
// call them from the blocking pool or a worker thread, never from an I/O thread.
// Failure: expected failures are Error values: kValidation (bad queue name, payload, options),
// kNotFound (unknown job id, e.g. already completed), kConflict (lease lost or wrong state),
// kUnavailable (database down; the operation did not happen or its outcome is unknown — jobs are
// at-least-once, so retrying the call is safe except for Enqueue, which may then duplicate).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/db.h"

namespace rt::jobs {

inline constexpr std::string_view kWebhookDeliveryQueue = "webhook-delivery";
inline constexpr std::string_view kAlertsQueue = "alerts";
inline constexpr std::string_view kAnalyticsEventsQueue = "analytics-events";

struct EnqueueOptions {
  int64_t delay_ms = 0;   // claimable at now + delay_ms ...
  int64_t run_at_ms = 0;  // ... or at this absolute time, when non-zero (wins over delay_ms)
  int max_attempts = 5;   // 1..1000 claims before the job is dead-lettered
  // Ordering group (e.g. a FIFO webhook endpoint's id), empty for none: a job is not claimed
  // while an earlier job (by enqueue order) of its group is still queued or leased, so a group's
  // jobs run one at a time, in order; a dead-lettered job stops blocking its group.
  std::string group;
};

struct NewJob {
  boost::json::value payload;
  EnqueueOptions options;
};

// A leased job as handed to a worker.
struct Job {
  std::string id;  // job_<16 hex>
  std::string queue;
  boost::json::value payload;
  int attempt = 0;  // 1 on the first claim, 2 on the second, ...
  int max_attempts = 0;
  std::string lease_token;       // present it to Complete / Fail / Release / ExtendLease
  int64_t lease_expires_at = 0;  // ms since epoch
  int64_t created_at = 0;
  std::string last_error;  // from the previous failed attempt, "" if none
};

// What Fail did with the job.
struct FailOutcome {
  bool dead = false;   // true: moved to dead-letter; false: retried at run_at
  int64_t run_at = 0;  // when the retry becomes claimable (0 when dead)
};

// A dead-lettered job (for listing and Retry).
struct DeadJob {
  std::string id;
  std::string queue;
  boost::json::value payload;
  int attempts = 0;
  std::string last_error;
  int64_t updated_at = 0;  // when it was dead-lettered
};

struct QueueStats {
  // Gauges, from the database (all instances).
  int64_t ready = 0;           // queued and claimable now (the queue depth)
  int64_t delayed = 0;         // queued, run_at in the future (includes scheduled retries)
  int64_t leased = 0;          // leased, lease not yet expired
  int64_t expired_leases = 0;  // leased but expired: claimable again (counted in depth too)
  int64_t retrying = 0;        // queued jobs that already failed at least once
  int64_t dead = 0;            // dead-lettered
  // Counters since this Queue object was created (this instance only, like Prometheus counters).
  int64_t enqueued_total = 0;
  int64_t completed_total = 0;
  int64_t retries_total = 0;        // Fail calls that scheduled a retry
  int64_t dead_lettered_total = 0;  // jobs moved to dead-letter by Fail or an expired last lease
  int64_t depth() const { return ready + expired_leases; }
};

// Empty when name is a valid queue name, else the reason.
std::string ValidateQueueName(std::string_view name);

// Exponential backoff for the retry after failed attempt number `attempt` (1-based):
// min(base_ms * 2^(attempt-1) + jitter_ms, max_ms). The caller draws jitter_ms (e.g. uniform in
// [0, base_ms)) so the function stays pure.
int64_t BackoffDelayMs(int attempt, int64_t jitter_ms, int64_t base_ms = 1000, int64_t max_ms = 60000);

class Queue {
 public:
  virtual ~Queue() = default;

  // Stores a job; returns its id. The payload is any JSON value.
  virtual Result<std::string> Enqueue(std::string_view queue, const boost::json::value& payload,
                                      const EnqueueOptions& options = {}) = 0;
  // Stores several jobs atomically (all or none); returns their ids in order.
  virtual Result<std::vector<std::string>> EnqueueBatch(std::string_view queue, const std::vector<NewJob>& jobs) = 0;

  // Leases up to max_jobs claimable jobs (run_at passed and not leased, or lease expired) to
  // worker_id for lease_ms, oldest run_at first. Empty when nothing is claimable.
  virtual Result<std::vector<Job>> Claim(std::string_view queue, std::string_view worker_id, int64_t lease_ms,
                                         int max_jobs) = 0;

  // Done: deletes the job. kConflict when the lease was lost, kNotFound when the job is gone.
  virtual Status Complete(const std::string& id, const std::string& lease_token) = 0;
  // Completes several leased jobs in one transaction; returns how many were completed (a job
  // whose lease was lost is skipped, not an error). refs: (id, lease_token).
  virtual Result<size_t> CompleteBatch(const std::vector<std::pair<std::string, std::string>>& refs) = 0;
  // The same, and `also` runs in the same database transaction (e.g. writing the outcome's log):
  // both happen or neither does. `also` may be empty.
  virtual Result<size_t> CompleteBatchWith(const std::vector<std::pair<std::string, std::string>>& refs,
                                           const std::function<Status(store::DbSession&)>& also) = 0;
  // Attempt failed: retry claimable after retry_delay_ms, or dead-letter if no attempt is left.
  virtual Result<FailOutcome> Fail(const std::string& id, const std::string& lease_token, const std::string& error,
                                   int64_t retry_delay_ms) = 0;
  // Attempt failed in a way retrying cannot fix: dead-letter now, whatever attempts are left.
  virtual Status Bury(const std::string& id, const std::string& lease_token, const std::string& error) = 0;
  // Gives the job back without using up an attempt (graceful stop), claimable after delay_ms.
  virtual Status Release(const std::string& id, const std::string& lease_token, int64_t delay_ms = 0) = 0;
  // Pushes the lease expiry to now + lease_ms (a long job keeps its lease).
  virtual Status ExtendLease(const std::string& id, const std::string& lease_token, int64_t lease_ms) = 0;

  // Puts a dead-lettered job back in its queue with a fresh set of attempts, claimable now,
  // with its payload replaced by *payload when given. kConflict when the job is not dead.
  virtual Status Retry(const std::string& id, const boost::json::value* payload = nullptr) = 0;
  // The dead-lettered job with this id; nullopt when there is none (or it is not dead).
  virtual Result<std::optional<DeadJob>> FindDead(const std::string& id) = 0;
  // Dead-lettered jobs of a queue, newest first, at most limit.
  virtual Result<std::vector<DeadJob>> ListDead(std::string_view queue, int limit) = 0;

  virtual Result<QueueStats> Stats(std::string_view queue) = 0;
};

}  // namespace rt::jobs
