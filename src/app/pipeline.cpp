#include "app/pipeline.h"

#include "broker/memory_broker.h"
#include "broker/redis_broker.h"
#include "core/log.h"

namespace rt::app {

void AddSchemaGate(events::EventRouter& router, registry::SchemaGate& gate) {
  // A refused pipeline event (sync, CDC) has no publisher to answer: it is logged with its id.
  router.AddStage([&gate](const Scope& scope, events::RealtimeEvent& event) {
    Status st = gate.Check(scope, event.topic, event.payload);
    if (!st.ok() && event.source != events::Source::kSocket)
      log::Warn("schema gate refused a pipeline event", {{"eventId", event.id}, {"topic", event.topic},
                                                        {"source", events::SourceName(event.source)},
                                                        {"error", st.error().message}});
    return st;
  });
}

std::unique_ptr<broker::Broker> MakeBroker(const Config& config, const std::string& instance_id) {
  if (config.redis_url.empty()) return std::make_unique<broker::MemoryBroker>();
  return std::make_unique<broker::RedisBroker>(
      broker::RedisBrokerOptions{.url = config.redis_url, .instance_id = instance_id, .sharded = config.redis_cluster});
}

Pipeline::Pipeline(const Config& config, Platform& platform, std::string instance_id)
    : instance_id_(std::move(instance_id)),
      reaches_clients_(!config.redis_url.empty()),
      broker_(MakeBroker(config, instance_id_)),
      hub_(shard_),
      router_(hub_, *broker_, platform.topic_catalog,
              events::NormalizeOptions{static_cast<size_t>(config.max_event_payload_bytes),
                                       static_cast<size_t>(config.metrics_max_topics), config.metrics_enabled}) {
  AddSchemaGate(router_, platform.schema_gate);
}

Status Pipeline::Start() {
  // Every event (a glob interest: one PSUBSCRIBE), for the duplicate filter below. Sharded
  // Pub/Sub has no patterns: with REDIS_CLUSTER the worker hears no events (pipeline.h).
  broker_->SetInterest(broker::kAllEvents, true);
  return broker_->Start([this](broker::BrokerMessage&& m) {
    // Only database events matter here (the duplicate filter); the rest is not even parsed.
    if (m.event_json.find(R"("source":"database")") != std::string::npos) router_.OnRemote(std::move(m));
  });
}

void Pipeline::Stop() { broker_->Stop(); }

}  // namespace rt::app
