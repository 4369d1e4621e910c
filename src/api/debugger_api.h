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
//        on THIS instance (events/subscription_snapshot.h); "partial": true when an I/O thread
//        did not answer within DebuggerDeps::shard_timeout.
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
#include "core/result.h"
#include "events/hub.h"
#include "events/subscription_snapshot.h"
#include "net/router.h"
#include "registry/application_service.h"

namespace rt::api {

struct DebuggerDeps {
  events::SubscriptionHub& hub;
  std::string instance_id;  // this instance (RealtimeCore::instance_id): each detail's "instance"
  std::chrono::milliseconds shard_timeout{2000};
};

void RegisterDebuggerRoutes(net::Router& router, DebuggerDeps deps, registry::ApplicationService& apps,
                            const AuthGate& gate);

// Pure parts (unit-tested): the debug-filter answer for a request body, or ValidationError.
Result<boost::json::object> DebugFilter(const boost::json::object& body);

// A debug-routing request: the event as it would be published.
struct RoutingQuery {
  std::string topic;
  boost::json::object payload;
};
Result<RoutingQuery> ParseRoutingQuery(const boost::json::object& body);
// The debug-routing answer: every subscription of the snapshot with its filter's verdict.
boost::json::object RoutingReport(const RoutingQuery& query, const events::SubscriptionSnapshot& snapshot,
                                  const std::string& instance_id);

}  // namespace rt::api
