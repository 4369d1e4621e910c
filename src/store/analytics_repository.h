// AnalyticsRepository: the `analytics` table of migration 0010_monitoring, written by the
// analytics worker (monitor/analytics.h) and read by GET /api/metrics/analytics.
//
// Each process writes its own rows, one per (topic, window start, instance): the events its
// router accepted on the topic in that window, by source, and the fan-out latency histogram's
// bucket counts observed on it. Query sums the instances of a (topic, window start) and merges
// their latency buckets.
//
// Failure: kUnavailable when the database is down; Write is one transaction (all rows or none).
// Thread safety: as the Db it wraps (safe from any thread; blocking).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace rt::store {

struct AnalyticsRow {
  std::string topic;
  int64_t window_start = 0, window_end = 0;  // ms since epoch; [start, end)
  std::string instance;                       // "" in Query results (summed over instances)
  int64_t count = 0;                          // count_database + count_sync + count_socket
  int64_t count_database = 0, count_sync = 0, count_socket = 0;
  std::vector<int64_t> latency;  // per-bucket (not cumulative) counts; [] = no sample

  bool operator==(const AnalyticsRow&) const = default;
};

// Element-wise into += add; into grows to add's length (a histogram with more buckets).
void MergeLatency(std::vector<int64_t>& into, const std::vector<int64_t>& add);

class AnalyticsRepository {
 public:
  explicit AnalyticsRepository(Db& db) : db_(db) {}

  // Inserts the rows, replacing any with the same (topic, window_start, instance): writing the
  // same rows again (a retry after an unclear failure) changes nothing. One transaction.
  Status Write(const std::vector<AnalyticsRow>& rows);

  // The (topic, window) rows whose window starts in [from_ms, to_ms), of one topic or of all
  // (nullopt), summed over instances (window_end: the largest). At most `limit` rows: the newest
  // ones, returned oldest first (window_start, then topic).
  Result<std::vector<AnalyticsRow>> Query(const std::optional<std::string>& topic, int64_t from_ms, int64_t to_ms,
                                          int limit);

  // Deletes the rows whose window starts before before_ms; returns how many.
  Result<int64_t> Prune(int64_t before_ms);

 private:
  Db& db_;
};

}  // namespace rt::store
