#include "app/realtime_core.h"

#include "broker/memory_broker.h"
#include "broker/redis_broker.h"
#include "broker/redis_presence.h"
#include "core/ids.h"
#include "core/log.h"

namespace rt::app {
namespace {

std::unique_ptr<broker::Broker> MakeBroker(const Config& config, const std::string& instance_id) {
  if (config.redis_url.empty()) return std::make_unique<broker::MemoryBroker>();
  return std::make_unique<broker::RedisBroker>(config.redis_url, instance_id);
}

std::unique_ptr<broker::PresenceStore> MakePresence(const Config& config, const std::string& instance_id) {
  if (config.redis_url.empty()) return std::make_unique<broker::MemoryPresence>();
  auto pool = broker::RedisPool::Create({config.redis_url});
  if (!pool.ok()) {
    log::Error("Redis presence unavailable; using this instance only", {{"error", pool.error().message}});
    return std::make_unique<broker::MemoryPresence>();
  }
  return std::make_unique<broker::RedisPresence>(std::move(*pool), instance_id);
}

gateway::SioHandshake Handshake(const net::HttpRequest& req) {
  gateway::SioHandshake h;
  if (const std::string* t = req.Query("token")) h.query_token = *t;
  h.bearer_token = net::BearerToken(req);
  if (const std::string* e = req.Query("environment")) h.environment = *e;
  else if (const std::string* x = req.Header("x-environment")) h.environment = *x;
  return h;
}

gateway::NativeGatewayOptions GatewayOptions(const Config& config) {
  gateway::NativeGatewayOptions o;
  o.auth_timeout = std::chrono::milliseconds(config.ws_auth_timeout_ms);
  o.rate_per_second = config.ws_rate_per_second;
  o.burst = config.ws_rate_burst;
  return o;
}

}  // namespace

RealtimeCore::RealtimeCore(const Config& config, Platform& platform, net::HttpServer& server)
    : instance_id(NewId("inst")),
      broker(MakeBroker(config, instance_id)),
      hub(server),
      router(hub, *broker, platform.topic_catalog,
             events::NormalizeOptions{static_cast<size_t>(config.max_event_payload_bytes)}),
      presence(MakePresence(config, instance_id)),
      channels(*presence, router, server),
      deps{platform.tokens, hub, router, platform.topic_catalog, channels},
      native(deps, GatewayOptions(config)),
      sio_product(deps) {
  server.AddWebSocketRoute("/ws", [this](const net::HttpRequest& req, size_t shard) {
    return native.Accept(req, shard);
  });
  gateway::EioOptions eio{config.socketio_ping_interval_ms, config.socketio_ping_timeout_ms, config.socketio_max_payload,
                          config.socketio_upgrade_timeout_ms};
  gateway::SioApp& app = config.socketio_conformance ? static_cast<gateway::SioApp&>(sio_conformance)
                                                     : static_cast<gateway::SioApp&>(sio_product);
  auto connect_timeout = std::chrono::milliseconds(config.socketio_connect_timeout_ms);
  socketio = std::make_unique<gateway::EioServer>(
      server, eio, [&app, &server, connect_timeout](const net::HttpRequest& req) {
        return std::make_unique<gateway::SioConnection>(app, Handshake(req), connect_timeout,
                                                        server.shard_context(req.shard));
      });
  if (config.socketio_conformance) {
    engineio_echo = std::make_unique<gateway::EioServer>(server, eio, [](const net::HttpRequest&) {
      return gateway::MakeEchoHandler();
    });
  }
}

void RealtimeCore::Mount(net::Router& r) {
  socketio->Mount(r, "/socket.io/");
  if (engineio_echo) engineio_echo->Mount(r, "/engine.io/");
}

Status RealtimeCore::Start() {
  RT_TRY(broker->Start([this](broker::BrokerMessage&& m) { router.OnRemote(std::move(m)); }));
  channels.Start();
  log::Info("broker started", {{"broker", broker->Name()}, {"instance", instance_id}});
  return Ok();
}

void RealtimeCore::Stop() {
  channels.Stop();
  broker->Stop();
}

}  // namespace rt::app
