#include "store/webhook_repository.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <map>

#include "core/json.h"

namespace rt::store {
namespace {

constexpr int kDefaultLogLimit = 100;
constexpr int kMaxLogLimit = 1000;
constexpr int kPruneBatch = 500;

constexpr const char* kEndpointColumns =
    "id, application_id, environment, url, secret, events, topics, active, signature_scheme, max_concurrency, "
    "ordering, description, created_at, updated_at";

constexpr const char* kLogColumns =
    "id, webhook_id, application_id, environment, event, event_id, topic, url, job_id, status, status_code, "
    "success, attempts, duration_ms, error, response_body, next_attempt_at, delivered_at, created_at, updated_at";

// The summary row of an attempt's delivery: inserted by the first attempt recorded, then
// replaced by each later one (never by an earlier one: attempts only move forward).
constexpr const char* kUpsertDelivery =
    "INSERT INTO webhook_deliveries (id, webhook_id, application_id, environment, event, event_id, topic, url, "
    "job_id, status, status_code, success, attempts, duration_ms, error, response_body, next_attempt_at, "
    "delivered_at, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19) "
    "ON CONFLICT (id) DO UPDATE SET url = excluded.url, job_id = excluded.job_id, status = excluded.status, "
    "status_code = excluded.status_code, success = excluded.success, attempts = excluded.attempts, "
    "duration_ms = excluded.duration_ms, error = excluded.error, response_body = excluded.response_body, "
    "next_attempt_at = excluded.next_attempt_at, delivered_at = excluded.delivered_at, "
    "updated_at = excluded.updated_at "
    "WHERE webhook_deliveries.attempts <= excluded.attempts";

constexpr const char* kInsertAttempt =
    "INSERT INTO webhook_attempts (delivery_id, attempt, status_code, duration_ms, error, response_body, at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (delivery_id, attempt) DO NOTHING";

DbValue NullIfZero(int64_t v) { return v == 0 ? DbValue() : DbValue(v); }

WebhookEndpointRow EndpointFromRow(const std::vector<DbValue>& row) {
  WebhookEndpointRow e;
  e.id = AsString(row[0]);
  e.application_id = AsString(row[1]);
  e.environment = AsString(row[2]);
  e.url = AsString(row[3]);
  e.secret = AsString(row[4]);
  e.events = StringListFromJson(row[5]);
  e.topics = StringListFromJson(row[6]);
  e.active = AsBool(row[7]);
  e.signature_scheme = AsString(row[8]);
  e.max_concurrency = static_cast<int>(AsInt(row[9]));
  e.ordering = AsString(row[10]);
  e.description = AsString(row[11]);
  e.created_at = AsInt(row[12]);
  e.updated_at = AsInt(row[13]);
  return e;
}

DeliveryLog LogFromRow(const std::vector<DbValue>& row) {
  DeliveryLog l;
  l.id = AsString(row[0]);
  l.webhook_id = AsString(row[1]);
  l.application_id = AsString(row[2]);
  l.environment = AsString(row[3]);
  l.event = AsString(row[4]);
  l.event_id = AsString(row[5]);
  l.topic = AsString(row[6]);
  l.url = AsString(row[7]);
  l.job_id = AsString(row[8]);
  l.status = AsString(row[9]);
  l.status_code = static_cast<int>(AsInt(row[10]));
  l.success = AsBool(row[11]);
  l.attempts = static_cast<int>(AsInt(row[12]));
  l.duration_ms = AsInt(row[13]);
  l.error = AsString(row[14]);
  l.response_body = AsString(row[15]);
  l.next_attempt_at = AsInt(row[16]);
  l.delivered_at = AsInt(row[17]);
  l.created_at = AsInt(row[18]);
  l.updated_at = AsInt(row[19]);
  return l;
}

Result<std::optional<WebhookEndpointRow>> FirstEndpoint(Result<DbResult> r) {
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return std::optional<WebhookEndpointRow>();
  return std::optional<WebhookEndpointRow>(EndpointFromRow(r->rows[0]));
}

Result<bool> Touched(Result<DbResult> r) {
  if (!r.ok()) return r.take_error();
  return r->affected_rows > 0;
}

// "$first, $first+1, ..., $first+n-1"
std::string Placeholders(size_t first, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += (i ? ", $" : "$") + std::to_string(first + i);
  return out;
}

}  // namespace

Status WebhookRepository::Insert(const WebhookEndpointRow& e) {
  auto r = db_.Exec(std::string("INSERT INTO webhook_endpoints (") + kEndpointColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                    {e.id, e.application_id, e.environment, e.url, e.secret, StringListToJson(e.events), StringListToJson(e.topics),
                     int64_t{e.active ? 1 : 0}, e.signature_scheme, int64_t{e.max_concurrency}, e.ordering,
                     e.description, e.created_at, e.updated_at});
  if (r.ok()) return Ok();
  switch (r.error().code) {
    case ErrorCode::kConflict:
      return Error::Conflict("Webhook already exists: " + e.id);
    case ErrorCode::kValidation:  // the foreign key: the application is gone
      return Error::NotFound("Application not found: " + e.application_id);
    default:
      return r.take_error();
  }
}

Result<std::optional<WebhookEndpointRow>> WebhookRepository::Get(const std::string& app, const std::string& env,
                                                                 const std::string& id) {
  return FirstEndpoint(
      db_.Exec(std::string("SELECT ") + kEndpointColumns +
                   " FROM webhook_endpoints WHERE application_id = $1 AND environment = $2 AND id = $3",
               {app, env, id}));
}

Result<std::optional<WebhookEndpointRow>> WebhookRepository::GetById(const std::string& id) {
  return FirstEndpoint(
      db_.Exec(std::string("SELECT ") + kEndpointColumns + " FROM webhook_endpoints WHERE id = $1", {id}));
}

Result<std::vector<WebhookEndpointRow>> WebhookRepository::List(const std::string& app, const std::string& env) {
  return MapRows(db_.Exec(std::string("SELECT ") + kEndpointColumns +
                              " FROM webhook_endpoints WHERE application_id = $1 AND environment = $2 "
                              "ORDER BY created_at, id",
                          {app, env}),
                 EndpointFromRow);
}

Result<std::vector<WebhookEndpointRow>> WebhookRepository::ListActive() {
  return MapRows(db_.Exec(std::string("SELECT ") + kEndpointColumns +
                          " FROM webhook_endpoints WHERE active = 1 ORDER BY created_at, id"),
                 EndpointFromRow);
}

Result<bool> WebhookRepository::SetActive(const std::string& app, const std::string& env, const std::string& id,
                                          bool active, int64_t now) {
  return Touched(
      db_.Exec("UPDATE webhook_endpoints SET active = $4, updated_at = $5 "
               "WHERE application_id = $1 AND environment = $2 AND id = $3",
               {app, env, id, int64_t{active ? 1 : 0}, now}));
}

Result<bool> WebhookRepository::Delete(const std::string& app, const std::string& env, const std::string& id) {
  return Touched(db_.Exec("DELETE FROM webhook_endpoints WHERE application_id = $1 AND environment = $2 AND id = $3",
                          {app, env, id}));
}

Result<std::string> WebhookRepository::Fingerprint() {
  // The sum catches an update of any row, also one whose new updated_at does not exceed the
  // newest row's; the active count catches a toggle within the same millisecond as the insert.
  auto r = db_.Exec(
      "SELECT COUNT(*), COALESCE(MAX(updated_at), 0), COALESCE(SUM(updated_at), 0), COALESCE(SUM(active), 0) "
      "FROM webhook_endpoints");
  if (!r.ok()) return r.take_error();
  const auto& row = r->rows[0];
  return AsString(row[0]) + ":" + AsString(row[1]) + ":" + AsString(row[2]) + ":" + AsString(row[3]);
}

Status WebhookRepository::RecordAttempts(const std::vector<DeliveryAttempt>& attempts) {
  if (attempts.empty()) return Ok();
  return db_.Transaction([&](DbSession& s) { return RecordAttemptsIn(s, attempts); });
}

Status WebhookRepository::RecordAttemptsIn(DbSession& s, const std::vector<DeliveryAttempt>& attempts) {
  {
    for (const auto& a : attempts) {
      const bool delivered = a.status == "delivered";
      RT_TRY(s.Exec(
          kUpsertDelivery,
          {a.delivery_id, a.webhook_id, a.application_id, a.environment, a.event, a.event_id, a.topic, a.url, a.job_id,
           a.status, NullIfZero(a.status_code), int64_t{delivered ? 1 : 0}, int64_t{a.attempt}, a.duration_ms, a.error,
           a.response_body, NullIfZero(a.next_attempt_at), delivered ? DbValue(a.at) : DbValue(), a.at}));
      RT_TRY(s.Exec(kInsertAttempt, {a.delivery_id, int64_t{a.attempt}, NullIfZero(a.status_code), a.duration_ms,
                                     a.error, a.response_body, a.at}));
    }
    return Ok();
  }
}

Result<std::vector<DeliveryLog>> WebhookRepository::WithHistory(Result<DbResult> rows) {
  auto logs = MapRows(std::move(rows), LogFromRow);
  if (!logs.ok() || logs->empty()) return logs;
  DbParams ids;
  std::map<std::string, DeliveryLog*> by_id;
  for (auto& l : *logs) {
    ids.emplace_back(l.id);
    by_id[l.id] = &l;
  }
  auto r = db_.Exec(
      "SELECT delivery_id, attempt, status_code, duration_ms, error, response_body, at FROM webhook_attempts "
      "WHERE delivery_id IN (" +
          Placeholders(1, ids.size()) + ") ORDER BY delivery_id, attempt",
      ids);
  if (!r.ok()) return r.take_error();
  for (const auto& row : r->rows) {
    auto it = by_id.find(AsString(row[0]));
    if (it == by_id.end()) continue;
    it->second->history.push_back({static_cast<int>(AsInt(row[1])), static_cast<int>(AsInt(row[2])), AsInt(row[3]),
                                   AsString(row[4]), AsString(row[5]), AsInt(row[6])});
  }
  return logs;
}

Result<std::vector<DeliveryLog>> WebhookRepository::ListLogs(const LogQuery& q) {
  if (q.application_id.empty() || q.environment.empty()) {
    return Error::Validation("Delivery logs are listed per application and environment");
  }
  std::string sql =
      std::string("SELECT ") + kLogColumns + " FROM webhook_deliveries WHERE application_id = $1 AND environment = $2";
  DbParams params{q.application_id, q.environment};
  auto filter = [&](const std::string& column, const std::string& value) {
    if (value.empty()) return;
    params.emplace_back(value);
    sql += " AND " + column + " = $" + std::to_string(params.size());
  };
  filter("event", q.event);
  filter("webhook_id", q.webhook_id);
  filter("status", q.status);
  if (q.before > 0) {
    params.emplace_back(q.before);
    const std::string b = "$" + std::to_string(params.size());
    if (q.before_id.empty()) {
      sql += " AND created_at < " + b;
    } else {
      params.emplace_back(q.before_id);
      sql +=
          " AND (created_at < " + b + " OR (created_at = " + b + " AND id < $" + std::to_string(params.size()) + "))";
    }
  }
  const int limit = q.limit <= 0 ? kDefaultLogLimit : std::min(q.limit, kMaxLogLimit);
  params.emplace_back(int64_t{limit});
  sql += " ORDER BY created_at DESC, id DESC LIMIT $" + std::to_string(params.size());
  return WithHistory(db_.Exec(sql, params));
}

Result<std::optional<DeliveryLog>> WebhookRepository::GetLog(const std::string& app, const std::string& env,
                                                             const std::string& id) {
  auto logs = WithHistory(db_.Exec(std::string("SELECT ") + kLogColumns +
                                       " FROM webhook_deliveries WHERE application_id = $1 AND environment = $2 "
                                       "AND id = $3",
                                   {app, env, id}));
  if (!logs.ok()) return logs.take_error();
  if (logs->empty()) return std::optional<DeliveryLog>();
  return std::optional<DeliveryLog>(std::move(logs->front()));
}

Result<bool> WebhookRepository::MarkRequeued(const std::string& app, const std::string& env, const std::string& id,
                                             int64_t now) {
  return Touched(
      db_.Exec("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $4, updated_at = $4 "
               "WHERE application_id = $1 AND environment = $2 AND id = $3",
               {app, env, id, now}));
}

Result<int64_t> WebhookRepository::PruneLogs(int64_t before_ms) {
  int64_t deleted = 0;
  for (;;) {
    auto batch = db_.Exec("SELECT id FROM webhook_deliveries WHERE created_at < $1 ORDER BY created_at LIMIT $2",
                          {before_ms, int64_t{kPruneBatch}});
    if (!batch.ok()) return batch.take_error();
    if (batch->rows.empty()) return deleted;
    DbParams ids;
    for (const auto& row : batch->rows) ids.push_back(row[0]);
    const std::string in = "(" + Placeholders(1, ids.size()) + ")";
    int64_t in_batch = 0;
    Status st = db_.Transaction([&](DbSession& s) -> Status {
      RT_TRY(s.Exec("DELETE FROM webhook_attempts WHERE delivery_id IN " + in, ids));
      auto r = s.Exec("DELETE FROM webhook_deliveries WHERE id IN " + in, ids);
      if (!r.ok()) return r.take_error();
      in_batch = r->affected_rows;
      return Ok();
    });
    if (!st.ok()) return st.take_error();
    deleted += in_batch;
    if (batch->rows.size() < static_cast<size_t>(kPruneBatch)) return deleted;
  }
}

}  // namespace rt::store
