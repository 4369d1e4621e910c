// /api/debugger (spec/16-api-debugger.md, docs/debugger.md): dry runs of the delivery path.
// Neither route publishes, delivers or changes anything.
//
//   POST /api/debugger/debug-filter   {event: {topic?, payload}, filter}
//     -> {"matched", "details": {"<key>": {"matched", "expected", "actual", "missing"?}}}
//   POST /api/debugger/debug-routing  {event: {topic, source?, type?, payload}}
//     -> {"topic", "activeSubscriptions", "matchingSubscriptions", "partial"?,
//         "routingDetails": [{"subscriptionId", "matched", "filter", "instance", "socketId",
//                             "returnMode"}]}
//        computed against the live subscriptions of the caller's (application, environment)
//        on EVERY instance (asked over the broker, broker/cluster_rpc.h; each detail names its
//        instance); "partial": true when an I/O thread did not answer within shard_timeout or
//        an instance did not answer within cluster_timeout. At most kMaxRoutingDetails details
//        per instance ("truncated": true beyond; the counts always cover every subscription).
// Access: admin token (or a session with debugger:read); anonymous on loopback in development.
// Bad bodies: 400 ValidationError. The stored traces: api/debugger_traces_api.h.
//
// Ownership/lifetime: the hub and services must outlive the router. Thread safety: the handlers
// run on the blocking pool, concurrently; debug-routing blocks up to shard_timeout; the pure
// functions below are thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <string>

#include "api/auth.h"
#include "broker/cluster_rpc.h"
#include "core/result.h"
#include "events/filter.h"
#include "events/hub.h"
#include "events/subscription_snapshot.h"
#include "net/router.h"
#include "registry/application_service.h"

namespace rt::api {

struct DebuggerDeps {
  events::SubscriptionHub& hub;
  std::string instance_id;  // this instance (RealtimeCore::instance_id): each detail's "instance"
  std::chrono::milliseconds shard_timeout{2000};
  broker::ClusterRpc* cluster = nullptr;  // null: this instance only
  std::chrono::milliseconds cluster_timeout{3000};
};

inline constexpr size_t kMaxRoutingDetails = 1000;

void RegisterDebuggerRoutes(net::Router& router, DebuggerDeps deps, registry::ApplicationService& apps,
                            const AuthGate& gate);

// Pure parts (unit-tested): the debug-filter answer for a request body, or ValidationError.
Result<boost::json::object> DebugFilter(const boost::json::object& body);
// {"matched", "details": {"<key>": {"matched", "expected", "actual", "missing"?}}} of a filter
// against a payload (debug-filter's answer; explain's filter check).
boost::json::object FilterVerdict(const events::Filter& filter, const boost::json::object& payload);

// A debug-routing request: the event as it would be published.
struct RoutingQuery {
  std::string topic;
  boost::json::object payload;
};
Result<RoutingQuery> ParseRoutingQuery(const boost::json::object& body);
// The debug-routing answer: every subscription of the snapshot with its filter's verdict.
boost::json::object RoutingReport(const RoutingQuery& query, const events::SubscriptionSnapshot& snapshot,
                                  const std::string& instance_id);
// One report out of the instances' reports: counts summed, details concatenated; "partial" if
// any report was partial or `missing` (an instance did not answer).
boost::json::object MergeRoutingReports(const std::string& topic, const std::vector<boost::json::object>& reports,
                                        bool missing);
// The debug-routing answer over every instance (debugger_cluster.cpp). Blocks up to
// shard_timeout + cluster_timeout; call it on the blocking pool.
boost::json::object RouteEverywhere(const DebuggerDeps& deps, const Scope& scope, const RoutingQuery& query);
// Makes this instance answer the other instances' routing questions (before cluster.Start()).
void ServeRoutingQuestions(broker::ClusterRpc& cluster, events::SubscriptionHub& hub, std::string instance_id,
                           std::chrono::milliseconds shard_timeout);

}  // namespace rt::api
