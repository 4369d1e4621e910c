// RecentIds: a bounded memory of event ids seen recently, for the router's duplicate filter.
//
// Database events (CDC and the outbox) carry ids derived from where they came from (target,
// commit LSN, change index / outbox row), so an event PostgreSQL resends after a crash, or that a
// second reader publishes after a failover, has the id it had the first time. The router
// remembers the last `capacity` such ids, published here or received from another instance, and
// drops a repeat (docs/cdc.md "Guarantees").
//
// Memory: about capacity × (id length + ~64 bytes). The oldest id is forgotten first (FIFO), so a
// repeat older than `capacity` database events is not recognised.
// Thread safety: Insert may be called from any thread (striped locks).
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace rt::events {

class RecentIds {
 public:
  static constexpr size_t kDefaultCapacity = 1 << 17;
  explicit RecentIds(size_t capacity = kDefaultCapacity);

  // True if `id` was not among the remembered ids (it is remembered now); false for a repeat.
  bool Insert(std::string_view id);

 private:
  static constexpr size_t kStripes = 16;
  struct Stripe {
    std::mutex mu;
    std::unordered_set<std::string> ids;
    std::deque<std::string> order;  // insertion order, oldest first
  };
  const size_t per_stripe_;
  std::array<Stripe, kStripes> stripes_;
};

}  // namespace rt::events
