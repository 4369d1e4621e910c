// PresenceStore: who is in which channel, across instances (the port; centrifuge's
// PresenceManager). Members are keyed by socket id and carry the token subject and the join
// time. Entries of an instance that stops heart-beating disappear (Redis: its liveness key
// expires after 15 s, and readers skip and prune its entries), so a crashed instance does not
// leave ghosts.
//
// Also the connection count per (application, environment): each instance reports its own;
// Connections() sums the live instances.
//
// Big rooms: MembersPage() answers one page of a channel's members and their count without
// reading the whole channel (O(log N + page)), in the order of Members(): join time, then socket
// id. A page's cursor is opaque to callers (EncodeMemberCursor); it names the last member of the
// page, so paging on while members come and go never repeats a member and never skips one that
// stayed; members who join meanwhile appear at the end.
//
// Backends: MemoryPresence (one process) and RedisPresence (REDIS_URL).
// Thread safety: every method may be called from any thread; they may block (Redis), so call
// them from the blocking/presence pool, never from an I/O thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/scope.h"

namespace rt::broker {

struct PresenceMember {
  std::string socket_id;
  std::string subject;
  int64_t joined_at = 0;  // ms
};

// One page of a channel's members (MembersPage).
struct MemberPage {
  std::vector<PresenceMember> members;     // at most the limit asked for, in Members() order
  int64_t member_count = 0;                // every member of the channel (not just this page)
  std::optional<std::string> next_cursor;  // set when more members follow this page
};

// The sort key of a member: 20-digit zero-padded join time, a tab, the socket id. Byte order of
// keys = (joined_at, socket_id) order (joined_at must be ≥ 0). RedisPresence stores these keys.
std::string MemberOrderKey(int64_t joined_at, std::string_view socket_id);
// The opaque cursor after `m` (lower-case hex of its order key), and back to the order key;
// nullopt for text that no EncodeMemberCursor made.
std::string EncodeMemberCursor(const PresenceMember& m);
std::optional<std::string> DecodeMemberCursor(std::string_view cursor);

struct ChannelInfo {
  std::string name;
  int64_t member_count = 0;
};

class PresenceStore {
 public:
  virtual ~PresenceStore() = default;
  virtual Status Join(const Scope& scope, const std::string& channel, const PresenceMember& member) = 0;
  virtual Status Leave(const Scope& scope, const std::string& channel, const std::string& socket_id) = 0;
  // Members sorted by join time, then socket id. O(N): prefer MembersPage for big channels.
  virtual Result<std::vector<PresenceMember>> Members(const Scope& scope, const std::string& channel) = 0;
  // At most `limit` (≥ 1) members after `cursor` (empty: from the first) and the channel's member
  // count; next_cursor when more follow. kValidation for a cursor that EncodeMemberCursor did not
  // make. Cost O(log N + limit), never O(N).
  virtual Result<MemberPage> MembersPage(const Scope& scope, const std::string& channel, std::string_view cursor,
                                         size_t limit) = 0;
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
  Result<MemberPage> MembersPage(const Scope& scope, const std::string& channel, std::string_view cursor,
                                 size_t limit) override;
  Result<std::vector<ChannelInfo>> Channels(const Scope& scope) override;
  Status ReportConnections(const std::map<std::string, int64_t>& by_scope) override;
  Result<int64_t> Connections(const Scope& scope) override;
  Status Heartbeat() override { return Ok(); }

 private:
  struct Room {
    std::map<std::string, PresenceMember> by_socket;  // socket id -> member
    std::set<std::string> order;                      // MemberOrderKey of each member
  };
  const Room* FindRoom(const Scope& scope, const std::string& channel) const;  // mu_ held; null: empty

  std::mutex mu_;
  std::map<std::string, std::map<std::string, Room>> channels_;  // guarded: scope key -> channel -> room
  std::map<std::string, int64_t> connections_;                                                     // guarded
};

}  // namespace rt::broker
