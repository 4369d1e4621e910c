#include "api/dashboard_api.h"

#include "api/body.h"
#include "api/errors.h"
#include "core/duration.h"
#include "core/json.h"

namespace rt::api {
namespace {

// "90s", "15m", "1h" or seconds (core/duration.h); at most an hour. ValidationError otherwise.
Result<std::chrono::milliseconds> ParseWindow(const std::string* v) {
  if (!v || v->empty()) return std::chrono::milliseconds(3600 * 1000);
  auto seconds = ParseDurationSeconds(*v);
  if (!seconds || *seconds > 3600) return Error::Validation("window must be a duration up to 1h, e.g. 90s, 15m or 1h");
  return std::chrono::milliseconds(*seconds * 1000);
}

}  // namespace

void RegisterDashboardRoutes(net::Router& router, DashboardSource source) {
  auto access = net::Access::Need("admin", "metrics", "read");
  router.Add("GET", "/api/metrics/dashboard", access,
             [latest = source.latest](net::HttpRequest&) { return JsonResponse(200, json::Serialize(latest())); });
  router.Add("GET", "/api/metrics/hot-topics", access, [hot = source.hot_topics](net::HttpRequest& req) {
    auto limit = IntQuery(req, "limit", 10, 1, 100);
    if (!limit.ok()) return ErrorResponse(limit.error());
    return JsonResponse(200, json::Serialize(hot(static_cast<size_t>(*limit))));
  });
  router.Add("GET", "/api/metrics/history", access, [source](net::HttpRequest& req) {
    auto window = ParseWindow(req.Query("window"));
    if (!window.ok()) return ErrorResponse(window.error());
    boost::json::object out{{"tickMs", source.tick.count()},
                            {"windowMs", window->count()},
                            {"samples", source.history(*window)}};
    return JsonResponse(200, json::Serialize(out));
  });
}

}  // namespace rt::api
