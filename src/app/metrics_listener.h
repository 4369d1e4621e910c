// The Prometheus scrape on its own port (METRICS_PORT; docs/monitoring.md): an HttpServer with
// one I/O thread that answers GET /metrics and GET /api/metrics/prometheus with `scrape` and 404
// for everything else, so the API port need not expose metrics (and the scrape port need not
// expose the API). With METRICS_PORT set, the API port no longer serves the two paths.
//
// Ownership / lifetime: the returned server owns its thread; Shutdown it before whatever
// `scrape` uses is destroyed. Failure: kUnavailable when the port cannot be bound.
// Thread safety: `scrape` is called on the listener's I/O thread.
#pragma once

#include <functional>
#include <memory>

#include "core/config.h"
#include "core/result.h"
#include "net/http_server.h"

namespace rt::app {

using ScrapeHandler = std::function<net::HttpResponse(net::HttpRequest&)>;

Result<std::unique_ptr<net::HttpServer>> StartMetricsListener(const Config& config, ScrapeHandler scrape);

}  // namespace rt::app
