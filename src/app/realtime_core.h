// RealtimeCore: the realtime path wired for `serve` — broker (memory, or Redis with REDIS_URL),
// subscription hub (sharded over the HTTP server's I/O threads), event router and the /ws
// gateway and the Socket.IO endpoint. Built after the HttpServer (its shards) and before Start; Stop() the broker after the
// server has shut down.
// Destruction order: members are declared in dependency order and destroyed in reverse, so the
// Engine.IO sessions (socketio) go before the gateways, token watch, channels, hub and broker
// they use. Connections held by the HttpServer's shards are destroyed by HttpServer::Shutdown,
// which must therefore run before this is destroyed (serve.cpp; a connection that outlived the
// drain would otherwise be destroyed with the io_contexts, after this, and touch freed gateways).
#pragma once

#include <memory>
#include <string>

#include "app/platform.h"
#include "broker/broker.h"
#include "broker/cluster_rpc.h"
#include "broker/presence.h"
#include "core/config.h"
#include "events/hub.h"
#include "events/router.h"
#include "gateway/channel_service.h"
#include "gateway/connection_limiter.h"
#include "gateway/eio_server.h"
#include "gateway/native_gateway.h"
#include "gateway/poll_relay.h"
#include "gateway/sio_conformance.h"
#include "gateway/sio_product.h"
#include "gateway/token_watch.h"
#include "monitor/socket_journal.h"
#include "net/http_server.h"

namespace rt::app {

struct RealtimeCore {
  RealtimeCore(const Config& config, Platform& platform, net::HttpServer& server);
  // Unhooks the token watch from the platform's key ring, applications and topic catalog.
  ~RealtimeCore();
  RealtimeCore(const RealtimeCore&) = delete;
  RealtimeCore& operator=(const RealtimeCore&) = delete;
  // Mounts the Socket.IO endpoint (and, in conformance mode, /engine.io/) on the router.
  void Mount(net::Router& router);
  // Starts the broker (connecting to Redis in the background when configured).
  Status Start();
  void Stop();

  std::string instance_id;
  gateway::ConnectionLimiter limiter;  // /ws connections + Engine.IO sessions
  std::unique_ptr<broker::Broker> broker;
  events::SubscriptionHub hub;
  events::EventRouter router;
  broker::ClusterRpc cluster;  // questions to every instance (debugger, socket monitor); handlers before Start()
  // Engine.IO polling without sticky sessions: requests for other instances' sessions are
  // relayed to their owner (gateway/poll_relay.h); before socketio, whose sessions it serves.
  gateway::PollRelay poll_relay;
  std::unique_ptr<broker::PresenceStore> presence;
  gateway::ChannelService channels;
  gateway::TokenWatch token_watch;  // closes connections whose token expires or is revoked
  // The connections of this instance (monitor/socket_journal.h: socket monitor, explain); it
  // outlives the gateways that report to it (declared before them).
  monitor::SocketJournal journal;
  gateway::GatewayDeps deps;
  gateway::NativeGateway native;
  gateway::ProductSioApp sio_product;
  gateway::ConformanceSioApp sio_conformance;
  std::unique_ptr<gateway::EioServer> socketio;
  std::unique_ptr<gateway::EioServer> engineio_echo;  // conformance mode only
  Platform& platform;
};

}  // namespace rt::app
