// "Why was it not delivered": GET /api/debugger/explain?eventId=…&socketId=… (or &subject=…)
// (docs/debugger.md "Explain"). For one traced event and one client connection, the checks in
// the order the platform applies them, and the first that blocked delivery:
//   environment   the connection's (application, environment) is the event's
//   connected     the connection was open when the event was routed (else: connected later, or
//                 closed before it — with why: slow consumer, token expired, ping timeout…)
//   subscribed    it had a subscription on the event's topic at that instant
//   filter        some such subscription's filter matched (each filter key by key otherwise)
//   schemaGate    the event passed its topic's active schema (a traced event always did)
//   delivery      the trace's routing decision for the subscription (delivered, or dropped as
//                 a slow consumer); without one (decisions are bounded) the verdict is inferred
// -> {"eventId", "socketId", "delivered", "reason" (delivered | wrong_environment |
//     not_connected | disconnected | not_subscribed | filter_mismatch | slow_consumer),
//     "message", "at"?, "event": {…}, "connection": {…}, "checks": [{"check", "passed", …}]}
// With subject=: {"eventId", "subject", "delivered" (any connection), "connections": [one
// explanation per connection of that subject, live or recently closed]}.
//
// The event comes from the traces (any environment of the caller's application its token may
// use); the connection from the socket journals of every instance (monitor/socket_journal.h,
// asked over the broker). 400 without eventId or without exactly one of socketId/subject; 404
// for an event with no trace (not sampled, pruned, or refused before routing) or a connection
// no instance remembers.
//
// Thread safety: pure functions; the route runs on the blocking pool (database, cluster question).
// Ownership/lifetime: everything passed to RegisterExplainRoute must outlive the router.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/auth.h"
#include "broker/cluster_rpc.h"
#include "monitor/socket_journal.h"
#include "monitor/trace_recorder.h"
#include "net/router.h"
#include "registry/application_service.h"
#include "store/trace_repository.h"

namespace rt::api {

// The explanation for one event (its per-instance trace rows, not empty) and one connection.
boost::json::object ExplainDelivery(const std::vector<store::TraceRow>& trace, const monitor::ConnectionRecord& c);

// A connection record as JSON and back (what instances send each other; everything explain reads).
boost::json::object ConnectionToWire(const monitor::ConnectionRecord& c);
std::optional<monitor::ConnectionRecord> ConnectionFromWire(const boost::json::value& v);

struct ExplainDeps {
  store::TraceRepository& traces;
  const monitor::TraceRecorder* recent = nullptr;  // this instance's traces not written yet
  monitor::SocketJournal& journal;
  broker::ClusterRpc* cluster = nullptr;  // null: this instance's journal only
  std::chrono::milliseconds cluster_timeout{3000};
};

// Makes this instance answer the others' connection lookups (before cluster.Start()).
void ServeConnectionQuestions(broker::ClusterRpc& cluster, monitor::SocketJournal& journal);

void RegisterExplainRoute(net::Router& router, ExplainDeps deps, registry::ApplicationService& apps,
                          const AuthGate& gate);

}  // namespace rt::api
