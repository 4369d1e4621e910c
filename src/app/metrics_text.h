// The Prometheus text exposition (format 0.0.4) of the realtime path's counters, served at
// GET /api/metrics/prometheus (spec/17, spec/26). Names follow spec/26 where it names them.
// prometheus-cpp is not packaged for Debian 12, so the few lines of the text format are written
// here directly (see the closing note of the performance issue / DESIGN.md §2).
#pragma once

#include <string>

#include "app/cdc_module.h"
#include "app/dashboard.h"
#include "app/realtime_core.h"
#include "app/workers_module.h"
#include "core/thread_pool.h"
#include "net/http_server.h"

namespace rt::app {

// blocking: the REST blocking pool (queue depth and refusals), when given; workers: the queue
// gauges and webhook counters, when given.
std::string RenderMetrics(RealtimeCore& core, net::HttpServer& server, const ThreadPool* blocking = nullptr,
                          const WorkersModule* workers = nullptr);

// The instance's counters and gauges for the dashboard tick (app/dashboard.h).
DashboardRaw ReadDashboard(RealtimeCore& core, net::HttpServer& server, const CdcModule& cdc, Platform& platform,
                           const WorkersModule* workers);
// The same for `realtime worker`: its router (database events), CDC readers and deliveries.
DashboardRaw ReadWorkerDashboard(events::EventRouter& router, const CdcModule& cdc, Platform& platform,
                                 const WorkersModule* workers);

}  // namespace rt::app
