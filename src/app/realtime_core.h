// RealtimeCore: the realtime path wired for `serve` — broker (memory, or Redis with REDIS_URL),
// subscription hub (sharded over the HTTP server's I/O threads), event router and the /ws
// gateway. Built after the HttpServer (its shards) and before Start; Stop() the broker after the
// server has shut down.
#pragma once

#include <memory>
#include <string>

#include "app/platform.h"
#include "broker/broker.h"
#include "core/config.h"
#include "events/hub.h"
#include "events/router.h"
#include "gateway/native_gateway.h"
#include "net/http_server.h"

namespace rt::app {

struct RealtimeCore {
  RealtimeCore(const Config& config, Platform& platform, net::HttpServer& server);
  // Starts the broker (connecting to Redis in the background when configured).
  Status Start();
  void Stop();

  std::string instance_id;
  std::unique_ptr<broker::Broker> broker;
  events::SubscriptionHub hub;
  events::EventRouter router;
  gateway::NativeGateway native;
};

}  // namespace rt::app
