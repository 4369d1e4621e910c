#include "app/realtime_core.h"

#include "broker/memory_broker.h"
#include "broker/redis_broker.h"
#include "core/ids.h"
#include "core/log.h"

namespace rt::app {
namespace {

std::unique_ptr<broker::Broker> MakeBroker(const Config& config, const std::string& instance_id) {
  if (config.redis_url.empty()) return std::make_unique<broker::MemoryBroker>();
  return std::make_unique<broker::RedisBroker>(config.redis_url, instance_id);
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
      native(platform.tokens, hub, router, platform.topic_catalog, GatewayOptions(config)) {
  server.AddWebSocketRoute("/ws", [this](const net::HttpRequest& req, size_t shard) {
    return native.Accept(req, shard);
  });
}

Status RealtimeCore::Start() {
  RT_TRY(broker->Start([this](broker::BrokerMessage&& m) { router.OnRemote(std::move(m)); }));
  log::Info("broker started", {{"broker", broker->Name()}, {"instance", instance_id}});
  return Ok();
}

void RealtimeCore::Stop() { broker->Stop(); }

}  // namespace rt::app
