#include "store/analytics_repository.h"

#include <algorithm>

#include <boost/json/array.hpp>

#include "core/json.h"

namespace rt::store {
namespace {

constexpr const char* kColumns =
    "a.topic, a.window_start, a.window_end, a.instance, a.count, a.count_database, a.count_sync, a.count_socket, "
    "a.latency";

std::string LatencyToJson(const std::vector<int64_t>& buckets) {
  boost::json::array a;
  a.reserve(buckets.size());
  for (int64_t n : buckets) a.emplace_back(n);
  return json::Serialize(a);
}

// Lenient: anything but an array of numbers reads as [] (non-numbers and negatives as 0).
std::vector<int64_t> LatencyFromJson(const DbValue& v) {
  std::vector<int64_t> out;
  auto parsed = json::Parse(AsString(v));
  if (!parsed.ok() || !parsed->is_array()) return out;
  for (const auto& e : parsed->get_array()) {
    int64_t n = 0;
    if (e.is_int64()) n = e.as_int64();
    else if (e.is_uint64()) n = static_cast<int64_t>(e.as_uint64());
    else if (e.is_double()) n = static_cast<int64_t>(e.as_double());
    out.push_back(n > 0 ? n : 0);
  }
  return out;
}

AnalyticsRow FromRow(const std::vector<DbValue>& row) {
  AnalyticsRow r;
  r.topic = AsString(row[0]);
  r.window_start = AsInt(row[1]);
  r.window_end = AsInt(row[2]);
  r.instance = AsString(row[3]);
  r.count = AsInt(row[4]);
  r.count_database = AsInt(row[5]);
  r.count_sync = AsInt(row[6]);
  r.count_socket = AsInt(row[7]);
  r.latency = LatencyFromJson(row[8]);
  return r;
}

}  // namespace

void MergeLatency(std::vector<int64_t>& into, const std::vector<int64_t>& add) {
  if (into.size() < add.size()) into.resize(add.size(), 0);
  for (size_t i = 0; i < add.size(); ++i) into[i] += add[i];
}

Status AnalyticsRepository::Write(const std::vector<AnalyticsRow>& rows) {
  if (rows.empty()) return Ok();
  return db_.Transaction([&rows](DbSession& s) -> Status {
    for (const auto& r : rows) {
      auto res = s.Exec(
          "INSERT INTO analytics (topic, window_start, window_end, instance, count, count_database, count_sync, "
          "count_socket, latency) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
          "ON CONFLICT (topic, window_start, instance) DO UPDATE SET window_end = excluded.window_end, "
          "count = excluded.count, count_database = excluded.count_database, count_sync = excluded.count_sync, "
          "count_socket = excluded.count_socket, latency = excluded.latency",
          {r.topic, r.window_start, r.window_end, r.instance, r.count, r.count_database, r.count_sync, r.count_socket,
           LatencyToJson(r.latency)});
      if (!res.ok()) return res.take_error();
    }
    return Ok();
  });
}

Result<std::vector<AnalyticsRow>> AnalyticsRepository::Query(const std::optional<std::string>& topic, int64_t from_ms,
                                                             int64_t to_ms, int limit) {
  // The newest `limit` (topic, window_start) keys of the range, then every instance's row of them.
  std::string sql = std::string("SELECT ") + kColumns +
                    " FROM analytics a JOIN (SELECT topic, window_start FROM analytics "
                    "WHERE window_start >= $1 AND window_start < $2" +
                    (topic ? " AND topic = $4" : "") +
                    " GROUP BY topic, window_start ORDER BY window_start DESC, topic DESC LIMIT $3) k "
                    "ON a.topic = k.topic AND a.window_start = k.window_start "
                    "ORDER BY a.window_start, a.topic, a.instance";
  DbParams params{from_ms, to_ms, int64_t{limit}};
  if (topic) params.emplace_back(*topic);
  auto raw = MapRows(db_.Exec(sql, params), FromRow);
  if (!raw.ok()) return raw.take_error();
  std::vector<AnalyticsRow> out;
  for (auto& r : *raw) {
    if (!out.empty() && out.back().topic == r.topic && out.back().window_start == r.window_start) {
      AnalyticsRow& sum = out.back();
      sum.window_end = std::max(sum.window_end, r.window_end);
      sum.count += r.count;
      sum.count_database += r.count_database;
      sum.count_sync += r.count_sync;
      sum.count_socket += r.count_socket;
      MergeLatency(sum.latency, r.latency);
      continue;
    }
    r.instance.clear();
    out.push_back(std::move(r));
  }
  return out;
}

Result<int64_t> AnalyticsRepository::Prune(int64_t before_ms) {
  auto r = db_.Exec("DELETE FROM analytics WHERE window_start < $1", {before_ms});
  if (!r.ok()) return r.take_error();
  return r->affected_rows;
}

}  // namespace rt::store
