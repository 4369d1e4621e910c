// SnapshotSubscriptions: the live subscriptions of one (scope, topic) on this instance, gathered
// from every hub shard (SubscriptionHub::CollectSubscriptions) for the debugger.
//
// Ownership: the snapshot owns copies; the filters are shared immutable JSON.
// Thread safety / blocking: blocks the calling thread until every shard has answered or the
// timeout passes. Call it from a thread that is not a shard (I/O) thread — the blocking pool —
// since a shard cannot answer while its own thread waits (that shard would count as missing).
// Failure: a shard that does not answer in time (busy, or the server shutting down) leaves the
// snapshot partial (answered < shards); its late answer is discarded safely.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/scope.h"
#include "events/hub.h"

namespace rt::events {

struct SubscriptionSnapshot {
  std::vector<SubscriptionInfo> subscriptions;  // grouped by shard, shards in index order
  size_t shards = 0;                            // shards asked
  size_t answered = 0;                          // shards that answered in time
  bool partial() const { return answered < shards; }
};

SubscriptionSnapshot SnapshotSubscriptions(SubscriptionHub& hub, const Scope& scope, const std::string& topic,
                                           std::chrono::milliseconds timeout);

}  // namespace rt::events
