// The publish path shared by `serve` and `worker` (DESIGN.md §3, docs/cdc.md).
//
// AddSchemaGate installs the schema registry's gate as a router stage (every event to a topic
// with an active schema is validated before fan-out, whatever its source). MakeBroker picks the
// broker: Redis with REDIS_URL, else the in-process one.
//
// Pipeline is the router of `realtime worker`: it has no client connections, so its hub has no
// subscriber and events reach the clients of the `serve` instances through the broker (Redis).
// It listens to the broker only for database events, so the router's duplicate filter also knows
// the ids routed by the instances' readers (failover between a server and a worker), and parses
// nothing else. To hear them it declares the glob interest kAllEvents (a PSUBSCRIBE on
// realtime:event:*): the worker is the one process that still receives every event. With
// REDIS_CLUSTER (no sharded patterns) it hears none; then only the receiving servers filter
// duplicates (their clients never see one), and a failover may repeat a webhook.
//
// Ownership / lifetime: Pipeline references the platform (must outlive it); Stop before
// destruction. Thread safety: router.Publish from any thread; Start/Stop from the owner's thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "app/platform.h"
#include "broker/broker.h"
#include "core/config.h"
#include "core/shard_executor.h"
#include "events/hub.h"
#include "events/router.h"

namespace rt::app {

void AddSchemaGate(events::EventRouter& router, registry::SchemaGate& gate);
std::unique_ptr<broker::Broker> MakeBroker(const Config& config, const std::string& instance_id);

class Pipeline {
 public:
  Pipeline(const Config& config, Platform& platform, std::string instance_id);
  Status Start();
  void Stop();

  events::EventRouter& router() { return router_; }
  const std::string& instance_id() const { return instance_id_; }
  bool reaches_clients() const { return reaches_clients_; }  // false without REDIS_URL

 private:
  // One shard whose tasks run at once on the caller's thread, one at a time.
  class SerialShard final : public ShardExecutor {
   public:
    size_t shard_count() const override { return 1; }
    void PostToShard(size_t, std::function<void()> task) override {
      std::lock_guard lock(mu_);
      task();
    }

   private:
    std::mutex mu_;
  };

  const std::string instance_id_;
  const bool reaches_clients_;
  std::unique_ptr<broker::Broker> broker_;
  SerialShard shard_;
  events::SubscriptionHub hub_;
  events::EventRouter router_;
};

}  // namespace rt::app
