#include "jobs/db_queue.h"

#include <algorithm>
#include <utility>

#include "core/ids.h"
#include "core/json.h"

namespace rt::jobs {
namespace {

using store::AsInt;
using store::AsString;
using store::DbParams;
using store::DbValue;

constexpr size_t kMaxPayloadBytes = 1 << 20;
constexpr int kMaxAttemptsLimit = 1000;
constexpr int kMaxClaim = 1000;

Status CheckQueue(std::string_view queue) {
  auto why = ValidateQueueName(queue);
  return why.empty() ? Ok() : Status(Error::Validation(why));
}

Status CheckLeaseMs(int64_t lease_ms) {
  if (lease_ms <= 0 || lease_ms > 24 * 3600 * 1000) return Error::Validation("Lease must be between 1 ms and 24 h");
  return Ok();
}

boost::json::value PayloadOf(const DbValue& v) {
  auto parsed = json::Parse(AsString(v));
  return parsed.ok() ? std::move(*parsed) : boost::json::value();  // written by us: always valid
}

}  // namespace

DbQueue::DbQueue(store::Db& db, Clock clock) : db_(db), clock_(std::move(clock)) {}

DbQueue::Counters& DbQueue::Count(std::string_view queue) {
  std::lock_guard lock(mu_);
  return counters_[std::string(queue)];  // std::map: references stay valid
}

int64_t DbQueue::Now() const { return clock_ ? clock_() : NowMs(); }

Result<std::string> DbQueue::Enqueue(std::string_view queue, const boost::json::value& payload,
                                     const EnqueueOptions& options) {
  auto ids = EnqueueBatch(queue, {NewJob{payload, options}});
  if (!ids.ok()) return ids.take_error();
  return std::move(ids->front());
}

Result<std::vector<std::string>> DbQueue::EnqueueBatch(std::string_view queue, const std::vector<NewJob>& jobs) {
  RT_TRY(CheckQueue(queue));
  const int64_t now = Now();
  std::vector<std::string> ids;
  std::vector<DbParams> rows;
  for (const auto& j : jobs) {
    const auto& o = j.options;
    if (o.max_attempts < 1 || o.max_attempts > kMaxAttemptsLimit)
      return Error::Validation("maxAttempts must be between 1 and 1000");
    if (o.delay_ms < 0 || o.run_at_ms < 0) return Error::Validation("Delay and run_at must not be negative");
    std::string body = json::Serialize(j.payload);
    if (body.size() > kMaxPayloadBytes) return Error::Validation("Job payload exceeds 1 MiB");
    ids.push_back(NewId("job"));
    int64_t run_at = o.run_at_ms > 0 ? o.run_at_ms : now + o.delay_ms;
    if (o.group.size() > 200) return Error::Validation("Job group must be at most 200 characters");
    rows.push_back({ids.back(), std::string(queue), std::move(body), int64_t{o.max_attempts}, run_at, now,
                    o.group.empty() ? DbValue{} : DbValue{o.group}});
  }
  if (rows.empty()) return ids;
  constexpr const char* kInsert =
      "INSERT INTO jobs (id, queue, payload, state, attempts, max_attempts, visible_at, last_error, created_at, "
      "updated_at, group_key) VALUES ($1, $2, $3, 'queued', 0, $4, $5, '', $6, $6, $7)";
  auto done = db_.Transaction([&](store::DbSession& s) -> Status {
    for (const auto& r : rows) RT_TRY(s.Exec(kInsert, r));
    return Ok();
  });
  if (!done.ok()) return done.take_error();
  Count(queue).enqueued += static_cast<int64_t>(rows.size());
  return ids;
}

Result<std::vector<Job>> DbQueue::Claim(std::string_view queue, std::string_view worker_id, int64_t lease_ms,
                                        int max_jobs) {
  RT_TRY(CheckQueue(queue));
  RT_TRY(CheckLeaseMs(lease_ms));
  if (worker_id.empty() || worker_id.size() > 200) return Error::Validation("Worker id must be 1-200 characters");
  if (max_jobs < 1 || max_jobs > kMaxClaim) return Error::Validation("Claim between 1 and 1000 jobs");
  const int64_t now = Now();
  const std::string token = RandomHex(12);
  const bool pg = db_.dialect() == store::Dialect::kPostgres;
  // A lease that expired on the last attempt cannot be claimed again: dead-letter it first.
  const std::string expire_sql =
      std::string(
          "UPDATE jobs SET state = 'dead', lease_token = NULL, worker_id = NULL, updated_at = $2, "
          "last_error = 'lease expired on the final attempt' WHERE id IN (SELECT id FROM jobs "
          "WHERE queue = $1 AND state = 'leased' AND visible_at <= $2 AND attempts >= max_attempts") +
      (pg ? " FOR UPDATE SKIP LOCKED" : "") + ")";
  const std::string claim_sql =
      std::string(
          "UPDATE jobs SET state = 'leased', attempts = attempts + 1, lease_token = $3, worker_id = $4, "
          "visible_at = $5, updated_at = $2 WHERE id IN (SELECT j.id FROM jobs j WHERE j.queue = $1 "
          "AND j.state IN ('queued', 'leased') AND j.visible_at <= $2 AND j.attempts < j.max_attempts "
          // a group's jobs one at a time, in enqueue order (EnqueueOptions::group)
          "AND (j.group_key IS NULL OR NOT EXISTS (SELECT 1 FROM jobs p WHERE p.group_key = j.group_key "
          "AND p.seq < j.seq AND p.state <> 'dead')) "
          "ORDER BY j.visible_at, j.seq LIMIT $6") +
      (pg ? " FOR UPDATE SKIP LOCKED" : "") +
      ") RETURNING id, queue, payload, attempts, max_attempts, visible_at, created_at, last_error, seq";
  std::vector<std::pair<int64_t, Job>> claimed;  // (seq, job)
  int64_t expired = 0;
  auto done = db_.Transaction([&](store::DbSession& s) -> Status {
    claimed.clear();
    auto e = s.Exec(expire_sql, {std::string(queue), now});
    if (!e.ok()) return e.take_error();
    expired = e->affected_rows;
    auto r =
        s.Exec(claim_sql, {std::string(queue), now, token, std::string(worker_id), now + lease_ms, int64_t{max_jobs}});
    if (!r.ok()) return r.take_error();
    for (const auto& row : r->rows) {
      Job j;
      j.id = AsString(row[0]);
      j.queue = AsString(row[1]);
      j.payload = PayloadOf(row[2]);
      j.attempt = static_cast<int>(AsInt(row[3]));
      j.max_attempts = static_cast<int>(AsInt(row[4]));
      j.lease_expires_at = AsInt(row[5]);
      j.created_at = AsInt(row[6]);
      j.last_error = AsString(row[7]);
      j.lease_token = token;
      claimed.emplace_back(AsInt(row[8]), std::move(j));
    }
    return Ok();
  });
  if (!done.ok()) return done.take_error();
  if (expired > 0) Count(queue).dead_lettered += expired;
  // RETURNING has no order: hand the batch out in enqueue order.
  std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Job> out;
  out.reserve(claimed.size());
  for (auto& [seq, job] : claimed) out.push_back(std::move(job));
  return out;
}

Error DbQueue::LeaseError(const std::string& id, const std::string& action) {
  auto r = db_.Exec("SELECT state, worker_id, attempts FROM jobs WHERE id = $1", {id});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return Error::NotFound("Job not found: " + id + " (completed, or never existed)");
  const auto& row = r->rows[0];
  std::string state = AsString(row[0]);
  if (state == "leased")
    return Error::Conflict("Lease lost: job " + id + " was claimed again (attempt " + std::to_string(AsInt(row[2])) +
                           ", worker " + AsString(row[1]) + "); a stale lease cannot " + action + " it");
  return Error::Conflict("Job " + id + " is not leased (state " + state + "); cannot " + action + " it");
}

Status DbQueue::Complete(const std::string& id, const std::string& lease_token) {
  auto r = db_.Exec("DELETE FROM jobs WHERE id = $1 AND lease_token = $2 AND state = 'leased' RETURNING queue",
                    {id, lease_token});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return LeaseError(id, "complete");
  const std::string r_queue = AsString(r->rows[0][0]);
  ++Count(r_queue).completed;
  return Ok();
}

Result<size_t> DbQueue::CompleteBatch(const std::vector<std::pair<std::string, std::string>>& refs) {
  return CompleteBatchWith(refs, {});
}

Result<size_t> DbQueue::CompleteBatchWith(const std::vector<std::pair<std::string, std::string>>& refs,
                                          const std::function<Status(store::DbSession&)>& also) {
  if (refs.empty() && !also) return size_t{0};
  std::map<std::string, int64_t> per_queue;
  auto done = db_.Transaction([&](store::DbSession& s) -> Status {
    per_queue.clear();
    for (const auto& [id, token] : refs) {
      auto r = s.Exec("DELETE FROM jobs WHERE id = $1 AND lease_token = $2 AND state = 'leased' RETURNING queue",
                      {id, token});
      if (!r.ok()) return r.take_error();
      if (!r->rows.empty()) ++per_queue[AsString(r->rows[0][0])];
    }
    return also ? also(s) : Ok();
  });
  if (!done.ok()) return done.take_error();
  size_t total = 0;
  for (const auto& [queue, n] : per_queue) {
    Count(queue).completed += n;
    total += static_cast<size_t>(n);
  }
  return total;
}

Status DbQueue::Bury(const std::string& id, const std::string& lease_token, const std::string& error) {
  const int64_t now = Now();
  auto r = db_.Exec(
      "UPDATE jobs SET state = 'dead', lease_token = NULL, worker_id = NULL, last_error = $3, updated_at = $4 "
      "WHERE id = $1 AND lease_token = $2 AND state = 'leased' RETURNING queue",
      {id, lease_token, std::string(json::Utf8Prefix(error, 2000)), now});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return LeaseError(id, "bury");
  ++Count(AsString(r->rows[0][0])).dead_lettered;
  return Ok();
}

Result<FailOutcome> DbQueue::Fail(const std::string& id, const std::string& lease_token, const std::string& error,
                                  int64_t retry_delay_ms) {
  if (retry_delay_ms < 0) return Error::Validation("Retry delay must not be negative");
  const int64_t now = Now();
  auto r = db_.Exec(
      "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, "
      "visible_at = $4, lease_token = NULL, worker_id = NULL, last_error = $3, updated_at = $5 "
      "WHERE id = $1 AND lease_token = $2 AND state = 'leased' RETURNING state, queue",
      {id, lease_token, std::string(json::Utf8Prefix(error, 2000)), now + retry_delay_ms, now});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return LeaseError(id, "fail");
  FailOutcome out;
  out.dead = AsString(r->rows[0][0]) == "dead";
  auto& c = Count(AsString(r->rows[0][1]));
  if (out.dead) {
    ++c.dead_lettered;
  } else {
    out.run_at = now + retry_delay_ms;
    ++c.retries;
  }
  return out;
}

Status DbQueue::Release(const std::string& id, const std::string& lease_token, int64_t delay_ms) {
  if (delay_ms < 0) return Error::Validation("Delay must not be negative");
  const int64_t now = Now();
  auto r = db_.Exec(
      "UPDATE jobs SET state = 'queued', attempts = attempts - 1, visible_at = $3, lease_token = NULL, "
      "worker_id = NULL, updated_at = $4 WHERE id = $1 AND lease_token = $2 AND state = 'leased'",
      {id, lease_token, now + delay_ms, now});
  if (!r.ok()) return r.take_error();
  if (r->affected_rows == 0) return LeaseError(id, "release");
  return Ok();
}

Status DbQueue::ExtendLease(const std::string& id, const std::string& lease_token, int64_t lease_ms) {
  RT_TRY(CheckLeaseMs(lease_ms));
  const int64_t now = Now();
  auto r = db_.Exec(
      "UPDATE jobs SET visible_at = $3, updated_at = $4 WHERE id = $1 AND lease_token = $2 AND state = 'leased'",
      {id, lease_token, now + lease_ms, now});
  if (!r.ok()) return r.take_error();
  if (r->affected_rows == 0) return LeaseError(id, "extend the lease of");
  return Ok();
}

Status DbQueue::Retry(const std::string& id, const boost::json::value* payload) {
  const int64_t now = Now();
  std::string body;
  if (payload) {
    body = json::Serialize(*payload);
    if (body.size() > kMaxPayloadBytes) return Error::Validation("Job payload exceeds 1 MiB");
  }
  auto r = payload ? db_.Exec("UPDATE jobs SET state = 'queued', attempts = 0, visible_at = $2, updated_at = $2, "
                              "payload = $3 WHERE id = $1 AND state = 'dead'",
                              {id, now, body})
                   : db_.Exec("UPDATE jobs SET state = 'queued', attempts = 0, visible_at = $2, updated_at = $2 "
                              "WHERE id = $1 AND state = 'dead'",
                              {id, now});
  if (!r.ok()) return r.take_error();
  if (r->affected_rows > 0) return Ok();
  auto s = db_.Exec("SELECT state FROM jobs WHERE id = $1", {id});
  if (!s.ok()) return s.take_error();
  if (s->rows.empty()) return Error::NotFound("Job not found: " + id);
  return Error::Conflict("Job " + id + " is not dead-lettered (state " + AsString(s->rows[0][0]) + ")");
}

Result<std::optional<DeadJob>> DbQueue::FindDead(const std::string& id) {
  auto r = db_.Exec(
      "SELECT id, queue, payload, attempts, last_error, updated_at FROM jobs WHERE id = $1 AND state = 'dead'", {id});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return std::optional<DeadJob>();
  const auto& row = r->rows[0];
  return std::optional<DeadJob>(DeadJob{AsString(row[0]), AsString(row[1]), PayloadOf(row[2]),
                                        static_cast<int>(AsInt(row[3])), AsString(row[4]), AsInt(row[5])});
}

Result<std::vector<DeadJob>> DbQueue::ListDead(std::string_view queue, int limit) {
  RT_TRY(CheckQueue(queue));
  if (limit < 1 || limit > kMaxClaim) return Error::Validation("Limit must be between 1 and 1000");
  auto r = db_.Exec(
      "SELECT id, queue, payload, attempts, last_error, updated_at FROM jobs WHERE queue = $1 AND state = 'dead' "
      "ORDER BY updated_at DESC, id DESC LIMIT $2",
      {std::string(queue), int64_t{limit}});
  if (!r.ok()) return r.take_error();
  std::vector<DeadJob> out;
  for (const auto& row : r->rows)
    out.push_back({AsString(row[0]), AsString(row[1]), PayloadOf(row[2]), static_cast<int>(AsInt(row[3])),
                   AsString(row[4]), AsInt(row[5])});
  return out;
}

Result<QueueStats> DbQueue::Stats(std::string_view queue) {
  RT_TRY(CheckQueue(queue));
  auto r = db_.Exec(
      "SELECT "
      "SUM(CASE WHEN state = 'queued' AND visible_at <= $2 THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN state = 'queued' AND visible_at > $2 THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN state = 'leased' AND visible_at > $2 THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN state = 'leased' AND visible_at <= $2 THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN state = 'queued' AND attempts > 0 THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END) "
      "FROM jobs WHERE queue = $1",
      {std::string(queue), Now()});
  if (!r.ok()) return r.take_error();
  QueueStats s;
  if (!r->rows.empty()) {
    const auto& row = r->rows[0];
    s.ready = AsInt(row[0]);
    s.delayed = AsInt(row[1]);
    s.leased = AsInt(row[2]);
    s.expired_leases = AsInt(row[3]);
    s.retrying = AsInt(row[4]);
    s.dead = AsInt(row[5]);
  }
  const Counters& c = Count(queue);
  s.enqueued_total = c.enqueued;
  s.completed_total = c.completed;
  s.retries_total = c.retries;
  s.dead_lettered_total = c.dead_lettered;
  return s;
}

}  // namespace rt::jobs
