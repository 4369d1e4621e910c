// debug-routing over every instance of the cluster (see debugger_api.h).
#include <boost/json/array.hpp>

#include "api/debugger_api.h"
#include "core/json.h"

namespace rt::api {

boost::json::object MergeRoutingReports(const std::string& topic, const std::vector<boost::json::object>& reports,
                                        bool missing) {
  int64_t active = 0, matching = 0;
  bool partial = missing, truncated = false;
  boost::json::array details;
  for (const auto& r : reports) {
    if (const auto* v = r.if_contains("activeSubscriptions"); v && v->is_int64()) active += v->as_int64();
    if (const auto* v = r.if_contains("matchingSubscriptions"); v && v->is_int64()) matching += v->as_int64();
    if (const auto* v = r.if_contains("partial"); v && v->is_bool() && v->as_bool()) partial = true;
    if (const auto* v = r.if_contains("truncated"); v && v->is_bool() && v->as_bool()) truncated = true;
    if (const auto* v = r.if_contains("routingDetails"); v && v->is_array())
      for (const auto& d : v->get_array()) details.push_back(d);
  }
  boost::json::object out{{"topic", topic}, {"activeSubscriptions", active}, {"matchingSubscriptions", matching}};
  if (partial) out["partial"] = true;
  if (truncated) out["truncated"] = true;
  out["routingDetails"] = std::move(details);
  return out;
}

namespace {

constexpr const char* kRoutingQuestion = "debug.routing";

std::string EncodeQuery(const RoutingQuery& q) {
  return json::Serialize(boost::json::object{{"topic", q.topic}, {"payload", q.payload}});
}

}  // namespace

boost::json::object RouteEverywhere(const DebuggerDeps& deps, const Scope& scope, const RoutingQuery& query) {
  if (!deps.cluster) {
    auto snapshot = events::SnapshotSubscriptions(deps.hub, scope, query.topic, deps.shard_timeout);
    return RoutingReport(query, snapshot, deps.instance_id);
  }
  auto answers = deps.cluster->Ask(scope, kRoutingQuestion, EncodeQuery(query), deps.cluster_timeout);
  std::vector<boost::json::object> reports;
  bool missing = answers.partial;
  for (const auto& a : answers.replies) {
    auto parsed = json::Parse(a.body);
    if (parsed.ok() && parsed->is_object()) reports.push_back(std::move(parsed->get_object()));
    else missing = true;
  }
  return MergeRoutingReports(query.topic, reports, missing);
}

void ServeRoutingQuestions(broker::ClusterRpc& cluster, events::SubscriptionHub& hub, std::string instance_id,
                           std::chrono::milliseconds shard_timeout) {
  cluster.Handle(kRoutingQuestion, [&hub, instance_id, shard_timeout](const Scope& scope, const std::string& body) {
    auto parsed = json::Parse(body);
    if (!parsed.ok() || !parsed->is_object()) return std::string("{}");
    auto query = ParseRoutingQuery(boost::json::object{{"event", parsed->get_object()}});
    if (!query.ok()) return std::string("{}");
    auto snapshot = events::SnapshotSubscriptions(hub, scope, query->topic, shard_timeout);
    return json::Serialize(RoutingReport(*query, snapshot, instance_id));
  });
}

}  // namespace rt::api
