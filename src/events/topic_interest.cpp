#include "events/topic_interest.h"

namespace rt::events {

uint64_t TopicInterest::Shards(const std::string& key) const {
  Stripe& s = StripeOf(key);
  std::lock_guard lock(s.mu);
  auto it = s.keys.find(key);
  if (it == s.keys.end()) return 0;
  return shard_count_ > kMaxShards ? ~uint64_t{0} : it->second.mask;
}

void TopicInterest::Add(size_t shard, const std::string& key) {
  Stripe& s = StripeOf(key);
  std::lock_guard lock(s.mu);
  auto& e = s.keys[key];
  if (shard < kMaxShards) e.mask |= uint64_t{1} << shard;
  if (e.shards++ == 0 && listener_) listener_(key, true);
}

void TopicInterest::Remove(size_t shard, const std::string& key) {
  Stripe& s = StripeOf(key);
  std::lock_guard lock(s.mu);
  auto it = s.keys.find(key);
  if (it == s.keys.end()) return;
  if (shard < kMaxShards) it->second.mask &= ~(uint64_t{1} << shard);
  if (--it->second.shards != 0) return;
  s.keys.erase(it);
  if (listener_) listener_(key, false);
}

std::vector<std::string> TopicInterest::Keys() const {
  std::vector<std::string> out;
  for (Stripe& s : stripes_) {
    std::lock_guard lock(s.mu);
    for (const auto& entry : s.keys) out.push_back(entry.first);
  }
  return out;
}

}  // namespace rt::events
