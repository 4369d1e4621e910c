// Helpers shared by the broker suites: a handler that records what it receives, and polling.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/broker.h"

namespace rt::testing {

using namespace std::chrono_literals;

// Records the messages a broker hands to its handler. Only topics starting with `prefix` count,
// so traffic of other tests (or other processes) on a shared Redis is ignored.
// Thread safety: the handler runs on the broker's thread; the other methods on any thread.
// Lifetime: must outlive the broker whose handler it is (declare it first).
class Inbox {
 public:
  explicit Inbox(std::string prefix) : prefix_(std::move(prefix)) {}

  broker::BrokerHandler Handler() {
    return [this](broker::BrokerMessage&& m) {
      if (m.topic.rfind(prefix_, 0) != 0) return;
      std::lock_guard lock(mu_);
      messages_.push_back(std::move(m));
      cv_.notify_all();
    };
  }

  // True once at least n messages arrived, false after the timeout.
  bool WaitFor(size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
  }

  std::vector<broker::BrokerMessage> Messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  size_t size() {
    std::lock_guard lock(mu_);
    return messages_.size();
  }

 private:
  const std::string prefix_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<broker::BrokerMessage> messages_;
};

// Polls pred every 20 ms until it holds or the timeout passes.
inline bool WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

}  // namespace rt::testing
