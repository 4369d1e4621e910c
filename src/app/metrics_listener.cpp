#include "app/metrics_listener.h"

#include "api/errors.h"
#include "core/log.h"

namespace rt::app {

Result<std::unique_ptr<net::HttpServer>> StartMetricsListener(const Config& config, ScrapeHandler scrape) {
  net::HttpServerOptions o;
  o.host = config.host;
  o.port = config.metrics_port;
  o.threads = 1;
  o.max_body_bytes = 4096;
  o.read_timeout = std::chrono::milliseconds(config.read_timeout_ms);
  auto server = std::make_unique<net::HttpServer>(o, [scrape = std::move(scrape)](net::HttpRequest&& req,
                                                                                   net::Responder respond) {
    if (req.path != "/metrics" && req.path != "/api/metrics/prometheus")
      return respond(api::ErrorResponse(Error::NotFound("Only /metrics and /api/metrics/prometheus are served here")));
    if (req.method != "GET" && req.method != "HEAD") {
      auto r = api::ErrorResponse(Error{ErrorCode::kMethodNotAllowed, "The metrics are read with GET", nullptr});
      r.headers.emplace_back("allow", "GET, HEAD");
      return respond(std::move(r));
    }
    respond(scrape(req));
  });
  RT_TRY(server->Start());
  log::Info("metrics listening", {{"host", config.host}, {"port", server->port()}});
  return server;
}

}  // namespace rt::app
