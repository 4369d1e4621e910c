#include "store/cdc_repository.h"

#include <algorithm>

#include "core/ids.h"

namespace rt::store {
namespace {

constexpr int kDefaultEventLimit = 100;
constexpr int kMaxEventLimit = 1000;
constexpr int kPruneBatch = 500;

constexpr const char* kMappingColumns =
    "id, application_id, environment, table_name, topic, definition, version, active, created_at, updated_at";
constexpr const char* kSubscriptionColumns =
    "id, application_id, environment, mapping_id, active, created_at, updated_at";
constexpr const char* kEventColumns =
    "id, event_id, application_id, environment, mapping_id, table_name, operation, topic, status, error, lsn, "
    "created_at";

constexpr const char* kUpsertVersion =
    "INSERT INTO cdc_mapping_versions (mapping_id, application_id, environment, version, definition, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (mapping_id, environment, version) DO UPDATE SET "
    "definition = excluded.definition, created_at = excluded.created_at";

MappingRow MappingFromRow(const std::vector<DbValue>& row) {
  MappingRow m;
  m.id = AsString(row[0]);
  m.application_id = AsString(row[1]);
  m.environment = AsString(row[2]);
  m.table = AsString(row[3]);
  m.topic = AsString(row[4]);
  m.definition = AsString(row[5]);
  m.version = AsInt(row[6]);
  m.active = AsBool(row[7]);
  m.created_at = AsInt(row[8]);
  m.updated_at = AsInt(row[9]);
  return m;
}

CdcSubscriptionRow SubscriptionFromRow(const std::vector<DbValue>& row) {
  return {AsString(row[0]), AsString(row[1]), AsString(row[2]), AsString(row[3]),
          AsBool(row[4]),   AsInt(row[5]),    AsInt(row[6])};
}

CdcEventRow EventFromRow(const std::vector<DbValue>& row) {
  CdcEventRow e;
  e.id = AsString(row[0]);
  e.event_id = AsString(row[1]);
  e.application_id = AsString(row[2]);
  e.environment = AsString(row[3]);
  e.mapping_id = AsString(row[4]);
  e.table = AsString(row[5]);
  e.operation = AsString(row[6]);
  e.topic = AsString(row[7]);
  e.status = AsString(row[8]);
  e.error = AsString(row[9]);
  e.lsn = AsString(row[10]);
  e.at = AsInt(row[11]);
  return e;
}

template <typename T, typename FromRow>
Result<std::optional<T>> First(Result<DbResult> r, FromRow from_row) {
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return std::optional<T>();
  return std::optional<T>(from_row(r->rows[0]));
}

Result<bool> Touched(Result<DbResult> r) {
  if (!r.ok()) return r.take_error();
  return r->affected_rows > 0;
}

Status InsertError(Error e, const std::string& what, const std::string& app) {
  switch (e.code) {
    case ErrorCode::kConflict:
      return Error::Conflict(what + " already exists");
    case ErrorCode::kValidation:  // the foreign key: the application is gone
      return Error::NotFound("Application not found: " + app);
    default:
      return e;
  }
}

Status PutVersion(DbSession& s, const MappingRow& m) {
  auto r = s.Exec(kUpsertVersion, {m.id, m.application_id, m.environment, m.version, m.definition, m.updated_at});
  if (!r.ok()) return r.take_error();
  return Ok();
}

std::string Placeholders(size_t first, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += (i ? ", $" : "$") + std::to_string(first + i);
  return out;
}

}  // namespace

Status CdcRepository::InsertMapping(const MappingRow& m) {
  Status st = db_.Transaction([&](DbSession& s) -> Status {
    RT_TRY(s.Exec(std::string("INSERT INTO cdc_mappings (") + kMappingColumns +
                      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                  {m.id, m.application_id, m.environment, m.table, m.topic, m.definition, m.version,
                   int64_t{m.active ? 1 : 0}, m.created_at, m.updated_at}));
    return PutVersion(s, m);
  });
  if (st.ok()) return st;
  return InsertError(st.take_error(), "Mapping " + m.id + " in " + m.environment, m.application_id);
}

Result<std::optional<MappingRow>> CdcRepository::GetMapping(const std::string& app, const std::string& env,
                                                            const std::string& id) {
  return First<MappingRow>(db_.Exec(std::string("SELECT ") + kMappingColumns +
                                        " FROM cdc_mappings WHERE application_id = $1 AND environment = $2 AND id = $3",
                                    {app, env, id}),
                           MappingFromRow);
}

Result<std::vector<MappingRow>> CdcRepository::ListMappings(const std::string& app, const std::string& env) {
  return MapRows(db_.Exec(std::string("SELECT ") + kMappingColumns +
                              " FROM cdc_mappings WHERE application_id = $1 AND environment = $2 "
                              "ORDER BY created_at, id",
                          {app, env}),
                 MappingFromRow);
}

Result<std::vector<MappingRow>> CdcRepository::ListMappingsByTopic(const std::string& app, const std::string& env,
                                                                   const std::string& topic) {
  return MapRows(db_.Exec(std::string("SELECT ") + kMappingColumns +
                              " FROM cdc_mappings WHERE application_id = $1 AND environment = $2 AND topic = $3 "
                              "ORDER BY created_at, id",
                          {app, env, topic}),
                 MappingFromRow);
}

Result<std::vector<MappingRow>> CdcRepository::ListApplicationMappings(const std::string& app) {
  return MapRows(db_.Exec(std::string("SELECT ") + kMappingColumns +
                              " FROM cdc_mappings WHERE application_id = $1 ORDER BY created_at, id, environment",
                          {app}),
                 MappingFromRow);
}

Result<bool> CdcRepository::UpdateMapping(const MappingRow& m, int64_t expected_version) {
  bool updated = false;
  Status st = db_.Transaction([&](DbSession& s) -> Status {
    auto r = s.Exec(
        "UPDATE cdc_mappings SET table_name = $4, topic = $5, definition = $6, version = $7, active = $8, "
        "updated_at = $9 WHERE application_id = $1 AND environment = $2 AND id = $3 AND version = $10",
        {m.application_id, m.environment, m.id, m.table, m.topic, m.definition, m.version, int64_t{m.active ? 1 : 0},
         m.updated_at, expected_version});
    if (!r.ok()) return r.take_error();
    updated = r->affected_rows > 0;
    return updated ? PutVersion(s, m) : Ok();
  });
  if (!st.ok()) return st.take_error();
  return updated;
}

Status CdcRepository::PutMapping(const MappingRow& m) {
  Status st = db_.Transaction([&](DbSession& s) -> Status {
    auto r = s.Exec(std::string("INSERT INTO cdc_mappings (") + kMappingColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id, environment) DO UPDATE "
                        "SET table_name = excluded.table_name, topic = excluded.topic, definition = "
                        "excluded.definition, version = excluded.version, active = excluded.active, updated_at = "
                        "excluded.updated_at WHERE cdc_mappings.application_id = excluded.application_id",
                    {m.id, m.application_id, m.environment, m.table, m.topic, m.definition, m.version,
                     int64_t{m.active ? 1 : 0}, m.created_at, m.updated_at});
    if (!r.ok()) return r.take_error();
    if (r->affected_rows == 0) return Error::Conflict("taken by another application");
    return PutVersion(s, m);
  });
  if (st.ok()) return st;
  return InsertError(st.take_error(), "Mapping " + m.id + " in " + m.environment, m.application_id);
}

Result<bool> CdcRepository::DeleteMapping(const std::string& app, const std::string& env, const std::string& id) {
  bool deleted = false;
  Status st = db_.Transaction([&](DbSession& s) -> Status {
    auto r = s.Exec("DELETE FROM cdc_mappings WHERE application_id = $1 AND environment = $2 AND id = $3",
                    {app, env, id});
    if (!r.ok()) return r.take_error();
    deleted = r->affected_rows > 0;
    RT_TRY(s.Exec("DELETE FROM cdc_mapping_versions WHERE application_id = $1 AND environment = $2 AND mapping_id = $3",
                  {app, env, id}));
    RT_TRY(s.Exec("DELETE FROM cdc_subscriptions WHERE application_id = $1 AND environment = $2 AND mapping_id = $3",
                  {app, env, id}));
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  return deleted;
}

Result<std::vector<MappingVersionRow>> CdcRepository::ListVersions(const std::string& app, const std::string& env,
                                                                   const std::string& id) {
  return MapRows(db_.Exec("SELECT mapping_id, application_id, environment, version, definition, created_at "
                          "FROM cdc_mapping_versions WHERE application_id = $1 AND environment = $2 AND "
                          "mapping_id = $3 ORDER BY version",
                          {app, env, id}),
                 [](const std::vector<DbValue>& row) {
                   return MappingVersionRow{AsString(row[0]), AsString(row[1]), AsString(row[2]),
                                            AsInt(row[3]),    AsString(row[4]), AsInt(row[5])};
                 });
}

Status CdcRepository::InsertSubscription(const CdcSubscriptionRow& sub) {
  auto r = db_.Exec(std::string("INSERT INTO cdc_subscriptions (") + kSubscriptionColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    {sub.id, sub.application_id, sub.environment, sub.mapping_id, int64_t{sub.active ? 1 : 0},
                     sub.created_at, sub.updated_at});
  if (r.ok()) return Ok();
  return InsertError(r.take_error(), "A subscription to mapping " + sub.mapping_id, sub.application_id);
}

Result<std::optional<CdcSubscriptionRow>> CdcRepository::GetSubscription(const std::string& app,
                                                                         const std::string& env,
                                                                         const std::string& id) {
  return First<CdcSubscriptionRow>(
      db_.Exec(std::string("SELECT ") + kSubscriptionColumns +
                   " FROM cdc_subscriptions WHERE application_id = $1 AND environment = $2 AND id = $3",
               {app, env, id}),
      SubscriptionFromRow);
}

Result<std::vector<CdcSubscriptionRow>> CdcRepository::ListSubscriptions(const std::string& app,
                                                                         const std::string& env) {
  return MapRows(db_.Exec(std::string("SELECT ") + kSubscriptionColumns +
                              " FROM cdc_subscriptions WHERE application_id = $1 AND environment = $2 "
                              "ORDER BY created_at, id",
                          {app, env}),
                 SubscriptionFromRow);
}

Result<bool> CdcRepository::SetSubscriptionActive(const std::string& app, const std::string& env,
                                                  const std::string& id, bool active, int64_t now) {
  return Touched(
      db_.Exec("UPDATE cdc_subscriptions SET active = $4, updated_at = $5 "
               "WHERE application_id = $1 AND environment = $2 AND id = $3",
               {app, env, id, int64_t{active ? 1 : 0}, now}));
}

Result<std::vector<MappingRow>> CdcRepository::CapturedMappings() {
  constexpr const char* kSame =
      "s.mapping_id = m.id AND s.environment = m.environment AND s.application_id = m.application_id";
  return MapRows(
      db_.Exec(std::string("SELECT ") + kMappingColumns + " FROM cdc_mappings m WHERE m.active = 1 AND (" +
               "NOT EXISTS (SELECT 1 FROM cdc_subscriptions s WHERE " + kSame + ") OR " +
               "EXISTS (SELECT 1 FROM cdc_subscriptions s WHERE " + kSame + " AND s.active = 1)) " +
               "ORDER BY m.application_id, m.environment, m.created_at, m.id"),
      MappingFromRow);
}

Result<std::string> CdcRepository::Fingerprint() {
  auto r = db_.Exec(
      "SELECT (SELECT COUNT(*) FROM cdc_mappings), (SELECT COALESCE(SUM(updated_at), 0) FROM cdc_mappings), "
      "(SELECT COALESCE(SUM(version), 0) FROM cdc_mappings), (SELECT COALESCE(SUM(active), 0) FROM cdc_mappings), "
      "(SELECT COUNT(*) FROM cdc_subscriptions), (SELECT COALESCE(SUM(updated_at), 0) FROM cdc_subscriptions), "
      "(SELECT COALESCE(SUM(active), 0) FROM cdc_subscriptions)");
  if (!r.ok()) return r.take_error();
  std::string out;
  for (const auto& v : r->rows[0]) out += (out.empty() ? "" : ":") + AsString(v);
  return out;
}

Status CdcRepository::RecordEvents(const std::vector<CdcEventRow>& events) {
  if (events.empty()) return Ok();
  return db_.Transaction([&](DbSession& s) -> Status {
    for (const auto& e : events) {
      RT_TRY(s.Exec(std::string("INSERT INTO cdc_events (") + kEventColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING",
                    {!e.id.empty() ? e.id : e.event_id.size() > 4 ? "log_" + e.event_id.substr(4) : NewId("log"), e.event_id, e.application_id, e.environment, e.mapping_id,
                     e.table, e.operation, e.topic, e.status, e.error, e.lsn, e.at}));
    }
    return Ok();
  });
}

Status CdcRepository::RecordTransaction(const std::vector<CdcEventRow>& events, const std::string& target,
                                        int64_t commit_lsn) {
  return db_.Transaction([&](DbSession& s) -> Status {
    for (const auto& e : events) {
      RT_TRY(s.Exec(std::string("INSERT INTO cdc_events (") + kEventColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING",
                    {!e.id.empty() ? e.id : e.event_id.size() > 4 ? "log_" + e.event_id.substr(4) : NewId("log"), e.event_id, e.application_id, e.environment, e.mapping_id,
                     e.table, e.operation, e.topic, e.status, e.error, e.lsn, e.at}));
    }
    if (commit_lsn <= 0) return Ok();
    RT_TRY(s.Exec("INSERT INTO cdc_reader_positions (target, routed_lsn, updated_at) VALUES ($1, $2, $3) "
                  "ON CONFLICT (target) DO UPDATE SET routed_lsn = excluded.routed_lsn, updated_at = excluded.updated_at "
                  "WHERE cdc_reader_positions.routed_lsn < excluded.routed_lsn",
                  {target, commit_lsn, NowMs()}));
    return Ok();
  });
}

Result<int64_t> CdcRepository::RoutedPosition(const std::string& target) {
  auto r = db_.Exec("SELECT routed_lsn FROM cdc_reader_positions WHERE target = $1", {target});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return int64_t{0};
  return AsInt(r->rows[0][0]);
}

Result<std::vector<CdcEventRow>> CdcRepository::ListEvents(const CdcEventQuery& q) {
  if (q.application_id.empty() || q.environment.empty())
    return Error::Validation("CDC events are listed per application and environment");
  std::string sql =
      std::string("SELECT ") + kEventColumns + " FROM cdc_events WHERE application_id = $1 AND environment = $2";
  DbParams params{q.application_id, q.environment};
  auto filter = [&](const char* column, const std::string& value) {
    if (value.empty()) return;
    params.emplace_back(value);
    sql += std::string(" AND ") + column + " = $" + std::to_string(params.size());
  };
  filter("operation", q.operation);
  filter("mapping_id", q.mapping_id);
  filter("status", q.status);
  if (q.before > 0) {
    params.emplace_back(q.before);
    sql += " AND created_at < $" + std::to_string(params.size());
  }
  const int limit = q.limit <= 0 ? kDefaultEventLimit : std::min(q.limit, kMaxEventLimit);
  params.emplace_back(int64_t{limit});
  sql += " ORDER BY created_at DESC, id DESC LIMIT $" + std::to_string(params.size());
  return MapRows(db_.Exec(sql, params), EventFromRow);
}

Result<int64_t> CdcRepository::DeleteEventsWhere(const std::string& condition, const DbParams& params) {
  int64_t deleted = 0;
  const std::string limit = "$" + std::to_string(params.size() + 1);
  DbParams select = params;
  select.emplace_back(int64_t{kPruneBatch});
  for (;;) {
    auto batch =
        db_.Exec("SELECT id FROM cdc_events WHERE " + condition + " ORDER BY created_at, id LIMIT " + limit, select);
    if (!batch.ok()) return batch.take_error();
    if (batch->rows.empty()) return deleted;
    DbParams ids;
    for (const auto& row : batch->rows) ids.push_back(row[0]);
    auto r = db_.Exec("DELETE FROM cdc_events WHERE id IN (" + Placeholders(1, ids.size()) + ")", ids);
    if (!r.ok()) return r.take_error();
    deleted += r->affected_rows;
    if (batch->rows.size() < static_cast<size_t>(kPruneBatch)) return deleted;
  }
}

Result<int64_t> CdcRepository::PruneEvents(int64_t before_ms, int64_t max_rows) {
  auto old = DeleteEventsWhere("created_at < $1", {before_ms});
  if (!old.ok() || max_rows <= 0) return old;
  // The newest event beyond the cap: it and everything older goes.
  auto edge = db_.Exec("SELECT created_at, id FROM cdc_events ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET $1",
                       {max_rows});
  if (!edge.ok()) return edge.take_error();
  if (edge->rows.empty()) return old;
  auto over = DeleteEventsWhere("(created_at < $1 OR (created_at = $1 AND id <= $2))",
                                {AsInt(edge->rows[0][0]), AsString(edge->rows[0][1])});
  if (!over.ok()) return over.take_error();
  return *old + *over;
}

}  // namespace rt::store
