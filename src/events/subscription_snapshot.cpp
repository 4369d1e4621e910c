#include "events/subscription_snapshot.h"

#include <condition_variable>
#include <memory>
#include <mutex>

namespace rt::events {
namespace {

// Shared with the shard tasks, which may answer after the caller gave up.
struct Gather {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::vector<SubscriptionInfo>> by_shard;  // guarded by mu
  size_t answered = 0;                                  // guarded by mu
  bool closed = false;                                  // guarded by mu: the caller has taken the result
};

}  // namespace

SubscriptionSnapshot SnapshotSubscriptions(SubscriptionHub& hub, const Scope& scope, const std::string& topic,
                                           std::chrono::milliseconds timeout) {
  const size_t n = hub.shard_count();
  auto g = std::make_shared<Gather>();
  g->by_shard.resize(n);
  hub.CollectSubscriptions(scope, topic, [g](size_t shard, std::vector<SubscriptionInfo> subs) {
    std::lock_guard lock(g->mu);
    if (g->closed) return;
    g->by_shard[shard] = std::move(subs);
    ++g->answered;
    if (g->answered == g->by_shard.size()) g->cv.notify_one();
  });
  SubscriptionSnapshot out;
  out.shards = n;
  std::unique_lock lock(g->mu);
  g->cv.wait_for(lock, timeout, [&g] { return g->answered == g->by_shard.size(); });
  g->closed = true;
  out.answered = g->answered;
  for (auto& subs : g->by_shard)
    for (auto& s : subs) out.subscriptions.push_back(std::move(s));
  return out;
}

}  // namespace rt::events
