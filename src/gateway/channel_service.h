// ChannelService: channels, presence and connection counts for both gateways.
//
// Membership of a channel is a subscription of the connection to the channel's topic (so a
// member that also subscribed receives each event once) plus a presence entry; members also
// receive `presence` events (topic `presence:<channel>`, type presence.join / presence.leave,
// payload {channel, socketId, subject, joinedAt}) about the others. Presence writes block on the
// store (Redis), so they run on the service's own thread and their results come back to the
// connection's shard through the ShardExecutor.
//
// Connection counts: gateways call Connected/Disconnected per scope; the service reports them to
// the PresenceStore every 2 s (and at once when asked through LiveConnections for this instance).
//
// Thread safety: every method may be called from any thread. Lifetime: outlives the gateways;
// Stop() before the ShardExecutor stops.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "broker/presence.h"
#include "core/shard_executor.h"
#include "core/thread_pool.h"
#include "events/router.h"

namespace rt::gateway {

class ChannelService {
 public:
  ChannelService(broker::PresenceStore& store, events::EventRouter& router, ShardExecutor& shards);
  ~ChannelService();

  void Start();
  void Stop();

  // A join reply lists at most this many members (the first, in MembersPage order) with the
  // count and a cursor for the rest (GET /api/socket/channels/:channel/members).
  static constexpr size_t kJoinReplyMembers = 100;
  using MembersCallback = std::function<void(Result<broker::MemberPage>)>;
  // Records the member, announces presence.join to the other members, then calls done(first
  // page of at most kJoinReplyMembers members, the count, the cursor) on `shard`. The work per
  // join is O(log N + page) whatever the channel's size N, besides the presence.join event's
  // delivery to the N other members (inherent to presence; the router's fan-out).
  void Join(const Scope& scope, const std::string& channel, const broker::PresenceMember& member, size_t shard,
            MembersCallback done);
  // Removes the member and announces presence.leave (also used on disconnect).
  void Leave(const Scope& scope, const std::string& channel, const broker::PresenceMember& member);

  void Connected(const Scope& scope);
  void Disconnected(const Scope& scope);
  // Connections of the scope on every instance, with this instance's count as of now. Blocks.
  Result<int64_t> Connections(const Scope& scope);

  broker::PresenceStore& store() { return store_; }

 private:
  void Announce(const Scope& scope, const std::string& channel, const broker::PresenceMember& member,
                const char* type);
  void ReportLoop();

  broker::PresenceStore& store_;
  events::EventRouter& router_;
  ShardExecutor& shards_;
  static constexpr size_t kMaxQueuedJoins = 10000;  // waiting presence joins; more are refused
  ThreadPool pool_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, int64_t> connections_;  // guarded by mu_: scope key -> live connections
  bool dirty_ = false;                          // guarded by mu_
  bool stopping_ = false;                       // guarded by mu_
  std::thread reporter_;
};

}  // namespace rt::gateway
