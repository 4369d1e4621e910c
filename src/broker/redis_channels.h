// RedisChannels: the interest bookkeeping of RedisBroker, apart from its I/O so that it can be
// tested without Redis: the channels this instance wants, the ones subscribed on its pub/sub
// connection, the ones Redis confirmed, and who waits for a confirmation (ack after subscribe).
//
// Channels: the interest key "<app>\x1f<env>\x1f<topic>" (TopicKey, core/scope.h) is the channel
// `realtime:event:<app>:<env>:<topic>` (ChannelFor); a glob key is a pattern (PSUBSCRIBE);
// control messages travel on kControlChannel, which the broker subscribes on every connection.
// Sharded mode (REDIS_CLUSTER=true): SSUBSCRIBE / SUNSUBSCRIBE, one command per hash slot (a
// sharded command's channels must share a slot); sharded Pub/Sub has no patterns, so a glob key
// is ignored there with a warning.
//
// Reconcile turns the difference between wanted and subscribed into batched commands (at most
// kMaxPerCommand channels each). Flapping is safe: a channel counts as confirmed only when it is
// wanted, subscribed, and the confirmations of every SUBSCRIBE sent for it have arrived (Redis
// answers in order, so an UNSUBSCRIBE sent between two SUBSCRIBEs is then behind us too).
//
// Thread safety: Want, WhenSubscribed and Stats from any thread; the others on the broker's io
// thread. One mutex guards everything; it is a leaf lock (Want runs under the hub's stripe
// lock). Callbacks (Ready) are returned to the caller, never called under the lock.
// Failure: none here; a refused command (Refused) releases its waiters and is retried after the
// next reconnection or interest change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace rt::broker {

inline constexpr const char* kEventChannelPrefix = "realtime:event:";
inline constexpr const char* kControlChannel = "realtime:control";

// The Redis channel (or pattern, for a glob key) of an interest key.
std::string ChannelFor(std::string_view key);
// The Redis Cluster hash slot of a key (CRC16 of the key or of its {hash tag}, mod 16384).
uint16_t HashSlot(std::string_view key);

class RedisChannels {
 public:
  using Ready = std::function<void()>;
  static constexpr size_t kMaxPerCommand = 512;

  explicit RedisChannels(bool sharded) : sharded_(sharded) {}
  RedisChannels(const RedisChannels&) = delete;
  RedisChannels& operator=(const RedisChannels&) = delete;

  // Any thread. Records the interest; true when a Reconcile should be scheduled now (connected,
  // and none scheduled since the last Reconcile).
  bool Want(const std::string& key, bool on);
  // Any thread. 0: messages for key are certain to arrive (confirmed, no interest, or not live);
  // otherwise a waiter id: `ready` comes back from Confirmed / Refused / Lost / Expire.
  uint64_t WhenSubscribed(const std::string& key, Ready ready);

  // io thread. The pub/sub connection is connected (Reconcile may send) / live (subscribed to
  // the control channel: waiting makes sense) / lost (nothing is subscribed any more).
  void Connected();
  void Live();
  std::vector<Ready> Lost();
  // io thread. The commands that take the connection from what it has to what is wanted.
  std::vector<std::vector<std::string>> Reconcile();
  // io thread. One confirmation of a subscribe command (["subscribe", channel, n]).
  std::vector<Ready> Confirmed(const std::string& channel);
  // io thread. Redis refused a subscribe command naming these channels.
  std::vector<Ready> Refused(const std::vector<std::string>& channels);
  // io thread. The waiter if it is still waiting (its time is up).
  Ready Expire(uint64_t id);
  // Every waiter (Stop).
  std::vector<Ready> ReleaseAll();

  // Channels subscribed now and confirmed (tests, metrics).
  size_t subscribed() const;
  size_t confirmed() const;
  bool sharded() const { return sharded_; }

 private:
  struct Waiter {
    std::string channel;
    Ready ready;
  };
  void Take(const std::string& channel, std::vector<Ready>* out);  // mu_ held

  const bool sharded_;
  mutable std::mutex mu_;
  std::unordered_set<std::string> wanted_;              // guarded by mu_: channels
  std::unordered_set<std::string> sent_;                // guarded by mu_: subscribed on the connection
  std::unordered_map<std::string, int> pending_;        // guarded by mu_: SUBSCRIBEs not yet confirmed
  std::unordered_set<std::string> confirmed_;           // guarded by mu_
  std::map<uint64_t, Waiter> waiters_;                  // guarded by mu_: by id
  std::unordered_multimap<std::string, uint64_t> by_channel_;  // guarded by mu_: waiter ids
  uint64_t next_id_ = 1;                                // guarded by mu_
  bool connected_ = false, live_ = false;               // guarded by mu_
  bool scheduled_ = false;                              // guarded by mu_: a Reconcile is posted
  bool warned_glob_ = false;                            // guarded by mu_
};

}  // namespace rt::broker
