// ClusterWindows: how the instances of a cluster see each other's dashboard windows
// (monitor/dashboard_window.h), so GET /api/metrics/dashboard and /hot-topics answer for the
// whole cluster. With Redis each instance writes its newest window as one field of the hash
// `realtime:metrics:windows` (field = instance id, value = the window's JSON) at every tick and
// reads the whole hash back; a window older than `max_age` belongs to an instance that stopped
// or stalls and is left out (and deleted once ten times that old). Without Redis (one process)
// the cluster is this instance.
//
// Failure: Redis being unreachable is logged once per outage and the answer falls back to this
// instance's window (the dashboard keeps working, scoped to one instance).
// Thread safety: Exchange and Leave may be called from any thread (the dashboard tick calls
// them). Lifetime: owns its Redis pool.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "broker/redis_pool.h"
#include "monitor/dashboard_window.h"

namespace rt::monitor {

class ClusterWindows {
 public:
  // pool may be null (no Redis).
  ClusterWindows(std::unique_ptr<broker::RedisPool> pool, std::chrono::milliseconds max_age);
  ~ClusterWindows();

  // Publishes `mine` and returns every fresh window of the cluster, `mine` included (first).
  std::vector<DashboardWindow> Exchange(const DashboardWindow& mine);
  // Removes this instance's window (graceful stop).
  void Leave(const std::string& instance);

  static constexpr const char* kKey = "realtime:metrics:windows";

 private:
  std::unique_ptr<broker::RedisPool> pool_;
  const std::chrono::milliseconds max_age_;
  bool down_ = false;  // Redis failed at the last exchange (logs once per outage); tick thread only
};

}  // namespace rt::monitor
