#include "app/realtime_core.h"

#include "app/pipeline.h"
#include "broker/memory_broker.h"
#include "broker/redis_presence.h"
#include "core/ids.h"
#include "core/log.h"
#include "events/cluster_interest.h"

namespace rt::app {
namespace {

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
  h.remote_address = req.remote_ip;
  if (const std::string* ua = req.Header("user-agent")) h.user_agent = *ua;
  return h;
}

gateway::NativeGatewayOptions GatewayOptions(const Config& config, gateway::ConnectionLimiter* limiter) {
  gateway::NativeGatewayOptions o;
  o.limiter = limiter;
  o.auth_timeout = std::chrono::milliseconds(config.ws_auth_timeout_ms);
  o.rate_per_second = config.ws_rate_per_second;
  o.burst = config.ws_rate_burst;
  return o;
}

}  // namespace

RealtimeCore::RealtimeCore(const Config& config, Platform& platform, net::HttpServer& server)
    : instance_id(NewId("inst")),
      limiter(static_cast<size_t>(config.max_connections), static_cast<size_t>(config.max_connections_per_ip)),
      broker(MakeBroker(config, instance_id)),
      hub(server, static_cast<size_t>(config.hub_inbox_max_bytes)),
      router(hub, *broker, platform.topic_catalog,
             events::NormalizeOptions{static_cast<size_t>(config.max_event_payload_bytes),
                                       static_cast<size_t>(config.metrics_max_topics), config.metrics_enabled}),
      cluster(*broker, instance_id),
      poll_relay(*broker, instance_id, [this](const std::string& id) { return cluster.IsAlive(id); },
                 gateway::PollRelayOptions{std::chrono::milliseconds(config.socketio_ping_interval_ms +
                                                                     config.socketio_ping_timeout_ms)}),
      presence(MakePresence(config, instance_id)),
      channels(*presence, router, server),
      token_watch(server, [&server](size_t shard) -> boost::asio::io_context& { return server.shard_context(shard); }),
      journal(monitor::SocketJournalOptions{instance_id}),
      deps{platform.tokens, hub, router, platform.topic_catalog, channels,
           static_cast<size_t>(config.max_subscriptions_per_connection),
           static_cast<size_t>(config.max_channels_per_connection)},
      native(deps, GatewayOptions(config, &limiter)),
      sio_product(deps, gateway::MessageBudgetOptions{static_cast<double>(config.ws_rate_per_second),
                                                      static_cast<double>(config.ws_rate_burst)}),
      platform(platform) {
  // Live connections follow their token (gateway/token_watch.h): deleted keys and applications,
  // here or on another instance (the key ring and topic catalog polls), close their connections.
  deps.token_watch = &token_watch;
  deps.journal = &journal;  // the socket monitor (docs/socket-monitor.md)
  // Cluster interest (issue 20 item 4): the broker carries to this instance only the topics with a
  // local subscriber. The listener runs under a TopicInterest stripe lock on an I/O thread: the
  // broker only records the change. Acks of subscribe / join wait for the broker's confirmation.
  events::FollowInterest(hub, *broker);
  if (!config.redis_url.empty()) {  // one instance: acks at once, no extra work
    deps.broker = broker.get();
    deps.executor = &server;
  }
  router.SetControlHandler([this](broker::BrokerMessage&& m) {
    if (m.topic == gateway::kPollRelayTopic) poll_relay.OnControl(std::move(m));
    else cluster.OnControl(std::move(m));
  });
  // The schema gate (registry/schema_gate.h): every event published here to a topic with an
  // active schema version is validated before fan-out, whatever its source.
  AddSchemaGate(router, platform.schema_gate);
  hub.SetFlushCoalescing(std::chrono::microseconds(config.hub_coalesce_us));
  if (config.metrics_enabled) hub.SetTopicCounters(&router.topic_counts());  // per topic (hot topics)
  else hub.SetLatencySampling(false);  // REALTIME_METRICS=off: the bench's baseline
  platform.keys.SetRemovalListener([this](const std::vector<std::string>& ids) { token_watch.KeysRemoved(ids); });
  platform.apps.SetDeletionListener([this](const std::string& id) { token_watch.ApplicationsRemoved({id}); });
  platform.topic_catalog.SetRemovalListener(
      [this](const std::vector<std::string>& ids) { token_watch.ApplicationsRemoved(ids); });
  server.AddWebSocketRoute("/ws", [this](const net::HttpRequest& req, size_t shard) {
    return native.Accept(req, shard);
  });
  gateway::EioOptions eio{config.socketio_ping_interval_ms, config.socketio_ping_timeout_ms, config.socketio_max_payload,
                          config.socketio_upgrade_timeout_ms, static_cast<size_t>(config.ws_max_queue_bytes)};
  gateway::SioApp& app = config.socketio_conformance ? static_cast<gateway::SioApp&>(sio_conformance)
                                                     : static_cast<gateway::SioApp&>(sio_product);
  auto connect_timeout = std::chrono::milliseconds(config.socketio_connect_timeout_ms);
  socketio = std::make_unique<gateway::EioServer>(
      server, eio, [&app, &server, connect_timeout](const net::HttpRequest& req) {
        return std::make_unique<gateway::SioConnection>(app, Handshake(req), connect_timeout,
                                                        server.shard_context(req.shard));
      },
      &limiter);
  socketio->EnableRelay(poll_relay);
  if (config.socketio_conformance) {
    engineio_echo = std::make_unique<gateway::EioServer>(server, eio, [](const net::HttpRequest&) {
      return gateway::MakeEchoHandler();
    });
  }
}

RealtimeCore::~RealtimeCore() {
  platform.keys.SetRemovalListener(nullptr);
  platform.apps.SetDeletionListener(nullptr);
  platform.topic_catalog.SetRemovalListener(nullptr);
}

void RealtimeCore::Mount(net::Router& r) {
  socketio->Mount(r, "/socket.io/");
  if (engineio_echo) engineio_echo->Mount(r, "/engine.io/");
}

Status RealtimeCore::Start() {
  RT_TRY(broker->Start([this](broker::BrokerMessage&& m) { router.OnRemote(std::move(m)); }));
  channels.Start();
  cluster.Start();
  log::Info("broker started", {{"broker", broker->Name()}, {"instance", instance_id}});
  return Ok();
}

void RealtimeCore::Stop() {
  poll_relay.Stop();
  cluster.Stop();
  channels.Stop();
  broker->Stop();
}

}  // namespace rt::app
