#include "app/metrics_text.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace rt::app {
namespace {

void Metric(std::string& out, const char* name, const char* type, const char* help, double value,
            const char* labels = nullptr) {
  if (*help) {  // the first sample of a family carries its HELP/TYPE
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
  }
  out += name;
  if (labels) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  char buf[32];
  snprintf(buf, sizeof buf, "%.17g", value);
  out += buf;
  out += '\n';
}

// realtime_events_received_total{source,topic} and realtime_broadcast_latency_seconds
// (events/event_metrics.h). Topic names hold no quote or backslash (registry/topic_policy.h).
void EventMetrics(std::string& out, RealtimeCore& core) {
  out += "# HELP realtime_events_received_total Events accepted by this instance's router, by source and topic "
         "(topics beyond REALTIME_METRICS_MAX_TOPICS count as \"other\")\n"
         "# TYPE realtime_events_received_total counter\n";
  for (const auto& row : core.router.topic_counts().Snapshot()) {
    out += "realtime_events_received_total{source=\"";
    out += events::SourceName(row.source);
    out += "\",topic=\"";
    out += row.topic;
    out += "\"} ";
    out += std::to_string(row.count);
    out += '\n';
  }
  auto h = core.hub.latency().Read();
  out += "# HELP realtime_broadcast_latency_seconds Router accept to frames handed to the subscribers' sockets "
         "(one delivered event in 16 per I/O thread)\n"
         "# TYPE realtime_broadcast_latency_seconds histogram\n";
  uint64_t cumulative = 0;
  char buf[64];
  for (size_t i = 0; i < h.buckets.size(); ++i) {
    cumulative += h.buckets[i];
    if (i < events::LatencyHistogram::kBounds.size()) snprintf(buf, sizeof buf, "%g", events::LatencyHistogram::kBounds[i]);
    else snprintf(buf, sizeof buf, "+Inf");
    out += "realtime_broadcast_latency_seconds_bucket{le=\"";
    out += buf;
    out += "\"} " + std::to_string(cumulative) + "\n";
  }
  snprintf(buf, sizeof buf, "%.9g", h.sum_seconds);
  out += std::string("realtime_broadcast_latency_seconds_sum ") + buf + "\n";
  out += "realtime_broadcast_latency_seconds_count " + std::to_string(h.count) + "\n";
}

// process_* (the Prometheus client conventions), from /proc/self.
void ProcessMetrics(std::string& out) {
  static const double start_s = [] {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  }();
  const long ticks = sysconf(_SC_CLK_TCK);
  double cpu = 0;
  if (FILE* f = fopen("/proc/self/stat", "r")) {
    char line[1024];
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = 0;
    if (const char* p = strrchr(line, ')')) {
      unsigned long utime = 0, stime = 0;
      // fields after ") ": state(3) ... utime(14) stime(15)
      if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) == 2 && ticks > 0)
        cpu = static_cast<double>(utime + stime) / static_cast<double>(ticks);
    }
  }
  double rss = 0;
  if (FILE* f = fopen("/proc/self/statm", "r")) {
    unsigned long size = 0, resident = 0;
    if (fscanf(f, "%lu %lu", &size, &resident) == 2) rss = static_cast<double>(resident) * sysconf(_SC_PAGESIZE);
    fclose(f);
  }
  double fds = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++fds;
    closedir(d);
    fds -= 3;  // ".", ".." and the directory's own descriptor
  }
  double now_s = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  Metric(out, "process_cpu_seconds_total", "counter", "User and system CPU time of the process", cpu);
  Metric(out, "process_resident_memory_bytes", "gauge", "Resident memory of the process", rss);
  Metric(out, "process_open_fds", "gauge", "Open file descriptors of the process", fds);
  Metric(out, "process_start_time_seconds", "gauge", "Start time of the process (Unix seconds)", start_s);
  Metric(out, "realtime_uptime_seconds", "gauge", "Seconds since the process started", now_s - start_s);
}

}  // namespace

// Queues (jobs/queue.h) and webhooks (webhooks/delivery_worker.h, webhooks/fanout.h). The queue
// gauges are sampled every 5 s by the workers module (the scrape never touches the database).
static void WorkerMetrics(std::string& out, const WorkersModule& w) {
  auto gauges = w.queue_gauges();
  struct Family {
    const char* name;
    const char* help;
    int64_t (*value)(const jobs::QueueStats&);
  };
  static const Family kFamilies[] = {
      {"realtime_queue_depth", "Jobs ready to run (incl. expired leases), by queue",
       [](const jobs::QueueStats& s) { return s.depth(); }},
      {"realtime_queue_delayed", "Jobs waiting for their run time (incl. scheduled retries), by queue",
       [](const jobs::QueueStats& s) { return s.delayed; }},
      {"realtime_queue_leased", "Jobs being processed, by queue", [](const jobs::QueueStats& s) { return s.leased; }},
      {"realtime_queue_retrying", "Queued jobs that already failed at least once, by queue",
       [](const jobs::QueueStats& s) { return s.retrying; }},
      {"realtime_queue_dead_letter", "Dead-lettered jobs (DLQ size), by queue",
       [](const jobs::QueueStats& s) { return s.dead; }},
  };
  for (const auto& f : kFamilies) {
    for (size_t i = 0; i < gauges.size(); ++i) {
      std::string label = "queue=\"" + gauges[i].queue + "\"";
      Metric(out, f.name, "gauge", i == 0 ? f.help : "", static_cast<double>(f.value(gauges[i].stats)), label.c_str());
    }
  }
  const auto& fan = w.fanout_stats();
  Metric(out, "realtime_webhook_enqueued_total", "counter", "Webhook deliveries enqueued by this instance",
         static_cast<double>(fan.enqueued.load()));
  Metric(out, "realtime_webhook_enqueue_dropped_total", "counter",
         "Webhook deliveries dropped because the enqueue buffer was full", static_cast<double>(fan.dropped.load()));
  if (const auto* d = w.delivery_stats()) {
    Metric(out, "realtime_webhook_deliveries_total", "counter", "Webhook delivery attempts by outcome",
           static_cast<double>(d->success.load()), "status=\"success\"");
    Metric(out, "realtime_webhook_deliveries_total", "counter", "", static_cast<double>(d->failed.load()),
           "status=\"failed\"");
    Metric(out, "realtime_webhook_deliveries_total", "counter", "", static_cast<double>(d->dead.load()),
           "status=\"dead\"");
    Metric(out, "realtime_webhook_in_flight", "gauge", "Webhook deliveries in flight on this instance",
           static_cast<double>(d->in_flight.load()));
  }
}


std::string RenderMetrics(RealtimeCore& core, net::HttpServer& server, const ThreadPool* blocking,
                          const WorkersModule* workers) {
  std::string out;
  const auto& router = core.router.stats();
  const auto& hub = core.hub.stats();
  const auto& ws = server.ws_counters();
  auto broker = core.broker->Stats();
  EventMetrics(out, core);
  Metric(out, "realtime_events_remote_total", "counter", "Events received from other instances (through the broker)",
         static_cast<double>(router.remote.load()));
  Metric(out, "realtime_events_rejected_total", "counter", "Publishes refused (validation, policy, limits)",
         static_cast<double>(router.rejected.load()));
  Metric(out, "realtime_events_duplicates_total", "counter",
         "Database events dropped as repeats of an id already routed (replay after a crash or failover)",
         static_cast<double>(router.duplicates.load()));
  Metric(out, "realtime_events_delivered_total", "counter", "Events delivered to subscribers",
         static_cast<double>(hub.delivered.load()));
  Metric(out, "realtime_events_filtered_total", "counter", "Events filtered out by subscription filters",
         static_cast<double>(hub.filtered.load()));
  Metric(out, "realtime_subscriptions", "gauge", "Active subscriptions on this instance",
         static_cast<double>(hub.subscriptions.load()));
  Metric(out, "realtime_websocket_connections", "gauge", "Current WebSocket connections (/ws and Socket.IO)",
         static_cast<double>(ws.open.load()), "transport=\"websocket\"");
  Metric(out, "realtime_websocket_slow_consumer_disconnects_total", "counter",
         "Connections closed with 4008 because their send queue overflowed", static_cast<double>(ws.slow_consumers.load()));
  Metric(out, "realtime_websocket_protocol_errors_total", "counter", "Connections closed for a WebSocket protocol error",
         static_cast<double>(ws.protocol_errors.load()));
  Metric(out, "realtime_socketio_sockets", "gauge", "Connected Socket.IO sockets (namespace /)",
         static_cast<double>(core.sio_product.counters().sockets.load()));
  Metric(out, "realtime_socketio_sessions", "gauge", "Engine.IO sessions (polling or WebSocket)",
         static_cast<double>(core.socketio->session_count()));
  Metric(out, "realtime_auth_failures_total", "counter", "Connections refused for a bad or missing token",
         static_cast<double>(core.native.counters().auth_failures.load() +
                             core.sio_product.counters().auth_failures.load()));
  const auto& revoked = core.token_watch.stats();
  Metric(out, "realtime_connections_revoked_total", "counter",
         "Connections closed because their token expired or its key / application was deleted",
         static_cast<double>(revoked.expired.load()), "reason=\"token_expired\"");
  Metric(out, "realtime_connections_revoked_total", "counter", "", static_cast<double>(revoked.key_revoked.load()),
         "reason=\"key_revoked\"");
  Metric(out, "realtime_connections_revoked_total", "counter", "",
         static_cast<double>(revoked.application_deleted.load()), "reason=\"application_deleted\"");
  // Bounds (docs/architecture.md, "Bounded memory").
  Metric(out, "realtime_clients", "gauge", "Realtime clients counted against REALTIME_MAX_CONNECTIONS (/ws + Engine.IO)",
         static_cast<double>(core.limiter.active()));
  Metric(out, "realtime_connections_refused_total", "counter",
         "WebSocket upgrades / Engine.IO handshakes refused with 503 (REALTIME_MAX_CONNECTIONS[_PER_IP])",
         static_cast<double>(core.limiter.refused()));
  Metric(out, "realtime_socketio_slow_consumer_disconnects_total", "counter",
         "Engine.IO sessions closed because their polling queue exceeded REALTIME_WS_MAX_QUEUE_BYTES",
         static_cast<double>(core.socketio->counters().slow_consumers.load()));
  // Polling without sticky sessions (gateway/poll_relay.h).
  const gateway::PollRelayStats relay = core.poll_relay.stats();
  Metric(out, "realtime_socketio_polls_relayed_total", "counter",
         "Engine.IO polling requests relayed to the instance owning their session",
         static_cast<double>(relay.forwarded));
  Metric(out, "realtime_socketio_poll_relay_timeouts_total", "counter",
         "Relayed polling requests whose owner did not answer in time (answered Session ID unknown)",
         static_cast<double>(relay.timed_out));
  Metric(out, "realtime_socketio_polls_served_for_peers_total", "counter",
         "Polling requests relayed here by another instance (this instance owns the session)",
         static_cast<double>(relay.served));
  Metric(out, "realtime_flood_disconnects_total", "counter", "Clients disconnected for flooding (message budget)",
         static_cast<double>(core.native.counters().flood_closes.load()), "gateway=\"ws\"");
  Metric(out, "realtime_flood_disconnects_total", "counter", "",
         static_cast<double>(core.sio_product.counters().flood_disconnects.load()), "gateway=\"socketio\"");
  Metric(out, "realtime_hub_dropped_total", "counter", "Events dropped because an I/O thread's hub inbox was full",
         static_cast<double>(hub.dropped.load()));
  Metric(out, "realtime_accept_backoffs_total", "counter", "Accept retries after running out of file descriptors",
         static_cast<double>(server.accept_backoffs()));
  if (blocking) {
    Metric(out, "realtime_blocking_pending", "gauge", "REST requests queued or running on the blocking pool",
           static_cast<double>(blocking->Pending()));
    Metric(out, "realtime_blocking_rejected_total", "counter",
           "REST requests refused with 503 because the blocking pool queue was full (REALTIME_BLOCKING_QUEUE_MAX)",
           static_cast<double>(blocking->rejected()));
  }
  Metric(out, "realtime_broker_published_total", "counter", "Messages sent to other instances",
         static_cast<double>(broker.published));
  Metric(out, "realtime_broker_received_total", "counter", "Messages received from other instances",
         static_cast<double>(broker.received));
  Metric(out, "realtime_broker_dropped_total", "counter", "Cross-instance messages lost", static_cast<double>(broker.dropped));
  Metric(out, "realtime_broker_connected", "gauge", "1 when the broker backend is reachable", broker.connected ? 1 : 0);
  Metric(out, "realtime_broker_channels", "gauge",
         "Redis channels this instance subscribes for its local subscribers' topics (0 without Redis)",
         static_cast<double>(broker.channels));
  // The schema gate (registry/schema_gate.h). Topic names hold no quote or backslash.
  const auto& gate = core.platform.schema_gate;
  Metric(out, "realtime_schema_validations_total", "counter",
         "Events validated against their topic's active schema before fan-out", static_cast<double>(gate.validations()));
  const char* failures_help = "Events refused by the schema gate, by topic";
  auto failures = gate.FailuresByTopic();
  if (failures.empty())
    out += std::string("# HELP realtime_schema_validation_failures_total ") + failures_help +
           "\n# TYPE realtime_schema_validation_failures_total counter\n";
  for (size_t i = 0; i < failures.size(); ++i) {
    std::string label = "topic=\"" + failures[i].first + "\"";
    Metric(out, "realtime_schema_validation_failures_total", "counter", i == 0 ? failures_help : "",
           static_cast<double>(failures[i].second), label.c_str());
  }
  if (workers) WorkerMetrics(out, *workers);
  ProcessMetrics(out);
  return out;
}

}  // namespace rt::app
