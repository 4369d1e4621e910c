#include "gateway/message_budget.h"

#include <algorithm>

namespace rt::gateway {

bool MessageBudget::Take(Clock::time_point now) {
  if (options_.rate_per_second <= 0) return true;
  double elapsed = std::chrono::duration<double>(now - last_refill_).count();
  if (elapsed > 0) {
    last_refill_ = now;
    tokens_ = std::min(options_.burst, tokens_ + elapsed * options_.rate_per_second);
  }
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

bool MessageBudget::Strike(Clock::time_point now) {
  strikes_.push_back(now);
  while (!strikes_.empty() && now - strikes_.front() > options_.strike_window) strikes_.pop_front();
  return static_cast<int>(strikes_.size()) > options_.max_strikes;
}

}  // namespace rt::gateway
