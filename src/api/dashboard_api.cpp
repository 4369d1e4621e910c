#include "api/dashboard_api.h"

#include <charconv>

#include "api/errors.h"
#include "core/json.h"

namespace rt::api {
namespace {

// "90s", "15m", "1h" or milliseconds; at most an hour. ValidationError otherwise.
Result<std::chrono::milliseconds> ParseWindow(const std::string* v) {
  if (!v || v->empty()) return std::chrono::milliseconds(3600 * 1000);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  std::string_view unit(end, static_cast<size_t>(v->data() + v->size() - end));
  int64_t factor = unit.empty() || unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : unit == "h" ? 3600000 : 0;
  if (ec != std::errc() || n <= 0 || factor == 0 || n * factor > 3600 * 1000)
    return Error::Validation("window must be a duration up to 1h, e.g. 90s, 15m or 1h");
  return std::chrono::milliseconds(n * factor);
}

}  // namespace

void RegisterDashboardRoutes(net::Router& router, DashboardSource source) {
  auto access = net::Access::Need("admin", "workers", "read");
  router.Add("GET", "/api/metrics/dashboard", access,
             [latest = source.latest](net::HttpRequest&) { return JsonResponse(200, json::Serialize(latest())); });
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
