// Dashboard: the numbers of the spec's three operational dashboards (spec/26
// GET /api/metrics/dashboard: delivery, pipeline, reliability) and of GET
// /api/metrics/hot-topics, computed by a tick every REALTIME_METRICS_TICK_MS (5 s): this
// instance's window (rates over the tick, gauges as read, the latency histogram's growth;
// monitor/dashboard_window.h) is published to the cluster and merged with every other
// instance's (monitor/cluster_windows.h; with REDIS_URL), so the answers are cluster-wide and
// list the instances. The merged samples of the last hour stay in memory for
// GET /api/metrics/history?window=.
//
// `realtime worker` runs one too (publish only), so its CDC readers and deliveries count.
//
// Ownership / lifetime: owns its thread and the exchange; `read` must stay valid until Stop.
// Thread safety: Latest/HotTopics/History from any thread; Start/Stop from the owner's.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "monitor/cluster_windows.h"
#include "monitor/dashboard_window.h"

namespace rt::app {

using DashboardRaw = monitor::DashboardRaw;

class Dashboard {
 public:
  // kind: "serve" | "worker" (listed with the instances).
  Dashboard(std::function<DashboardRaw()> read, std::chrono::milliseconds tick, std::string instance,
            std::string kind, std::unique_ptr<monitor::ClusterWindows> cluster);
  ~Dashboard();
  void Start();
  void Stop();

  // {"delivery":{…},"pipeline":{…},"reliability":{…},"instances":[…]} of the last tick (zeros
  // before the first), summed over the cluster.
  boost::json::object Latest() const;
  // The busiest topics of the last tick over the cluster (spec/26 hot topics), at most `limit`.
  boost::json::array HotTopics(size_t limit) const;
  // The samples of the last `window` (oldest first), each with "at" (ms).
  boost::json::array History(std::chrono::milliseconds window) const;
  std::chrono::milliseconds tick() const { return tick_; }

 private:
  void Run();
  void Record(std::vector<monitor::DashboardWindow> windows);

  const std::function<DashboardRaw()> read_;
  const std::chrono::milliseconds tick_;
  const std::string instance_, kind_;
  const std::unique_ptr<monitor::ClusterWindows> cluster_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                                     // guarded by mu_
  monitor::DashboardWindow merged_;                       // guarded by mu_: the last tick's
  boost::json::array instances_;                          // guarded by mu_: the last tick's
  std::deque<std::pair<int64_t, boost::json::object>> samples_;  // (at ms, rendered); guarded by mu_
  std::thread thread_;
};

// The exchange for this configuration: over Redis with REDIS_URL, else this instance only.
std::unique_ptr<monitor::ClusterWindows> MakeClusterWindows(const std::string& redis_url,
                                                            std::chrono::milliseconds tick);

}  // namespace rt::app
