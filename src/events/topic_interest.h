// TopicInterest: which I/O shards hold subscribers of each topic key, readable from any thread.
//
// The hub keeps its subscriptions per shard, touched only on the shard's thread. Publish runs on
// any thread and used to wake every shard for every event; with this index it appends the event
// only to the shards that have a subscriber for the topic (a bit per shard, up to 64 shards; with
// more, Shards() answers "all" and nothing is skipped). The same transitions tell the broker which
// topics this instance wants from the others (broker/broker.h SetInterest): a listener is called
// when a key gains its first subscribing shard or loses its last.
//
// Ordering: a shard sets its bit before the hub's Subscribe returns, so a publish that starts
// after a subscription was acknowledged sees it. A publish racing an unsubscribe may still wake a
// shard that no longer has the topic; the drain then finds nothing (harmless).
//
// Thread safety: every method may be called from any thread; Add/Remove for one (shard, key) pair
// come from that shard's thread. Keys are spread over striped mutexes; a lookup holds one stripe
// for a hash-map probe. The listener runs with the key's stripe held (so the transitions of one
// key reach it in order): it must be quick, must not block and must not call back into this
// object. Lifetime: set the listener before the first Add; it must outlive the index's use.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rt::events {

class TopicInterest {
 public:
  // (topic key, interested): true when the first shard subscribed, false when the last left.
  using Listener = std::function<void(const std::string& key, bool interested)>;

  explicit TopicInterest(size_t shard_count) : shard_count_(shard_count) {}
  TopicInterest(const TopicInterest&) = delete;
  TopicInterest& operator=(const TopicInterest&) = delete;

  // A bit per shard with at least one subscriber of `key` (all bits when there are > 64 shards).
  uint64_t Shards(const std::string& key) const;
  // The shard's first subscription to `key` / its last one is gone.
  void Add(size_t shard, const std::string& key);
  void Remove(size_t shard, const std::string& key);
  // The keys with interest now (for a broker that reconnects); any thread.
  std::vector<std::string> Keys() const;

  void SetListener(Listener listener) { listener_ = std::move(listener); }
  static constexpr size_t kMaxShards = 64;

 private:
  static constexpr size_t kStripes = 32;
  struct Stripe {
    mutable std::mutex mu;
    struct Entry {
      uint64_t mask = 0;    // shards < 64
      uint32_t shards = 0;  // how many shards subscribe (any number): never 0 in the map
    };
    std::unordered_map<std::string, Entry> keys;
  };
  Stripe& StripeOf(std::string_view key) const { return stripes_[std::hash<std::string_view>{}(key) % kStripes]; }

  const size_t shard_count_;
  mutable std::array<Stripe, kStripes> stripes_;
  Listener listener_;
};

}  // namespace rt::events
