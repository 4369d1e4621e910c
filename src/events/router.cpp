#include "events/router.h"

#include "broker/cluster_rpc.h"
#include "core/ids.h"
#include "core/log.h"

namespace rt::events {

EventRouter::EventRouter(SubscriptionHub& hub, broker::Broker& broker, const registry::TopicPolicy& topics,
                         NormalizeOptions options)
    : hub_(hub), broker_(broker), topics_(topics), options_(options), topic_counts_(options.metrics_max_topics) {}

Result<std::string> EventRouter::Publish(const Scope& scope, RawEventInput input) {
  std::string exclude = std::move(input.exclude_socket);
  auto event = Admit(scope, std::move(input));
  if (!event.ok()) return event.take_error();
  return Deliver(scope, std::move(*event), std::move(exclude));
}

Result<RealtimeEvent> EventRouter::Admit(const Scope& scope, RawEventInput input) {
  if (auto refusal = PublishRefusal(input.topic, input.source, input.internal)) {
    stats_.rejected.fetch_add(1, std::memory_order_relaxed);
    return Error::Forbidden(std::move(*refusal));
  }
  if (Status st = topics_.CheckUse(scope, input.topic); !st.ok()) {
    stats_.rejected.fetch_add(1, std::memory_order_relaxed);
    return st.take_error();
  }
  auto event = Normalize(std::move(input), options_, NowMs());
  if (!event.ok()) {
    stats_.rejected.fetch_add(1, std::memory_order_relaxed);
    return event.take_error();
  }
  for (const auto& stage : stages_) {
    if (Status st = stage(scope, *event); !st.ok()) {
      stats_.rejected.fetch_add(1, std::memory_order_relaxed);
      return st.take_error();
    }
  }
  return event;
}

std::string EventRouter::Deliver(const Scope& scope, RealtimeEvent event, std::string exclude_socket) {
  std::string id = event.id;
  if (event.source == Source::kDatabase && !recent_.Insert(id)) {  // a repeat (replay after a crash)
    stats_.duplicates.fetch_add(1, std::memory_order_relaxed);
    return id;
  }
  if (options_.count_topics) topic_counts_.Count(event.source, event.topic);
  std::string json = SerializeEvent(event);
  broker_.Publish({scope, event.topic, json, exclude_socket});
  auto routed =
      std::make_shared<const RoutedEvent>(scope, std::move(event), std::move(json), std::move(exclude_socket));
  FanOut(routed, false);
  stats_.published.fetch_add(1, std::memory_order_relaxed);
  return id;
}

void EventRouter::OnRemote(broker::BrokerMessage&& m) {
  if (m.scope.environment == broker::kControlScope) {
    if (control_) control_(std::move(m));
    return;
  }
  auto event = ParseEvent(m.event_json);
  if (!event.ok() || event->topic != m.topic) {
    log::Warn("dropped an undecodable event from another instance", {{"topic", m.topic}});
    return;
  }
  if (event->source == Source::kDatabase && !recent_.Insert(event->id)) {
    stats_.duplicates.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  stats_.remote.fetch_add(1, std::memory_order_relaxed);
  auto routed = std::make_shared<const RoutedEvent>(std::move(m.scope), std::move(*event), std::move(m.event_json),
                                                    std::move(m.exclude));
  FanOut(routed, true);
}

void EventRouter::FanOut(const std::shared_ptr<const RoutedEvent>& routed, bool remote) {
  if (trace_decisions_ && trace_decisions_(routed->event().id)) routed->RecordDecisions();
  hub_.Publish(routed);
  for (const auto& observer : observers_) observer(*routed, remote);
  for (const auto& observer : retaining_) observer(routed, remote);
}

}  // namespace rt::events
