// SubscriptionHub: who receives which event, sharded by I/O thread (DESIGN.md §4).
//
// Each shard holds the subscriptions of the connections living on its thread, indexed by
// (application, environment, topic). Publish appends the event to the inbox of every shard that
// has a subscriber for its topic (TopicInterest; one short per-shard lock, no global lock) and
// schedules a drain on that shard; the drain takes all
// queued events, matches filters, hands each subscriber the shared pre-encoded frame, and then
// flushes every touched subscriber once — so a burst of events costs one write per connection
// (and when more events wait already, that flush joins the next drain's: SetFlushCoalescing).
// A connection with several matching subscriptions on a topic receives each event once.
// Each drain adds, once per event, the topic's subscriptions on the shard, the frames queued and
// the subscriptions filtered out to the event's RoutingCounts (events/routed_event.h; traces).
//
// Bounded inboxes: each shard's inbox holds at most max_inbox_bytes of events (envelope sizes)
// waiting for its drain. Past that, Publish drops the event for that shard, counts it
// (HubStats::dropped) and logs once per overload episode. Dropping rather than blocking the
// publisher: Publish runs on I/O threads (a /ws publish runs on its connection's shard), and
// waiting there for another shard's drain would stall every connection of the thread or
// deadlock two shards waiting for each other; delivery is at most once anyway (docs/protocol.md).
//
// Subscribe/Unsubscribe/RemoveAll must run on the subscriber's shard thread.
// CollectSubscriptions (the debugger) reads the subscriptions of one (scope, topic) on each
// shard's own thread and hands out copies; it never blocks a shard and never publishes.
// Lifetime: a Subscriber must call RemoveAll before it is destroyed. The hub must outlive the
// executor's tasks (stop the executor first).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/scope.h"
#include "core/shard_executor.h"
#include "events/filter.h"
#include "events/event_metrics.h"
#include "events/routed_event.h"
#include "events/topic_interest.h"

namespace rt::events {

// One connection, as the hub sees it. Called on its shard thread only. Enqueue and Flush must
// not call back into the hub (close asynchronously instead).
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual Wire wire() const = 0;
  // The connection's socket id (for excluding a channel message's sender); may be empty.
  virtual const std::string& socket_id() const = 0;
  // Queue a frame without writing yet. False when it was dropped (the connection is closing, or
  // is being closed as a slow consumer): a traced event notes it (RoutingDecision kDropped).
  virtual bool Enqueue(const std::shared_ptr<const std::string>& frame) = 0;
  // Start writing what was queued.
  virtual void Flush() = 0;

  // Hub-private bookkeeping (shard thread only): last drain and last event that touched us.
  uint64_t hub_drain_mark = 0;
  uint64_t hub_event_mark = 0;
};

// A copy of one subscription (CollectSubscriptions), owned by the receiver.
struct SubscriptionInfo {
  std::string id;         // "sub_…"
  std::string socket_id;  // the subscriber's connection (may be empty)
  ReturnMode mode = ReturnMode::kFull;
  // The filter as subscribed (Filter::source(), shared with the hub: immutable); null = none.
  // Subscriptions whose filters differ only in key order share the first one's text.
  std::shared_ptr<const boost::json::value> filter;
};

struct HubStats {
  std::atomic<uint64_t> published{0};   // events handed to Publish
  std::atomic<uint64_t> delivered{0};   // frames queued to subscribers
  std::atomic<uint64_t> filtered{0};    // (subscription, event) pairs a filter rejected
  std::atomic<int64_t> subscriptions{0};
  std::atomic<uint64_t> dropped{0};     // (event, shard) pairs dropped because the inbox was full
};

class SubscriptionHub {
 public:
  static constexpr size_t kDefaultMaxInboxBytes = 64 << 20;
  explicit SubscriptionHub(ShardExecutor& executor, size_t max_inbox_bytes = kDefaultMaxInboxBytes);
  ~SubscriptionHub();
  SubscriptionHub(const SubscriptionHub&) = delete;
  SubscriptionHub& operator=(const SubscriptionHub&) = delete;

  // Any thread. Delivers to the matching subscribers of every shard.
  void Publish(std::shared_ptr<const RoutedEvent> event);

  // Shard thread only. Returns the new subscription id ("sub_…").
  std::string Subscribe(size_t shard, Subscriber* sub, const Scope& scope, const std::string& topic, Filter filter,
                        ReturnMode mode);
  // Shard thread only. False if the subscription is not this subscriber's.
  bool Unsubscribe(size_t shard, Subscriber* sub, const std::string& subscription_id);
  // Shard thread only. Drops every subscription of the subscriber.
  void RemoveAll(size_t shard, Subscriber* sub);
  // Any thread. Posts one task per shard; each copies the subscriptions of (scope, topic) on its
  // shard thread and calls on_shard(shard, copies) there. Shards answer concurrently, so on_shard
  // must be thread-safe; it must not call into the hub. A shard whose task the executor drops
  // (shut down) never answers: the caller must not wait for it without a timeout.
  using SubscriptionsCallback = std::function<void(size_t shard, std::vector<SubscriptionInfo> subs)>;
  void CollectSubscriptions(const Scope& scope, const std::string& topic, SubscriptionsCallback on_shard);
  // Shard thread only. Subscriptions of one subscriber (for limits).
  size_t CountFor(size_t shard, Subscriber* sub) const;

  const HubStats& stats() const { return stats_; }
  // realtime_broadcast_latency_seconds: one delivered event in kLatencySampleEvery per shard.
  static constexpr uint64_t kLatencySampleEvery = 16;
  const LatencyHistogram& latency() const { return latency_; }
  // Per-topic subscriber counts and latency samples go to `counters` (the router's; hot topics,
  // analytics). Call before the first Subscribe; `counters` must outlive the hub.
  void SetTopicCounters(TopicCounters* counters) { topic_counters_ = counters; }
  // Off: no latency samples at all (REALTIME_METRICS=off, the bench's baseline). Before Publish.
  void SetLatencySampling(bool on) { sample_latency_ = on; }
  // Write coalescing under load: when a drain ends and more events are already waiting for the
  // shard, its connections' flush waits for the next drain, as long as the oldest unflushed frame
  // is younger than `max_delay` (0: flush after every drain). Never delays a lone event. Before
  // Publish.
  static constexpr std::chrono::nanoseconds kDefaultCoalescing = std::chrono::milliseconds(1);
  void SetFlushCoalescing(std::chrono::nanoseconds max_delay) { coalesce_ns_ = max_delay.count(); }
  size_t shard_count() const { return shards_.size(); }
  // Which shards subscribe to which topic keys; the broker listens to it (cluster interest).
  TopicInterest& interest() { return interest_; }

 private:
  struct Shard;
  void Drain(size_t shard);
  void FlushDirty(Shard& s, int64_t now_ns);

  ShardExecutor& executor_;
  const size_t max_inbox_bytes_;
  std::vector<std::unique_ptr<Shard>> shards_;
  HubStats stats_;
  TopicInterest interest_;
  LatencyHistogram latency_;
  TopicCounters* topic_counters_ = nullptr;
  bool sample_latency_ = true;
  int64_t coalesce_ns_ = kDefaultCoalescing.count();
};

}  // namespace rt::events
