// ReadDashboard / ReadWorkerDashboard (app/metrics_text.h): the raw numbers behind
// GET /api/metrics/dashboard and /api/metrics/hot-topics.
#include "app/metrics_text.h"

namespace rt::app {
namespace {

// The parts every process has: CDC readers, the schema gate, the job queue and deliveries.
void ReadPipeline(const CdcModule& cdc, Platform& platform, const WorkersModule* workers, DashboardRaw& r) {
  CdcModule::Totals cdc_totals = cdc.Sum();
  r.cdc_lag_ms = cdc_totals.max_lag_seconds * 1000;
  r.outbox_lag_ms = cdc_totals.max_outbox_lag_seconds * 1000;
  r.cdc_captured = static_cast<double>(cdc_totals.captured);
  r.cdc_routed = static_cast<double>(cdc_totals.routed);
  r.cdc_failed = static_cast<double>(cdc_totals.failed);
  for (const auto& [topic, n] : platform.schema_gate.FailuresByTopic()) r.schema_failures += static_cast<double>(n);
  if (!workers) return;
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

}  // namespace

DashboardRaw ReadDashboard(RealtimeCore& core, net::HttpServer& server, const CdcModule& cdc, Platform& platform,
                           const WorkersModule* workers) {
  DashboardRaw r;
  // Accepted here: every event is accepted by exactly one process, so the cluster sum is exact
  // (events from other instances count in eventsOutPerSec only).
  r.events_in = static_cast<double>(core.router.stats().published.load());
  r.events_out = static_cast<double>(core.hub.stats().delivered.load());
  r.connections_accepted = static_cast<double>(server.ws_counters().accepted.load());
  r.active_connections = static_cast<double>(core.limiter.active());
  r.latency = core.hub.latency().Read().buckets;
  r.topics = core.router.topic_counts().Topics();
  ReadPipeline(cdc, platform, workers, r);
  return r;
}

DashboardRaw ReadWorkerDashboard(events::EventRouter& router, const CdcModule& cdc, Platform& platform,
                                 const WorkersModule* workers) {
  DashboardRaw r;
  r.events_in = static_cast<double>(router.stats().published.load());
  r.topics = router.topic_counts().Topics();
  ReadPipeline(cdc, platform, workers, r);
  return r;
}

}  // namespace rt::app
