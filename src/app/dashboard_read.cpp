// ReadDashboard (app/metrics_text.h): the raw numbers behind GET /api/metrics/dashboard.
#include "app/metrics_text.h"

#include <algorithm>

namespace rt::app {
namespace {

double Num(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return 0;
}

}  // namespace

DashboardRaw ReadDashboard(RealtimeCore& core, net::HttpServer& server, const CdcModule& cdc, Platform& platform,
                           const WorkersModule* workers) {
  DashboardRaw r;
  const auto& router = core.router.stats();
  r.events_in = static_cast<double>(router.published.load() + router.remote.load());
  r.events_out = static_cast<double>(core.hub.stats().delivered.load());
  r.connections_accepted = static_cast<double>(server.ws_counters().accepted.load());
  r.active_connections = static_cast<double>(core.limiter.active());
  r.latency = core.hub.latency().Read().buckets;
  for (const auto& reader : cdc.Status()) {
    if (!reader.is_object()) continue;
    const auto& o = reader.get_object();
    r.cdc_lag_ms = std::max(r.cdc_lag_ms, Num(o, "lagSeconds") * 1000);
    r.cdc_captured += Num(o, "captured");
    r.cdc_routed += Num(o, "routed");
    r.cdc_failed += Num(o, "failed");
    if (const auto* ob = o.if_contains("outbox"); ob && ob->is_object())
      r.outbox_lag_ms = std::max(r.outbox_lag_ms, Num(ob->get_object(), "lagSeconds") * 1000);
  }
  for (const auto& [topic, n] : platform.schema_gate.FailuresByTopic()) r.schema_failures += static_cast<double>(n);
  if (workers) {
    for (const auto& g : workers->queue_gauges()) {
      r.queue_depth += static_cast<double>(g.stats.depth());
      r.retrying += static_cast<double>(g.stats.retrying);
      r.dead += static_cast<double>(g.stats.dead);
    }
    if (const auto* d = workers->delivery_stats()) {
      r.webhook_success = static_cast<double>(d->success.load());
      r.webhook_failed = static_cast<double>(d->failed.load());
      r.webhook_dead = static_cast<double>(d->dead.load());
    }
  }
  return r;
}

}  // namespace rt::app
