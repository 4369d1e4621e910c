#include "app/metrics_text.h"

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

}  // namespace

std::string RenderMetrics(RealtimeCore& core, net::HttpServer& server) {
  std::string out;
  const auto& router = core.router.stats();
  const auto& hub = core.hub.stats();
  const auto& ws = server.ws_counters();
  auto broker = core.broker->Stats();
  Metric(out, "realtime_events_received_total", "counter", "Events routed by this instance, by origin",
         static_cast<double>(router.published.load()), "origin=\"local\"");
  Metric(out, "realtime_events_received_total", "counter", "", static_cast<double>(router.remote.load()),
         "origin=\"remote\"");
  Metric(out, "realtime_events_rejected_total", "counter", "Publishes refused (validation, policy, limits)",
         static_cast<double>(router.rejected.load()));
  Metric(out, "realtime_events_delivered_total", "counter", "Events delivered to subscribers",
         static_cast<double>(hub.delivered.load()));
  Metric(out, "realtime_events_filtered_total", "counter", "Events filtered out by subscription filters",
         static_cast<double>(hub.filtered.load()));
  Metric(out, "realtime_subscriptions", "gauge", "Active subscriptions on this instance",
         static_cast<double>(hub.subscriptions.load()));
  Metric(out, "realtime_websocket_connections", "gauge", "Current WebSocket connections (/ws and Socket.IO)",
         static_cast<double>(ws.open.load()));
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
  Metric(out, "realtime_broker_published_total", "counter", "Messages sent to other instances",
         static_cast<double>(broker.published));
  Metric(out, "realtime_broker_received_total", "counter", "Messages received from other instances",
         static_cast<double>(broker.received));
  Metric(out, "realtime_broker_dropped_total", "counter", "Cross-instance messages lost", static_cast<double>(broker.dropped));
  Metric(out, "realtime_broker_connected", "gauge", "1 when the broker backend is reachable", broker.connected ? 1 : 0);
  return out;
}

}  // namespace rt::app
