// LoginThrottle: slows password and MFA guessing, per account and per client address.
//
// Each key (an account's normalized email, or an IP address) counts consecutive failures. After
// `free_failures` of them (5 for an account) the key is locked, and every further failure locks it
// again for a delay that doubles from base_delay (1 s, 2 s, 4 s, ...) up to max_delay. While either the account or the
// address is locked, Check says "not allowed" with the seconds to wait: the route answers 429
// with Retry-After, without looking at the password. A success resets the account's count (not
// the address's: one good password must not unlock guessing at other accounts from there).
// Failures older than forget_after are forgotten. Unknown emails are counted like known ones,
// so the throttle answers the same for both.
//
// Memory is bounded: at most max_entries keys per kind; when full, forgotten entries are swept
// and then the least recently failed tenth is evicted (an attacker flooding keys can only make
// the throttle forget old, slow guessers, never grow the process).
//
// In memory and per process: several instances behind a balancer each throttle on their own,
// which bounds the guess rate per instance. Thread safety: all methods may be called from any
// thread (one mutex). The clock is injectable for tests. Failure: none (no allocation failure
// handling beyond std::bad_alloc).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"

namespace rt::identity {

struct ThrottleOptions {
  int account_free_failures = 5;
  int ip_free_failures = 20;  // an office behind one NAT shares an address
  int64_t base_delay_ms = 1000;
  int64_t max_delay_ms = 15 * 60 * 1000;
  int64_t forget_after_ms = 60 * 60 * 1000;
  size_t max_entries = 10000;  // per kind (accounts, addresses)
};

struct ThrottleDecision {
  bool allowed = true;
  int64_t retry_after_s = 0;  // when !allowed: whole seconds to wait, >= 1
};

// kTooManyRequests "Too many failed attempts; try again later" with details
// {"retryAfter": seconds} (the route copies it into the Retry-After header).
Error TooManyAttempts(const ThrottleDecision& decision);

class LoginThrottle {
 public:
  using Clock = std::function<int64_t()>;  // milliseconds, monotonic

  explicit LoginThrottle(ThrottleOptions options = {}, Clock clock = {});
  LoginThrottle(const LoginThrottle&) = delete;
  LoginThrottle& operator=(const LoginThrottle&) = delete;

  // Whether an attempt for account from ip may be evaluated now. Either may be empty (skipped).
  ThrottleDecision Check(std::string_view account, std::string_view ip);
  // A wrong password or code: counts against both keys.
  void RecordFailure(std::string_view account, std::string_view ip);
  // A successful login: the account's count starts again.
  void RecordSuccess(std::string_view account);

  size_t account_entries() const;
  size_t ip_entries() const;

 private:
  struct Entry {
    int failures = 0;
    int64_t last_failure_ms = 0;
    int64_t locked_until_ms = 0;
  };
  using Table = std::unordered_map<std::string, Entry>;

  int64_t Now() const;
  void Fail(Table& table, std::string_view key, int free_failures, int64_t now);
  int64_t LockedFor(Table& table, std::string_view key, int64_t now);
  void MakeRoom(Table& table, int64_t now);

  const ThrottleOptions options_;
  const Clock clock_;
  mutable std::mutex mu_;
  Table accounts_;  // guarded by mu_
  Table ips_;       // guarded by mu_
};

}  // namespace rt::identity
