// DashboardWindow: one instance's numbers over one dashboard tick (spec/26 GET
// /api/metrics/dashboard, GET /api/metrics/hot-topics), in a form that merges across instances:
// rates and window counts add up, lags are the maximum, the shared job queue's gauges (every
// instance reads the same table) are the maximum, latency histograms add bucket by bucket, and
// per-topic rows add by topic. Render turns a (merged) window into the spec's JSON.
//
// Pure values and functions; thread-safe as values are.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "events/event_metrics.h"
#include "monitor/percentiles.h"

namespace rt::monitor {

// Cumulative counters and current gauges of an instance, read at each tick.
struct DashboardRaw {
  double events_in = 0, events_out = 0, connections_accepted = 0;  // counters
  double active_connections = 0;                                  // gauge
  LatencyBuckets latency{};                                       // per-bucket counters
  double cdc_lag_ms = 0, outbox_lag_ms = 0;                       // gauges (max over readers)
  double cdc_captured = 0, cdc_routed = 0, cdc_failed = 0;        // counters
  double schema_failures = 0;                                     // counter
  double queue_depth = 0, retrying = 0, dead = 0;                 // gauges
  double webhook_success = 0, webhook_failed = 0, webhook_dead = 0;  // counters
  std::vector<events::TopicCounters::TopicRow> topics;             // per topic (cumulative)
};

struct TopicWindow {
  std::string topic;
  double events_per_sec = 0;
  int64_t subscribers = 0;
  LatencyBuckets latency{};
};

struct DashboardWindow {
  std::string instance;
  std::string kind;  // "serve" | "worker"
  int64_t at = 0;    // ms since epoch, end of the window
  double events_in = 0, events_out = 0, accepted = 0, captured = 0, routed = 0;  // per second
  double active_connections = 0;
  double cdc_lag_ms = 0, outbox_lag_ms = 0;
  double mapping_failures = 0, schema_failures = 0;  // counts in the window
  double queue_depth = 0, retrying = 0, dead = 0;
  double webhook_success = 0, webhook_failed = 0;  // attempts in the window (dead-lettered count as failed)
  LatencyBuckets latency{};
  std::vector<TopicWindow> topics;  // topics with traffic or subscribers, busiest first
};

// Per-instance cap of topic rows carried in a window (the busiest).
inline constexpr size_t kWindowTopics = 100;

// The window between two readings `seconds` apart.
DashboardWindow ComputeWindow(const DashboardRaw& prev, const DashboardRaw& cur, double seconds);
// Several instances' windows as one (instance = "cluster", at = the newest).
DashboardWindow MergeWindows(const std::vector<DashboardWindow>& windows);
// {"delivery":{…},"pipeline":{…},"reliability":{…}} with the spec's fields (latencies in ms).
boost::json::object RenderDashboard(const DashboardWindow& w);
// [{topic, eventsPerSec, subscriberCount, p95FanoutLatency}] busiest first, at most `limit`.
boost::json::array RenderHotTopics(const DashboardWindow& w, size_t limit);
// The exchange format between instances (and back; false for a malformed value).
boost::json::object WindowToJson(const DashboardWindow& w);
bool WindowFromJson(const boost::json::value& v, DashboardWindow* out);

}  // namespace rt::monitor
