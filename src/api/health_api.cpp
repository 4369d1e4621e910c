// GET /health (liveness, no I/O) and GET /ready (each dependency checked; 503 if one is down).
#include <boost/json/object.hpp>

#include "api/errors.h"
#include "api/routes.h"
#include "core/json.h"

namespace rt::api {

void RegisterHealthRoutes(net::Router& router, std::vector<ReadinessCheck> checks) {
  router.Add(
      "GET", "/health", net::Access::Public(), [](net::HttpRequest&) { return JsonResponse(200, R"({"status":"ok"})"); },
      net::ExecMode::kInline);

  router.Add("GET", "/ready", net::Access::Public(), [checks = std::move(checks)](net::HttpRequest&) {
    boost::json::object results;
    bool all_up = true;
    for (const auto& c : checks) {
      Status st = c.check();
      boost::json::object r{{"status", st.ok() ? "up" : "down"}};
      if (!c.backend.empty()) r["backend"] = c.backend;
      if (!st.ok()) {
        r["error"] = st.error().message;
        all_up = false;
      }
      results[c.name] = std::move(r);
    }
    boost::json::object body{{"status", all_up ? "ready" : "unavailable"}, {"checks", std::move(results)}};
    return JsonResponse(all_up ? 200 : 503, json::Serialize(body));
  });
}

}  // namespace rt::api
