// GET /api/status (docs/monitoring.md "Service status"): what the Monitoring page shows — the
// platform database and Redis (probed now, with the probe's latency), the API server and worker
// instances (their heartbeats in `workers`), and the CDC readers (their state) — each
// `up|degraded|down` with a detail, and an overall status: down when the database is, degraded
// when anything else is not up.
//
// Thread safety: the handler runs on the blocking pool (the probes block); the sources must
// outlive the router.
#pragma once

#include <functional>
#include <vector>

#include <boost/json/value.hpp>

#include "api/auth.h"
#include "api/routes.h"
#include "net/router.h"
#include "store/worker_repository.h"

namespace rt::api {

void RegisterStatusRoutes(net::Router& router, std::vector<ReadinessCheck> probes, store::WorkerRepository& workers,
                          std::function<boost::json::value()> cdc_status);

}  // namespace rt::api
