// SubscriptionHub: who receives which event, sharded by I/O thread (DESIGN.md §4).
//
// Each shard holds the subscriptions of the connections living on its thread, indexed by
// (application, environment, topic). Publish appends the event to every shard's inbox (one
// short per-shard lock, no global lock) and schedules a drain on that shard; the drain takes all
// queued events, matches filters, hands each subscriber the shared pre-encoded frame, and then
// flushes every touched subscriber once — so a burst of events costs one write per connection.
// A connection with several matching subscriptions on a topic receives each event once.
//
// Bounded inboxes: each shard's inbox holds at most max_inbox_bytes of events (envelope sizes)
// waiting for its drain. Past that, Publish drops the event for that shard, counts it
// (HubStats::dropped) and logs once per overload episode. Dropping rather than blocking the
// publisher: Publish runs on I/O threads (a /ws publish runs on its connection's shard), and
// waiting there for another shard's drain would stall every connection of the thread or
// deadlock two shards waiting for each other; delivery is at most once anyway (docs/protocol.md).
//
// Subscribe/Unsubscribe/RemoveAll must run on the subscriber's shard thread.
// Lifetime: a Subscriber must call RemoveAll before it is destroyed. The hub must outlive the
// executor's tasks (stop the executor first).
#pragma once

#include <atomic>
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

namespace rt::events {

// One connection, as the hub sees it. Called on its shard thread only. Enqueue and Flush must
// not call back into the hub (close asynchronously instead).
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual Wire wire() const = 0;
  // The connection's socket id (for excluding a channel message's sender); may be empty.
  virtual const std::string& socket_id() const = 0;
  // Queue a frame without writing yet.
  virtual void Enqueue(const std::shared_ptr<const std::string>& frame) = 0;
  // Start writing what was queued.
  virtual void Flush() = 0;

  // Hub-private bookkeeping (shard thread only): last drain and last event that touched us.
  uint64_t hub_drain_mark = 0;
  uint64_t hub_event_mark = 0;
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
  // Shard thread only. Subscriptions of one subscriber (for limits).
  size_t CountFor(size_t shard, Subscriber* sub) const;

  const HubStats& stats() const { return stats_; }
  // realtime_broadcast_latency_seconds: one delivered event in kLatencySampleEvery per shard.
  static constexpr uint64_t kLatencySampleEvery = 16;
  const LatencyHistogram& latency() const { return latency_; }
  size_t shard_count() const { return shards_.size(); }

 private:
  struct Shard;
  void Drain(size_t shard);

  ShardExecutor& executor_;
  const size_t max_inbox_bytes_;
  std::vector<std::unique_ptr<Shard>> shards_;
  HubStats stats_;
  LatencyHistogram latency_;
};

}  // namespace rt::events
