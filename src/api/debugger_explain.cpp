// explain: the pure verdict of one event for one connection (see debugger_explain.h).
#include <boost/json/array.hpp>

#include <algorithm>
#include <map>

#include "api/debugger_api.h"
#include "api/debugger_explain.h"
#include "core/json.h"
#include "events/filter.h"

namespace rt::api {
namespace {

boost::json::value OrNull(int64_t v) { return v == 0 ? boost::json::value(nullptr) : boost::json::value(v); }
boost::json::value OrNull(const std::string& v) { return v.empty() ? boost::json::value(nullptr) : boost::json::value(v); }

struct Noted {
  std::string verdict, instance;
};
// The decisions the trace's rows noted, by subscription id.
std::map<std::string, Noted> NotedDecisions(const std::vector<store::TraceRow>& trace) {
  std::map<std::string, Noted> out;
  for (const auto& row : trace) {
    auto d = json::Parse(row.decisions);
    if (!d.ok() || !d->is_object()) continue;
    const auto* list = d->get_object().if_contains("decisions");
    if (!list || !list->is_array()) continue;
    for (const auto& one : list->get_array()) {
      const auto* o = one.if_object();
      const auto* id = o ? json::GetString(*o, "subscriptionId") : nullptr;
      const auto* verdict = o ? json::GetString(*o, "verdict") : nullptr;
      if (id && verdict) out.try_emplace(std::string(*id), Noted{std::string(*verdict), row.instance});
    }
  }
  return out;
}

}  // namespace

boost::json::object ExplainDelivery(const std::vector<store::TraceRow>& trace, const monitor::ConnectionRecord& c) {
  const store::TraceRow& t = trace.front();
  const int64_t at = t.timestamp;
  int64_t schema_version = 0;
  for (const auto& r : trace) schema_version = std::max(schema_version, r.schema_version);
  auto parsed = json::Parse(t.payload);
  const boost::json::object payload =
      parsed.ok() && parsed->is_object() ? parsed->get_object() : boost::json::object();

  boost::json::object out{{"eventId", t.event_id}, {"socketId", c.socket_id}, {"delivered", false}};
  out["event"] = boost::json::object{{"topic", t.topic},     {"source", t.source},
                                     {"type", t.type},       {"environment", t.environment},
                                     {"timestamp", at},      {"schemaVersion", OrNull(schema_version)}};
  out["connection"] = boost::json::object{
      {"socketId", c.socket_id},        {"environment", c.scope.environment}, {"instance", c.instance},
      {"transport", c.transport},       {"subject", c.subject},               {"connectedAt", c.connected_at},
      {"closedAt", OrNull(c.closed_at)}, {"closeReason", OrNull(c.close_reason)}};
  boost::json::array checks;
  auto verdict = [&](const char* reason, std::string message) {
    out["reason"] = reason;
    out["message"] = std::move(message);
    out["checks"] = std::move(checks);
    return std::move(out);
  };

  // 1. Tenant and environment.
  if (c.scope.application_id != t.application_id || c.scope.environment != t.environment) {
    checks.push_back({{"check", "environment"}, {"passed", false}, {"event", t.environment},
                      {"connection", c.scope.environment}});
    std::string where = c.scope.application_id != t.application_id ? "another application" : c.scope.environment;
    return verdict("wrong_environment", "The event was published in " + t.environment +
                                            "; the connection belongs to " + where + ": events never cross environments");
  }
  checks.push_back({{"check", "environment"}, {"passed", true}, {"environment", t.environment}});

  // 2. Connected when the event was routed.
  if (at < c.connected_at) {
    checks.push_back({{"check", "connected"}, {"passed", false}, {"connectedAt", c.connected_at}});
    return verdict("not_connected", "The connection opened " + std::to_string(c.connected_at - at) +
                                        " ms after the event was routed: events are not replayed to new connections");
  }
  if (c.closed_at != 0 && c.closed_at <= at) {
    checks.push_back({{"check", "connected"}, {"passed", false}, {"closedAt", c.closed_at},
                      {"closeReason", c.close_reason}, {"closeDetail", c.close_detail}});
    return verdict("disconnected", "The connection had closed " + std::to_string(at - c.closed_at) +
                                       " ms before the event (" + c.close_reason + ")");
  }
  checks.push_back({{"check", "connected"}, {"passed", true}, {"connectedAt", c.connected_at}});

  // 3. Subscribed to the topic at that instant.
  std::vector<const monitor::SubscriptionRecord*> active;
  boost::json::array on_topic, at_the_time;
  for (const auto& s : c.subscriptions) {
    if (s.ActiveAt(at)) at_the_time.push_back(boost::json::value(s.topic));
    if (s.topic != t.topic) continue;
    on_topic.push_back({{"subscriptionId", s.subscription_id}, {"subscribedAt", s.subscribed_at},
                        {"unsubscribedAt", OrNull(s.unsubscribed_at)}, {"activeAtEvent", s.ActiveAt(at)}});
    if (s.ActiveAt(at)) active.push_back(&s);
  }
  if (active.empty()) {
    checks.push_back({{"check", "subscribed"}, {"passed", false}, {"topic", t.topic},
                      {"subscriptionsOnTopic", std::move(on_topic)}, {"topicsAtEvent", std::move(at_the_time)}});
    return verdict("not_subscribed", "The connection had no subscription to " + t.topic + " when the event was routed");
  }
  checks.push_back({{"check", "subscribed"}, {"passed", true}, {"topic", t.topic},
                    {"subscriptionsOnTopic", std::move(on_topic)}});

  // 4. Filters, key by key.
  boost::json::array filters;
  std::vector<const monitor::SubscriptionRecord*> matching;
  for (const auto* s : active) {
    boost::json::object f{{"subscriptionId", s->subscription_id}, {"filter", s->FilterValue()}};
    auto compiled = events::Filter::Compile(f["filter"]);
    boost::json::object v = compiled.ok() ? FilterVerdict(*compiled, payload)
                                          : boost::json::object{{"matched", false}, {"details", boost::json::object()}};
    if (v["matched"].as_bool()) matching.push_back(s);
    f["matched"] = v["matched"];
    f["details"] = std::move(v["details"]);
    filters.push_back(std::move(f));
  }
  if (matching.empty()) {
    checks.push_back({{"check", "filter"}, {"passed", false}, {"subscriptions", std::move(filters)}});
    return verdict("filter_mismatch", "The filter of every subscription to " + t.topic + " rejected the event's payload");
  }
  checks.push_back({{"check", "filter"}, {"passed", true}, {"subscriptions", std::move(filters)}});

  // 5. The schema gate: the event reached the fan-out, so it passed.
  checks.push_back({{"check", "schemaGate"}, {"passed", true}, {"schemaVersion", OrNull(schema_version)}});

  // 6. What the fan-out did: the trace's decision, else inferred.
  std::string decision, instance;
  const monitor::SubscriptionRecord* chosen = matching.front();
  const auto noted = NotedDecisions(trace);
  for (const auto* s : matching) {
    auto n = noted.find(s->subscription_id);
    decision = n != noted.end() ? n->second.verdict : std::string();
    instance = n != noted.end() ? n->second.instance : std::string();
    chosen = s;
    if (decision == "delivered") break;
  }
  if (decision == "dropped") {
    checks.push_back({{"check", "delivery"}, {"passed", false}, {"subscriptionId", chosen->subscription_id},
                      {"evidence", "trace"}, {"instance", instance}});
    return verdict("slow_consumer", "The connection's send queue was over its limit: the event was dropped and the "
                                    "connection closed as a slow consumer");
  }
  if (decision.empty() && c.close_reason == "slow consumer" && c.closed_at >= at) {
    checks.push_back({{"check", "delivery"}, {"passed", false}, {"subscriptionId", chosen->subscription_id},
                      {"evidence", "connection"}, {"closedAt", c.closed_at}});
    return verdict("slow_consumer", "The event was queued, but the connection was closed as a slow consumer " +
                                        std::to_string(c.closed_at - at) + " ms later; what it had not read was dropped");
  }
  checks.push_back({{"check", "delivery"}, {"passed", true}, {"subscriptionId", chosen->subscription_id},
                    {"evidence", decision.empty() ? "inferred" : "trace"}, {"instance", OrNull(instance)}});
  out["delivered"] = true;
  out["at"] = at;
  return verdict("delivered", decision.empty()
                                  ? "Delivered (inferred: every check passed; the trace keeps a bounded sample of decisions)"
                                  : "Delivered to subscription " + chosen->subscription_id);
}

}  // namespace rt::api
