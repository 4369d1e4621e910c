// /api/socket: channels, members, connection count and REST broadcast (spec/20-api-socket.md),
// and the socket monitor (docs/socket-monitor.md). Application- and environment-scoped.
//   GET  /api/socket/channels, /channels/:channel/members, /connections: any token, or anonymous
//        in development. /connections answers {"count": N} (every instance).
//   GET  /api/socket/channels/:channel/members?limit=1..1000 (default 100)&cursor=: one page
//        {channel, members, memberCount, nextCursor|null} (join time, then socket id; follow
//        nextCursor); 400 for a bad limit or cursor. Without limit and cursor: the bare array of
//        every member (spec/20-api-socket.md).
//   GET  /api/socket/connections?details=true[&limit=1..10000, default 1000]: adds "connections",
//        one row per live connection (monitor::SocketJournal::ToJson(record, false): socketId,
//        transport, engineTransport, remoteAddress, userAgent, subject, channels, subscriptions
//        {subscriptionId, topic, filter, returnMode, subscribedAt}, connectedAt, instance) and
//        "partial": true when an instance did not answer. Rows show addresses, user agents and
//        subjects: an admin token (or a session with socket:read, or development's anonymous
//        management) — 403 for other tokens.
//   GET  /api/socket/traffic: a Server-Sent Events stream (net/response_stream.h) of the scope's
//        connect, disconnect, subscribe, unsubscribe, join, leave, broadcast and transport items
//        ("event: <type>", "data: <SocketJournal TrafficItem json>"), preceded by one "ready"
//        event once the stream listens. THIS instance's traffic only (a client connected to
//        another instance shows on that instance's stream). Bounded: a reader more than 1 MiB
//        behind is dropped (the stream ends), the gateways never wait. Admin token or a session
//        with socket:read.
//   POST /api/socket/broadcast: `service` (or admin), or anonymous in development; a traffic
//        item "broadcast" (source "rest") on this instance.
//
// Ownership/lifetime: the services, the journal and `collect`'s captures must outlive the router
// and the HTTP server's streams. Thread safety: the handlers run on the blocking pool; the stream
// writers on the gateways' threads (SocketJournal listeners).
#pragma once

#include <boost/json/array.hpp>
#include <chrono>
#include <functional>

#include "api/auth.h"
#include "broker/cluster_rpc.h"
#include "core/result.h"
#include "core/scope.h"
#include "events/router.h"
#include "gateway/channel_service.h"
#include "monitor/socket_journal.h"
#include "net/router.h"
#include "registry/application_service.h"

namespace rt::api {

// The live connections of a scope, for ?details=true.
struct ConnectionDetails {
  boost::json::array connections;  // SocketJournal::ToJson(record, false) rows
  bool partial = false;            // an instance did not answer
};
// Collects them. serve.cpp gives LocalConnectionDetails over this instance's journal; a
// cluster-wide collector (every instance's journal, asked over broker/cluster_rpc.h) has the
// same contract: at most `limit` rows, blocking allowed (it runs on the blocking pool).
using CollectConnections = std::function<Result<ConnectionDetails>(const Scope& scope, size_t limit)>;

// This instance's live connections of the scope (oldest first).
ConnectionDetails LocalConnectionDetails(const monitor::SocketJournal& journal, const Scope& scope, size_t limit);

// The cluster-wide collector: asks every instance for its LocalConnectionDetails over the
// broker (broker/cluster_rpc.h), merged in answer order (this instance's first), at most `limit`.
CollectConnections ClusterConnectionDetails(broker::ClusterRpc& cluster, std::chrono::milliseconds timeout);
// Makes this instance answer the others' questions for its connections (before cluster.Start()).
void ServeConnectionDetailsQuestions(broker::ClusterRpc& cluster, const monitor::SocketJournal& journal);

struct SocketMonitorDeps {
  monitor::SocketJournal& journal;  // this instance's: the traffic stream, REST broadcast items
  CollectConnections collect;       // ?details=true
};

void RegisterSocketRoutes(net::Router& router, gateway::ChannelService& channels, events::EventRouter& events,
                          registry::ApplicationService& apps, const AuthGate& gate, SocketMonitorDeps monitor);

}  // namespace rt::api
