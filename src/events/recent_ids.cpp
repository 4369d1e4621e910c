#include "events/recent_ids.h"

#include <functional>

namespace rt::events {

RecentIds::RecentIds(size_t capacity) : per_stripe_(capacity / kStripes > 0 ? capacity / kStripes : 1) {}

bool RecentIds::Insert(std::string_view id) {
  Stripe& s = stripes_[std::hash<std::string_view>{}(id) % kStripes];
  std::lock_guard lock(s.mu);
  auto [it, inserted] = s.ids.emplace(id);
  if (!inserted) return false;
  s.order.push_back(*it);
  if (s.order.size() > per_stripe_) {
    s.ids.erase(s.order.front());
    s.order.pop_front();
  }
  return true;
}

}  // namespace rt::events
