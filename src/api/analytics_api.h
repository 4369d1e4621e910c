// GET /api/metrics/analytics?topic=&from=&to=&limit= (spec/28 "Analytics Worker",
// docs/monitoring.md "Analytics"): the analytics worker's per-topic window rows
// (monitor/analytics.h), summed over the instances:
//   {"window":"1m","data":[{"topic","window","count","startTime","endTime",
//     "bySource":{"database","sync","socket"},"latencyP50","latencyP95","latencyP99"}]}
// ordered by startTime, then topic; times ISO-8601 (UTC, ms); latency in ms, null for a window
// without a latency sample. from/to: ISO-8601 or ms since the epoch, the windows that start in
// [from, to); default the last 24 h. limit 1..10000 (default 1000): the newest rows of the range.
// Bad values: 400 ValidationError. Access: an admin token, or a session with metrics:read.
//
// The repository must outlive the router; the handler blocks on the database (blocking pool).
// Thread safety: the handler may run concurrently (the repository is thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "net/router.h"
#include "store/analytics_repository.h"

namespace rt::api {

// "2024-01-15", "2024-01-15T10:00:00Z", "2024-01-15T10:00:00.123+02:00" (no zone: UTC; a space
// stands for '+', as '+' arrives in a query string), or ms since the epoch ("1705312800000").
// nullopt when malformed or out of range.
std::optional<int64_t> ParseTimeMs(std::string_view text);

// window: the configured REALTIME_ANALYTICS_WINDOW (the response's "window").
void RegisterAnalyticsRoutes(net::Router& router, store::AnalyticsRepository& repo, std::chrono::seconds window);

}  // namespace rt::api
