#include "store/trace_repository.h"

namespace rt::store {
namespace {

constexpr const char* kColumns =
    "trace_id, instance, event_id, application_id, environment, topic, source, type, payload, timestamp, remote, "
    "subscriber_count, delivered_count, filtered_count, schema_version, decisions";

TraceRow FromRow(const std::vector<DbValue>& row) {
  TraceRow t;
  t.trace_id = AsString(row[0]);
  t.instance = AsString(row[1]);
  t.event_id = AsString(row[2]);
  t.application_id = AsString(row[3]);
  t.environment = AsString(row[4]);
  t.topic = AsString(row[5]);
  t.source = AsString(row[6]);
  t.type = AsString(row[7]);
  t.payload = AsString(row[8]);
  t.timestamp = AsInt(row[9]);
  t.remote = AsBool(row[10]);
  t.subscriber_count = AsInt(row[11]);
  t.delivered_count = AsInt(row[12]);
  t.filtered_count = AsInt(row[13]);
  t.schema_version = AsInt(row[14]);
  t.decisions = AsString(row[15]);
  return t;
}

}  // namespace

std::string TraceIdFor(const std::string& event_id) {
  std::string_view id = event_id;
  if (id.starts_with("evt_")) id.remove_prefix(4);
  return "trace_" + std::string(id);
}

Status TraceRepository::WriteBatch(const std::vector<TraceRow>& rows) {
  if (rows.empty()) return Ok();
  return db_.Transaction([&rows](DbSession& s) -> Status {
    for (const auto& t : rows) {
      auto r = s.Exec(
          std::string("INSERT INTO event_traces (") + kColumns +
              ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
              "ON CONFLICT (trace_id, instance) DO UPDATE SET remote = excluded.remote, "
              "subscriber_count = excluded.subscriber_count, delivered_count = excluded.delivered_count, "
              "filtered_count = excluded.filtered_count, schema_version = excluded.schema_version, "
              "decisions = excluded.decisions",
          {t.trace_id, t.instance, t.event_id, t.application_id, t.environment, t.topic, t.source, t.type, t.payload,
           t.timestamp, int64_t{t.remote ? 1 : 0}, t.subscriber_count, t.delivered_count, t.filtered_count,
           t.schema_version, t.decisions});
      if (!r.ok()) return r.take_error();
    }
    return Ok();
  });
}

Result<std::vector<TraceRow>> TraceRepository::List(const TraceQuery& q) {
  // Every row of a trace has the same event fields: MIN picks them; the counts add up.
  std::string sql =
      "SELECT trace_id, '', MIN(event_id), MIN(application_id), MIN(environment), MIN(topic), MIN(source), "
      "MIN(type), MIN(payload), MIN(timestamp), 0, SUM(subscriber_count), SUM(delivered_count), "
      "SUM(filtered_count), MAX(schema_version), '{}' FROM event_traces WHERE application_id = $1 AND environment = $2";
  DbParams params{q.application_id, q.environment, int64_t{q.limit}, int64_t{q.offset}};
  if (q.topic) {
    params.emplace_back(*q.topic);
    sql += " AND topic = $" + std::to_string(params.size());
  }
  if (q.source) {
    params.emplace_back(*q.source);
    sql += " AND source = $" + std::to_string(params.size());
  }
  sql += " GROUP BY trace_id, timestamp ORDER BY timestamp DESC, trace_id DESC LIMIT $3 OFFSET $4";
  return MapRows(db_.Exec(sql, params), FromRow);
}

Result<std::vector<TraceRow>> TraceRepository::Get(const std::string& application_id, const std::string& environment,
                                                   const std::string& trace_id) {
  return MapRows(db_.Exec(std::string("SELECT ") + kColumns +
                              " FROM event_traces WHERE trace_id = $1 AND application_id = $2 AND environment = $3 "
                              "ORDER BY instance",
                          {trace_id, application_id, environment}),
                 FromRow);
}

Result<int64_t> TraceRepository::Prune(int64_t before_ms, int64_t max_traces) {
  auto old = db_.Exec("DELETE FROM event_traces WHERE timestamp < $1", {before_ms});
  if (!old.ok()) return old.take_error();
  int64_t deleted = old->affected_rows;
  // The newest trace past the cap, then it and everything older.
  auto cut = db_.Exec(
      "SELECT timestamp, trace_id FROM (SELECT DISTINCT timestamp, trace_id FROM event_traces) k "
      "ORDER BY timestamp DESC, trace_id DESC LIMIT 1 OFFSET $1",
      {max_traces < 0 ? int64_t{0} : max_traces});
  if (!cut.ok()) return cut.take_error();
  if (cut->empty()) return deleted;
  auto over = db_.Exec("DELETE FROM event_traces WHERE timestamp < $1 OR (timestamp = $1 AND trace_id <= $2)",
                       {AsInt(cut->rows[0][0]), AsString(cut->rows[0][1])});
  if (!over.ok()) return over.take_error();
  return deleted + over->affected_rows;
}

}  // namespace rt::store
