#include "identity/throttle.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include <boost/json/object.hpp>

namespace rt::identity {

Error TooManyAttempts(const ThrottleDecision& decision) {
  Error e{ErrorCode::kTooManyRequests, "Too many failed attempts; try again later", nullptr};
  e.details = std::make_shared<const boost::json::object>(boost::json::object{{"retryAfter", decision.retry_after_s}});
  return e;
}

LoginThrottle::LoginThrottle(ThrottleOptions options, Clock clock)
    : options_(options), clock_(std::move(clock)) {}

int64_t LoginThrottle::Now() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Remaining lock of key in ms (0 when free); drops the entry once it is forgotten.
int64_t LoginThrottle::LockedFor(Table& table, std::string_view key, int64_t now) {
  if (key.empty()) return 0;
  auto it = table.find(std::string(key));
  if (it == table.end()) return 0;
  if (now - it->second.last_failure_ms > options_.forget_after_ms && now >= it->second.locked_until_ms) {
    table.erase(it);
    return 0;
  }
  return std::max<int64_t>(0, it->second.locked_until_ms - now);
}

ThrottleDecision LoginThrottle::Check(std::string_view account, std::string_view ip) {
  std::lock_guard lock(mu_);
  int64_t now = Now();
  int64_t wait = std::max(LockedFor(accounts_, account, now), LockedFor(ips_, ip, now));
  if (wait == 0) return {};
  return {false, (wait + 999) / 1000};
}

void LoginThrottle::Fail(Table& table, std::string_view key, int free_failures, int64_t now) {
  if (key.empty()) return;
  std::string k(key);
  auto it = table.find(k);
  if (it == table.end()) {
    if (table.size() >= options_.max_entries) MakeRoom(table, now);
    it = table.emplace(std::move(k), Entry{}).first;
  } else if (now - it->second.last_failure_ms > options_.forget_after_ms) {
    it->second = Entry{};
  }
  Entry& e = it->second;
  e.failures++;
  e.last_failure_ms = now;
  int over = e.failures - free_failures + 1;  // the free_failures-th failure locks
  if (over > 0) {
    int64_t delay = options_.base_delay_ms;
    for (int i = 1; i < over && delay < options_.max_delay_ms; ++i) delay *= 2;
    e.locked_until_ms = now + std::min(delay, options_.max_delay_ms);
  }
}

void LoginThrottle::RecordFailure(std::string_view account, std::string_view ip) {
  std::lock_guard lock(mu_);
  int64_t now = Now();
  Fail(accounts_, account, options_.account_free_failures, now);
  Fail(ips_, ip, options_.ip_free_failures, now);
}

void LoginThrottle::RecordSuccess(std::string_view account) {
  std::lock_guard lock(mu_);
  accounts_.erase(std::string(account));
}

void LoginThrottle::MakeRoom(Table& table, int64_t now) {
  std::erase_if(table, [&](const auto& kv) {
    return now - kv.second.last_failure_ms > options_.forget_after_ms && now >= kv.second.locked_until_ms;
  });
  if (table.size() < options_.max_entries) return;
  // Evict the least recently failed tenth (at least one).
  std::vector<int64_t> times;
  times.reserve(table.size());
  for (const auto& kv : table) times.push_back(kv.second.last_failure_ms);
  size_t n = std::max<size_t>(1, table.size() / 10);
  std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(n - 1), times.end());
  int64_t cutoff = times[n - 1];
  size_t removed = 0;
  for (auto it = table.begin(); it != table.end() && removed < n;) {
    if (it->second.last_failure_ms <= cutoff) {
      it = table.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
}

size_t LoginThrottle::account_entries() const {
  std::lock_guard lock(mu_);
  return accounts_.size();
}

size_t LoginThrottle::ip_entries() const {
  std::lock_guard lock(mu_);
  return ips_.size();
}

}  // namespace rt::identity
