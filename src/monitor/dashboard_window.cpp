#include "monitor/dashboard_window.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace rt::monitor {
namespace {

double Rate(double prev, double cur, double seconds) { return seconds > 0 && cur > prev ? (cur - prev) / seconds : 0; }
double Grew(double prev, double cur) { return std::max(0.0, cur - prev); }

LatencyBuckets BucketsOf(const events::LatencyHistogram::Snapshot& s) { return s.buckets; }

bool Busier(const TopicWindow& a, const TopicWindow& b) {
  if (a.events_per_sec != b.events_per_sec) return a.events_per_sec > b.events_per_sec;
  if (a.subscribers != b.subscribers) return a.subscribers > b.subscribers;
  return a.topic < b.topic;
}

double Num(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return 0;
}

}  // namespace

DashboardWindow ComputeWindow(const DashboardRaw& p, const DashboardRaw& c, double s) {
  DashboardWindow w;
  w.events_in = Rate(p.events_in, c.events_in, s);
  w.events_out = Rate(p.events_out, c.events_out, s);
  w.accepted = Rate(p.connections_accepted, c.connections_accepted, s);
  w.captured = Rate(p.cdc_captured, c.cdc_captured, s);
  w.routed = Rate(p.cdc_routed, c.cdc_routed, s);
  w.active_connections = c.active_connections;
  w.cdc_lag_ms = c.cdc_lag_ms;
  w.outbox_lag_ms = c.outbox_lag_ms;
  w.mapping_failures = Grew(p.cdc_failed, c.cdc_failed);
  w.schema_failures = Grew(p.schema_failures, c.schema_failures);
  w.queue_depth = c.queue_depth;
  w.retrying = c.retrying;
  w.dead = c.dead;
  w.webhook_success = Grew(p.webhook_success, c.webhook_success);
  w.webhook_failed = Grew(p.webhook_failed, c.webhook_failed) + Grew(p.webhook_dead, c.webhook_dead);
  w.latency = Delta(p.latency, c.latency);

  std::unordered_map<std::string_view, const events::TopicCounters::TopicRow*> before;
  for (const auto& row : p.topics) before.emplace(row.topic, &row);
  for (const auto& row : c.topics) {
    TopicWindow t;
    t.topic = row.topic;
    t.subscribers = std::max<int64_t>(0, row.subscribers);
    double now = 0, then = 0;
    for (uint64_t n : row.counts) now += static_cast<double>(n);
    LatencyBuckets prev_latency{};
    if (auto it = before.find(row.topic); it != before.end()) {
      for (uint64_t n : it->second->counts) then += static_cast<double>(n);
      prev_latency = BucketsOf(it->second->latency);
    }
    t.events_per_sec = Rate(then, now, s);
    t.latency = Delta(prev_latency, BucketsOf(row.latency));
    if (t.events_per_sec > 0 || t.subscribers > 0) w.topics.push_back(std::move(t));
  }
  std::sort(w.topics.begin(), w.topics.end(), Busier);
  if (w.topics.size() > kWindowTopics) w.topics.resize(kWindowTopics);
  return w;
}

DashboardWindow MergeWindows(const std::vector<DashboardWindow>& windows) {
  DashboardWindow m;
  m.instance = "cluster";
  std::map<std::string, TopicWindow> topics;
  for (const auto& w : windows) {
    m.at = std::max(m.at, w.at);
    m.events_in += w.events_in;
    m.events_out += w.events_out;
    m.accepted += w.accepted;
    m.captured += w.captured;
    m.routed += w.routed;
    m.active_connections += w.active_connections;
    m.cdc_lag_ms = std::max(m.cdc_lag_ms, w.cdc_lag_ms);
    m.outbox_lag_ms = std::max(m.outbox_lag_ms, w.outbox_lag_ms);
    m.mapping_failures += w.mapping_failures;
    m.schema_failures += w.schema_failures;
    m.queue_depth = std::max(m.queue_depth, w.queue_depth);  // one shared queue table
    m.retrying = std::max(m.retrying, w.retrying);
    m.dead = std::max(m.dead, w.dead);
    m.webhook_success += w.webhook_success;
    m.webhook_failed += w.webhook_failed;
    Merge(m.latency, w.latency);
    for (const auto& t : w.topics) {
      auto& into = topics[t.topic];
      into.topic = t.topic;
      into.events_per_sec += t.events_per_sec;
      into.subscribers += t.subscribers;
      Merge(into.latency, t.latency);
    }
  }
  for (auto& [name, t] : topics) m.topics.push_back(std::move(t));
  std::sort(m.topics.begin(), m.topics.end(), Busier);
  return m;
}

boost::json::object RenderDashboard(const DashboardWindow& w) {
  double attempts = w.webhook_success + w.webhook_failed;
  double success = attempts > 0 ? w.webhook_success / attempts : 1.0;
  return {
      {"delivery",
       boost::json::object{{"activeConnections", w.active_connections},
                           // connections opened per second per active connection (churn)
                           {"reconnectRate", w.active_connections > 0 ? w.accepted / w.active_connections : 0.0},
                           {"eventsInPerSec", w.events_in},
                           {"eventsOutPerSec", w.events_out},
                           {"fanoutLatencyP50", QuantileMs(w.latency, 0.50)},
                           {"fanoutLatencyP95", QuantileMs(w.latency, 0.95)},
                           {"fanoutLatencyP99", QuantileMs(w.latency, 0.99)}}},
      {"pipeline",
       boost::json::object{{"cdcLag", w.cdc_lag_ms},
                           {"outboxLag", w.outbox_lag_ms},
                           {"eventsCapturedPerSec", w.captured},
                           {"eventsRoutedPerSec", w.routed},
                           {"mappingFailures", w.mapping_failures},
                           {"schemaValidationFailures", w.schema_failures}}},
      {"reliability",
       boost::json::object{{"queueDepth", w.queue_depth},
                           {"retryCount", w.retrying},
                           {"dlqSize", w.dead},
                           {"webhookSuccessRate", success},
                           {"webhookFailureRate", 1.0 - success}}},
  };
}

boost::json::array RenderHotTopics(const DashboardWindow& w, size_t limit) {
  boost::json::array out;
  for (const auto& t : w.topics) {
    if (out.size() >= limit) break;
    out.push_back(boost::json::object{{"topic", t.topic},
                                      {"eventsPerSec", t.events_per_sec},
                                      {"subscriberCount", t.subscribers},
                                      {"p95FanoutLatency", QuantileMs(t.latency, 0.95)}});
  }
  return out;
}

boost::json::object WindowToJson(const DashboardWindow& w) {
  boost::json::array topics;
  for (const auto& t : w.topics)
    topics.push_back(boost::json::object{
        {"topic", t.topic}, {"rate", t.events_per_sec}, {"subscribers", t.subscribers}, {"latency", ToJson(t.latency)}});
  return {{"instance", w.instance},     {"kind", w.kind},
          {"at", w.at},                 {"eventsIn", w.events_in},
          {"eventsOut", w.events_out},  {"accepted", w.accepted},
          {"captured", w.captured},     {"routed", w.routed},
          {"active", w.active_connections},
          {"cdcLag", w.cdc_lag_ms},     {"outboxLag", w.outbox_lag_ms},
          {"mappingFailures", w.mapping_failures},
          {"schemaFailures", w.schema_failures},
          {"queueDepth", w.queue_depth}, {"retrying", w.retrying},
          {"dead", w.dead},             {"webhookSuccess", w.webhook_success},
          {"webhookFailed", w.webhook_failed},
          {"latency", ToJson(w.latency)}, {"topics", std::move(topics)}};
}

bool WindowFromJson(const boost::json::value& v, DashboardWindow* out) {
  const auto* o = v.if_object();
  if (!o) return false;
  const auto* instance = o->if_contains("instance");
  if (!instance || !instance->is_string()) return false;
  DashboardWindow w;
  w.instance = std::string(instance->as_string());
  if (const auto* k = o->if_contains("kind"); k && k->is_string()) w.kind = std::string(k->as_string());
  w.at = static_cast<int64_t>(Num(*o, "at"));
  w.events_in = Num(*o, "eventsIn");
  w.events_out = Num(*o, "eventsOut");
  w.accepted = Num(*o, "accepted");
  w.captured = Num(*o, "captured");
  w.routed = Num(*o, "routed");
  w.active_connections = Num(*o, "active");
  w.cdc_lag_ms = Num(*o, "cdcLag");
  w.outbox_lag_ms = Num(*o, "outboxLag");
  w.mapping_failures = Num(*o, "mappingFailures");
  w.schema_failures = Num(*o, "schemaFailures");
  w.queue_depth = Num(*o, "queueDepth");
  w.retrying = Num(*o, "retrying");
  w.dead = Num(*o, "dead");
  w.webhook_success = Num(*o, "webhookSuccess");
  w.webhook_failed = Num(*o, "webhookFailed");
  if (const auto* l = o->if_contains("latency")) w.latency = FromJson(*l);
  if (const auto* ts = o->if_contains("topics"); ts && ts->is_array()) {
    for (const auto& tv : ts->as_array()) {
      const auto* to = tv.if_object();
      if (!to) continue;
      const auto* name = to->if_contains("topic");
      if (!name || !name->is_string()) continue;
      TopicWindow t;
      t.topic = std::string(name->as_string());
      t.events_per_sec = Num(*to, "rate");
      t.subscribers = static_cast<int64_t>(Num(*to, "subscribers"));
      if (const auto* l = to->if_contains("latency")) t.latency = FromJson(*l);
      w.topics.push_back(std::move(t));
    }
  }
  *out = std::move(w);
  return true;
}

}  // namespace rt::monitor
