// Dashboard: the numbers of the spec's three operational dashboards (spec/26
// GET /api/metrics/dashboard: delivery, pipeline, reliability), computed by a tick every
// REALTIME_METRICS_TICK_MS (5 s) from this instance's counters: rates over the last tick, latency
// percentiles from the broadcast-latency histogram's growth over it (ms), gauges as read. The
// samples of the last hour stay in memory for GET /api/metrics/history?window=.
//
// Scope: this instance (a cluster-wide view summing every instance's snapshot over Redis is
// still to come — docs/monitoring.md).
// Ownership / lifetime: owns its thread; `read` must stay valid until Stop.
// Thread safety: Latest/History from any thread; Start/Stop from the owner's.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "events/event_metrics.h"

namespace rt::app {

// Cumulative counters and current gauges of the instance, read at each tick.
struct DashboardRaw {
  double events_in = 0, events_out = 0, connections_accepted = 0;  // counters
  double active_connections = 0;                                  // gauge
  std::array<uint64_t, events::LatencyHistogram::kBounds.size() + 1> latency{};  // per-bucket counters
  double cdc_lag_ms = 0, outbox_lag_ms = 0;                       // gauges (max over readers)
  double cdc_captured = 0, cdc_routed = 0, cdc_failed = 0;        // counters
  double schema_failures = 0;                                     // counter
  double queue_depth = 0, retrying = 0, dead = 0;                 // gauges
  double webhook_success = 0, webhook_failed = 0, webhook_dead = 0;  // counters
};

class Dashboard {
 public:
  Dashboard(std::function<DashboardRaw()> read, std::chrono::milliseconds tick);
  ~Dashboard();
  void Start();
  void Stop();

  // {"delivery":{…},"pipeline":{…},"reliability":{…}} of the last tick (zeros before the first).
  boost::json::object Latest() const;
  // The samples of the last `window` (oldest first), each with "at" (ms).
  boost::json::array History(std::chrono::milliseconds window) const;
  std::chrono::milliseconds tick() const { return tick_; }

  // One sample from two readings `seconds` apart (exposed for unit tests).
  static boost::json::object Compute(const DashboardRaw& prev, const DashboardRaw& cur, double seconds);
  // The q-quantile (0..1) in ms of histogram bucket counts, interpolated within the bucket.
  static double QuantileMs(const std::array<uint64_t, events::LatencyHistogram::kBounds.size() + 1>& buckets, double q);

 private:
  void Run();

  const std::function<DashboardRaw()> read_;
  const std::chrono::milliseconds tick_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                                     // guarded by mu_
  std::deque<std::pair<int64_t, boost::json::object>> samples_;  // (at ms, sample); guarded by mu_
  std::thread thread_;
};

}  // namespace rt::app
