// PresenceStore: who is in which channel, across instances (the port; centrifuge's
// PresenceManager). Members are keyed by socket id and carry the token subject and the join
// time. Entries of an instance that stops heart-beating disappear (Redis: its liveness key
// expires after 15 s, and readers skip and prune its entries), so a crashed instance does not
// leave ghosts.
//
// Also the connection count per (application, environment): each instance reports its own;
// Connections() sums the live instances.
//
// Backends: MemoryPresence (one process) and RedisPresence (REDIS_URL).
// Thread safety: every method may be called from any thread; they may block (Redis), so call
// them from the blocking/presence pool, never from an I/O thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/scope.h"

namespace rt::broker {

struct PresenceMember {
  std::string socket_id;
  std::string subject;
  int64_t joined_at = 0;  // ms
};

struct ChannelInfo {
  std::string name;
  int64_t member_count = 0;
};

class PresenceStore {
 public:
  virtual ~PresenceStore() = default;
  virtual Status Join(const Scope& scope, const std::string& channel, const PresenceMember& member) = 0;
  virtual Status Leave(const Scope& scope, const std::string& channel, const std::string& socket_id) = 0;
  // Members sorted by join time.
  virtual Result<std::vector<PresenceMember>> Members(const Scope& scope, const std::string& channel) = 0;
  // Channels with at least one member, sorted by name.
  virtual Result<std::vector<ChannelInfo>> Channels(const Scope& scope) = 0;
  // Replaces this instance's connection counts (scope key -> count).
  virtual Status ReportConnections(const std::map<std::string, int64_t>& by_scope) = 0;
  // Connections of the scope on every live instance (this one's from its last report).
  virtual Result<int64_t> Connections(const Scope& scope) = 0;
  // Keeps this instance's entries alive; call every few seconds.
  virtual Status Heartbeat() = 0;
};

class MemoryPresence final : public PresenceStore {
 public:
  Status Join(const Scope& scope, const std::string& channel, const PresenceMember& member) override;
  Status Leave(const Scope& scope, const std::string& channel, const std::string& socket_id) override;
  Result<std::vector<PresenceMember>> Members(const Scope& scope, const std::string& channel) override;
  Result<std::vector<ChannelInfo>> Channels(const Scope& scope) override;
  Status ReportConnections(const std::map<std::string, int64_t>& by_scope) override;
  Result<int64_t> Connections(const Scope& scope) override;
  Status Heartbeat() override { return Ok(); }

 private:
  std::mutex mu_;
  // scope key -> channel -> socket id -> member
  std::map<std::string, std::map<std::string, std::map<std::string, PresenceMember>>> channels_;  // guarded
  std::map<std::string, int64_t> connections_;                                                     // guarded
};

}  // namespace rt::broker
