#include "api/status_api.h"

#include <chrono>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/errors.h"
#include "core/ids.h"
#include "core/json.h"

namespace rt::api {
namespace {

constexpr int64_t kLostAfterMs = 15000;          // three missed heartbeats
constexpr int64_t kForgetStoppedAfterMs = 3600000;  // a cleanly stopped instance is listed for an hour

boost::json::object Service(std::string name, std::string kind, const char* status, std::string detail) {
  return {{"name", std::move(name)}, {"kind", std::move(kind)}, {"status", status}, {"detail", std::move(detail)}};
}

}  // namespace

void RegisterStatusRoutes(net::Router& router, std::vector<ReadinessCheck> probes, store::WorkerRepository& workers,
                          std::function<boost::json::value()> cdc_status) {
  router.Add("GET", "/api/status", net::Access::Need("admin", "workers", "read"),
             [probes = std::move(probes), &workers, cdc_status = std::move(cdc_status)](net::HttpRequest&) {
               boost::json::array services;
               bool database_down = false, degraded = false;
               for (const auto& p : probes) {
                 auto t0 = std::chrono::steady_clock::now();
                 Status st = p.check();
                 double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
                 auto s = Service(p.name, p.backend, st.ok() ? "up" : "down", st.ok() ? "" : st.error().message);
                 s["latencyMs"] = ms;
                 services.push_back(std::move(s));
                 if (!st.ok()) (p.name == "database" ? database_down : degraded) = true;
               }
               const int64_t now = NowMs();
               auto rows = workers.List();
               if (rows.ok()) {
                 for (const auto& w : *rows) {
                   if (w.stopped_at != 0 && now - w.stopped_at > kForgetStoppedAfterMs) continue;
                   bool lost = w.stopped_at == 0 && now - w.last_beat > kLostAfterMs;
                   const char* status = w.stopped_at != 0 ? "down" : lost ? "down" : "up";
                   std::string detail = w.stopped_at != 0 ? "stopped" : lost ? "no heartbeat for " +
                                                                                   std::to_string((now - w.last_beat) / 1000) + " s"
                                                                             : "running";
                   auto s = Service(w.kind == "serve" ? "api" : "worker", w.kind, status, std::move(detail));
                   s["instance"] = w.id;
                   s["host"] = w.host;
                   s["pid"] = w.pid;
                   s["version"] = w.version;
                   s["lastBeat"] = w.last_beat;
                   services.push_back(std::move(s));
                   if (lost) degraded = true;
                 }
               } else {
                 services.push_back(Service("instances", "workers", "down", rows.error().message));
                 degraded = true;
               }
               boost::json::value cdc = cdc_status ? cdc_status() : boost::json::array{};
               if (cdc.is_array()) {
                 for (const auto& r : cdc.get_array()) {
                   if (!r.is_object()) continue;
                   const auto& o = r.get_object();
                   std::string state = o.contains("state") ? std::string(o.at("state").as_string()) : "";
                   const char* status = state == "error" ? "down" : state == "starting" ? "degraded" : "up";
                   std::string target = o.contains("target") && o.at("target").is_string()
                                            ? std::string(o.at("target").as_string())
                                            : "no target";
                   std::string last_error =
                       o.contains("lastError") && o.at("lastError").is_string() ? std::string(o.at("lastError").as_string()) : "";
                   auto s = Service("cdc:" + target, "cdc", status, last_error.empty() ? state : state + ": " + last_error);
                   services.push_back(std::move(s));
                   if (status[0] != 'u') degraded = true;
                 }
               }
               const char* overall = database_down ? "down" : degraded ? "degraded" : "up";
               boost::json::object out{{"status", overall}, {"checkedAt", now}, {"services", std::move(services)}};
               return JsonResponse(200, json::Serialize(out));
             });
}

}  // namespace rt::api
