// WebhookRepository: the webhook tables of migration 0007_webhooks (spec/23-api-webhooks.md).
//
// webhook_endpoints: endpoints scoped by (application, environment) like topics; deleting the
// application deletes them. The secret column holds what webhooks/secret_box.h sealed; this
// class never looks inside it. events and topics are JSON arrays of strings.
// webhook_deliveries: one delivery log row per (event, endpoint), summarizing its latest attempt.
// webhook_attempts: one row per attempt (the history). Log rows outlive their endpoint (deleting
// an endpoint keeps its history) until PruneLogs removes them by age.
//
// Plain persistence: validation lives in the webhooks service. Failure: Insert is kConflict for
// a taken id and kNotFound when the application does not exist; ListLogs is kValidation without
// a scope; kUnavailable when the database is down. "Not found" elsewhere is an empty optional or
// false, not an error. Thread safety: as the Db it wraps (safe from any thread; blocking).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace rt::store {

struct WebhookEndpointRow {
  std::string id, application_id, environment, url;
  std::string secret;  // sealed text, opaque here
  std::vector<std::string> events, topics;
  bool active = true;
  std::string signature_scheme;  // "realtime" | "standard"
  int max_concurrency = 0;
  std::string ordering;  // "none" | "fifo"
  std::string description;
  int64_t created_at = 0, updated_at = 0;  // ms since epoch
};

// The outcome of one delivery attempt, as the delivery worker records it.
struct DeliveryAttempt {
  std::string delivery_id;  // log_...: one per (event, endpoint), the same for every attempt
  std::string webhook_id, application_id, environment, event, event_id, topic, url, job_id;
  int attempt = 1;
  int status_code = 0;  // 0: no response (stored as NULL)
  int64_t duration_ms = 0;
  std::string error, response_body;
  int64_t at = 0;               // when the attempt finished, ms
  std::string status;           // "delivered" | "retrying" | "dead"
  int64_t next_attempt_at = 0;  // 0: none (NULL)
};

struct DeliveryAttemptRow {
  int attempt = 0;
  int status_code = 0;  // 0: no response
  int64_t duration_ms = 0;
  std::string error, response_body;
  int64_t at = 0;
};

struct DeliveryLog {
  std::string id, webhook_id, application_id, environment, event, event_id, topic, url, job_id;
  std::string status;   // "delivered" | "retrying" | "dead" | "pending" (re-queued)
  int status_code = 0;  // of the latest attempt; 0: no response
  bool success = false;
  int attempts = 0;  // the latest attempt's number
  int64_t duration_ms = 0;
  std::string error, response_body;
  int64_t next_attempt_at = 0, delivered_at = 0;  // 0: null
  int64_t created_at = 0, updated_at = 0;
  std::vector<DeliveryAttemptRow> history;  // every attempt, oldest first
};

struct LogQuery {
  std::string application_id, environment;  // required
  std::string event, webhook_id, status;    // optional filters ("" = any)
  int64_t before = 0;                       // cursor: only logs created before this (ms); 0 = newest
  std::string before_id;                    // with before: also logs created at `before` whose id sorts below this
  int limit = 100;                          // <= 0: 100; capped at 1000
};

class WebhookRepository {
 public:
  explicit WebhookRepository(Db& db) : db_(db) {}

  Status Insert(const WebhookEndpointRow& row);
  Result<std::optional<WebhookEndpointRow>> Get(const std::string& app, const std::string& env, const std::string& id);
  // Any scope (the delivery worker has only the id).
  Result<std::optional<WebhookEndpointRow>> GetById(const std::string& id);
  // The scope's endpoints, oldest first.
  Result<std::vector<WebhookEndpointRow>> List(const std::string& app, const std::string& env);
  // Every scope's active endpoints (the fan-out snapshot), oldest first.
  Result<std::vector<WebhookEndpointRow>> ListActive();
  // Sets active and updated_at; false when no such endpoint in the scope.
  Result<bool> SetActive(const std::string& app, const std::string& env, const std::string& id, bool active,
                         int64_t now);
  // false when no such endpoint in the scope. Its delivery logs stay.
  Result<bool> Delete(const std::string& app, const std::string& env, const std::string& id);
  // count : max(updated_at) : sum(updated_at) : sum(active), for cross-instance refresh.
  Result<std::string> Fingerprint();

  // In one transaction, for each attempt: upserts its delivery's summary row (created_at set on
  // insert only; a row already at a later attempt is left alone, so a late writer cannot roll a
  // delivery back) and inserts the attempt row (a repeated (delivery, attempt) is ignored: a
  // re-run after a crash does not fail the batch). The summary takes status, status_code,
  // success (status == "delivered"), attempts (= attempt), duration, error, response_body,
  // next_attempt_at, delivered_at (= at when delivered, else NULL), url, job_id, updated_at.
  Status RecordAttempts(const std::vector<DeliveryAttempt>& attempts);
  // The same inside a caller's transaction (the delivery worker writes the logs in the transaction
  // that completes the jobs: one commit per settled batch).
  static Status RecordAttemptsIn(DbSession& s, const std::vector<DeliveryAttempt>& attempts);
  // Newest first (created_at, then id, descending), each with its history (one extra query for
  // the page). kValidation when the scope is missing.
  Result<std::vector<DeliveryLog>> ListLogs(const LogQuery& query);
  Result<std::optional<DeliveryLog>> GetLog(const std::string& app, const std::string& env, const std::string& id);
  // status = 'pending', next_attempt_at = now; false when no such log in the scope. Attempts
  // recorded afterwards must continue the numbering (attempt > the log's attempts), or they are
  // ignored by RecordAttempts' ordering rule.
  Result<bool> MarkRequeued(const std::string& app, const std::string& env, const std::string& id, int64_t now);
  // Deletes delivery logs created before before_ms, with their attempts, in batches (one
  // transaction each); returns the number of delivery logs deleted.
  Result<int64_t> PruneLogs(int64_t before_ms);

 private:
  Result<std::vector<DeliveryLog>> WithHistory(Result<DbResult> logs);

  Db& db_;
};

}  // namespace rt::store
