// TokenWatch: live connections follow their token. A connection authenticated with a token is
// closed when that token expires, when its signing key is deleted, or when its application is
// deleted (docs/protocol.md, "Token lifetime").
//
// Cost: nothing per event. Each shard keeps the tokens of its own connections in a WatchList
// (ordered by expiry, plus key and application) and one timer armed for the earliest expiry;
// Watch/Unwatch run when a connection authenticates, refreshes its token or goes away. Key and
// application deletions are broadcast to every shard (a task per shard), which scans its list.
// Where deletions come from: the signing-key ring (a key missing after a reload: this instance's
// DELETE at once, another instance's within the 2 s key poll) and the application service / topic
// catalog (this instance's DELETE at once, another instance's within the 2 s catalog poll); the
// composition root (app/realtime_core.cpp) wires them to KeysRemoved / ApplicationsRemoved.
//
// Thread safety: Watch/Unwatch on the connection's shard thread only; KeysRemoved and
// ApplicationsRemoved from any thread. Watched::TokenRevoked is called on the shard thread,
// after the connection was removed from the list; it may close (and destroy) the connection.
// Lifetime: must outlive the shard executor's tasks and every watched connection (it is a
// member of RealtimeCore, destroyed after the HTTP server has stopped its threads).
// Failure: none; a connection without an expiry (exp 0) is only closed by a deletion.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/shard_executor.h"

namespace boost::asio {
class io_context;
}

namespace rt::gateway {

namespace revoke_reason {
inline constexpr const char* kExpired = "token expired";
inline constexpr const char* kKeyRevoked = "signing key revoked";
inline constexpr const char* kApplicationDeleted = "application deleted";
}  // namespace revoke_reason

// A connection whose token is watched.
class Watched {
 public:
  virtual ~Watched() = default;
  // The token no longer authorizes the connection (reason: one of revoke_reason::*).
  virtual void TokenRevoked(const char* reason) = 0;
};

// One shard's watched connections (pure bookkeeping, no timers; unit-tested).
class WatchList {
 public:
  // Adds or replaces the connection's token facts. exp_ms 0: no expiry.
  void Add(Watched* w, std::string application_id, std::string key_id, int64_t exp_ms);
  void Remove(Watched* w);
  // Removes and returns the connections whose token expired at now_ms (exp_ms <= now_ms).
  std::vector<Watched*> TakeExpired(int64_t now_ms);
  std::vector<Watched*> TakeByKey(const std::unordered_set<std::string>& key_ids);
  std::vector<Watched*> TakeByApplication(const std::unordered_set<std::string>& application_ids);
  // The earliest expiry, if any connection has one.
  std::optional<int64_t> NextExpiry() const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string application_id, key_id;
    int64_t exp_ms = 0;
  };
  template <typename Pred>
  std::vector<Watched*> TakeIf(Pred pred);

  std::unordered_map<Watched*, Entry> entries_;
  std::multimap<int64_t, Watched*> by_expiry_;  // exp_ms > 0 only
};

struct TokenWatchStats {
  std::atomic<uint64_t> expired{0};
  std::atomic<uint64_t> key_revoked{0};
  std::atomic<uint64_t> application_deleted{0};
};

class TokenWatch {
 public:
  using ContextOf = std::function<boost::asio::io_context&(size_t shard)>;
  // context_of gives a shard's io_context (for its expiry timer, created on first use).
  TokenWatch(ShardExecutor& shards, ContextOf context_of);
  ~TokenWatch();
  TokenWatch(const TokenWatch&) = delete;
  TokenWatch& operator=(const TokenWatch&) = delete;

  // Shard thread. Watches w (again, with new facts, after a token refresh). exp_s: the JWT exp.
  void Watch(size_t shard, Watched* w, const std::string& application_id, const std::string& key_id, int64_t exp_s);
  // Shard thread. Idempotent.
  void Unwatch(size_t shard, Watched* w);

  // Any thread: closes the connections authenticated with these keys / of these applications.
  void KeysRemoved(const std::vector<std::string>& key_ids);
  void ApplicationsRemoved(const std::vector<std::string>& application_ids);

  const TokenWatchStats& stats() const { return stats_; }

 private:
  struct Shard;
  void Arm(size_t shard);
  void OnTimer(size_t shard);
  static void Revoke(const std::vector<Watched*>& victims, const char* reason);

  ShardExecutor& shards_;
  ContextOf context_of_;
  std::vector<std::unique_ptr<Shard>> shard_state_;
  TokenWatchStats stats_;
};

}  // namespace rt::gateway
