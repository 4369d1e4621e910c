// MessageBudget: the per-connection client message budget shared by /ws and Socket.IO
// (REALTIME_WS_RATE_PER_SECOND / REALTIME_WS_RATE_BURST): a token bucket of `burst` messages
// refilled at `rate_per_second`, plus a strike count — a client that sends more than
// max_strikes invalid or over-budget messages within strike_window is flooding and is
// disconnected (/ws: close 4029; Socket.IO: an `error` event, then DISCONNECT).
//
// Pure and single-threaded: one per connection, used on its shard thread; time is passed in.
#pragma once

#include <chrono>
#include <deque>

namespace rt::gateway {

struct MessageBudgetOptions {
  double rate_per_second = 1000;  // 0 = unlimited
  double burst = 2000;
  int max_strikes = 50;
  std::chrono::milliseconds strike_window{10000};
};

class MessageBudget {
 public:
  using Clock = std::chrono::steady_clock;
  MessageBudget(const MessageBudgetOptions& options, Clock::time_point now)
      : options_(options), tokens_(options.burst), last_refill_(now) {}

  // One message: true if within the budget (and counted), false if over it.
  bool Take(Clock::time_point now);
  // An invalid or over-budget message: true once the client is flooding (disconnect it).
  bool Strike(Clock::time_point now);

 private:
  MessageBudgetOptions options_;
  double tokens_;
  Clock::time_point last_refill_;
  std::deque<Clock::time_point> strikes_;  // within strike_window (usually empty)
};

}  // namespace rt::gateway
