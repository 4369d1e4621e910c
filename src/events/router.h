// EventRouter: the one entry point for every event source (REST, /ws, Socket.IO, sync, CDC,
// outbox, replay). The publish pipeline is a sequence of stages:
//   normalize -> topic policy -> [stages: schema validation, traces, … added by later features]
//   -> serialize once -> fan out locally (SubscriptionHub) and to other instances (Broker)
//   -> [observers: webhooks, metrics, traces (AddRetainingObserver: keeps the event)]
// Events from other instances enter through OnRemote and go straight to the local fan-out.
// Duplicate filter: database events (CDC, outbox) carry deterministic ids; one whose id was
// already published here or received from another instance is dropped (events/recent_ids.h).
//
// Thread safety: Publish may be called from any thread concurrently and does not block on I/O.
// Stages and observers are added during start-up only; they must be thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker/broker.h"
#include "core/scope.h"
#include "events/event.h"
#include "events/event_metrics.h"
#include "events/hub.h"
#include "events/recent_ids.h"
#include "registry/topic_policy.h"

namespace rt::events {

// A stage may reject (the error reaches the publisher) or amend the event.
using PublishStage = std::function<Status(const Scope&, RealtimeEvent&)>;
// Observers see every event fanned out here, local or remote (after delivery was scheduled).
using EventObserver = std::function<void(const RoutedEvent&, bool remote)>;
// The same, keeping a reference to the event (traces read its RoutingCounts after the drains).
using RetainingObserver = std::function<void(const std::shared_ptr<const RoutedEvent>&, bool remote)>;

struct RouterStats {
  std::atomic<uint64_t> published{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<uint64_t> remote{0};
  std::atomic<uint64_t> duplicates{0};  // database events dropped as repeats (local or remote)
};

class EventRouter {
 public:
  EventRouter(SubscriptionHub& hub, broker::Broker& broker, const registry::TopicPolicy& topics,
              NormalizeOptions options);

  void AddStage(PublishStage stage) { stages_.push_back(std::move(stage)); }
  void AddObserver(EventObserver observer) { observers_.push_back(std::move(observer)); }
  void AddRetainingObserver(RetainingObserver observer) { retaining_.push_back(std::move(observer)); }
  // Which events (by id) the hub notes per-subscription decisions for (RoutedEvent::decisions():
  // the traces' routing decisions). Start-up only; must be cheap and thread-safe.
  void SetDecisionTracing(std::function<bool(std::string_view event_id)> select) { trace_decisions_ = std::move(select); }

  // Publishes; returns the event id (also for a dropped duplicate, which is not an error). ForbiddenError (a reserved topic: PublishRefusal in
  // events/event.h) / ValidationError / NotFoundError (strict topics) / PayloadTooLarge, or a
  // stage's error; nothing is delivered then.
  Result<std::string> Publish(const Scope& scope, RawEventInput input);
  // Publish in two halves (the debugger's replay uses them apart). Admit runs Publish's checks and
  // stages (reserved topics, topic policy, Normalize, schema gate…) and returns the event as it
  // would be delivered, or the error Publish would answer; it delivers nothing.
  Result<RealtimeEvent> Admit(const Scope& scope, RawEventInput input);
  // Delivers an admitted event (duplicate filter, broker, local fan-out, observers); its id.
  std::string Deliver(const Scope& scope, RealtimeEvent event, std::string exclude_socket = {});

  // Handler for the broker: an event published on another instance. Control messages (scope
  // broker::kControlScope: the cluster's request/reply, broker/cluster_rpc.h) go to the control
  // handler instead, or are dropped when there is none; they never reach a subscriber.
  void OnRemote(broker::BrokerMessage&& message);
  // Start-up only.
  void SetControlHandler(std::function<void(broker::BrokerMessage&&)> handler) { control_ = std::move(handler); }

  const RouterStats& stats() const { return stats_; }
  // realtime_events_received_total{source,topic} (events/event_metrics.h).
  const TopicCounters& topic_counts() const { return topic_counts_; }
  TopicCounters& topic_counts() { return topic_counts_; }
  const NormalizeOptions& options() const { return options_; }

 private:
  void FanOut(const std::shared_ptr<const RoutedEvent>& routed, bool remote);

  SubscriptionHub& hub_;
  broker::Broker& broker_;
  const registry::TopicPolicy& topics_;
  const NormalizeOptions options_;
  std::vector<PublishStage> stages_;
  std::vector<EventObserver> observers_;
  std::vector<RetainingObserver> retaining_;
  RouterStats stats_;
  RecentIds recent_;  // ids of database events (the duplicate filter)
  TopicCounters topic_counts_;
  std::function<void(broker::BrokerMessage&&)> control_;
  std::function<bool(std::string_view)> trace_decisions_;
};

}  // namespace rt::events
