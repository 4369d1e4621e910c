#include "gateway/channel_service.h"

#include <boost/json/object.hpp>

#include "core/log.h"

namespace rt::gateway {

ChannelService::ChannelService(broker::PresenceStore& store, events::EventRouter& router, ShardExecutor& shards)
    : store_(store), router_(router), shards_(shards), pool_(1, "rt-presence", kMaxQueuedJoins) {}

ChannelService::~ChannelService() { Stop(); }

void ChannelService::Start() {
  reporter_ = std::thread([this] { ReportLoop(); });
}

void ChannelService::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !reporter_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (reporter_.joinable()) reporter_.join();
  pool_.Shutdown();
}

void ChannelService::Announce(const Scope& scope, const std::string& channel, const broker::PresenceMember& m,
                              const char* type) {
  events::RawEventInput in;
  in.topic = "presence:" + channel;
  in.source = events::Source::kSocket;
  in.type = type;
  in.payload = {{"channel", channel}, {"socketId", m.socket_id}, {"subject", m.subject}, {"joinedAt", m.joined_at}};
  in.exclude_socket = m.socket_id;
  in.internal = true;
  auto r = router_.Publish(scope, std::move(in));
  if (!r.ok()) log::Warn("presence event not published", {{"channel", channel}, {"error", r.error().message}});
}

void ChannelService::Join(const Scope& scope, const std::string& channel, const broker::PresenceMember& member,
                          size_t shard, MembersCallback done) {
  // Joins are refused past kMaxQueuedJoins waiting presence writes (the store is too slow);
  // leaves always queue (at most one per accepted join).
  auto shared_done = std::make_shared<MembersCallback>(std::move(done));
  auto queued = pool_.TryPost([this, scope, channel, member, shard, shared_done]() mutable {
    auto done = std::move(*shared_done);
    Status st = store_.Join(scope, channel, member);
    Result<broker::MemberPage> members =
        st.ok() ? store_.MembersPage(scope, channel, {}, kJoinReplyMembers) : Result<broker::MemberPage>(st.error());
    Announce(scope, channel, member, "presence.join");
    shards_.PostToShard(shard, [done = std::move(done), members = std::move(members)]() mutable {
      done(std::move(members));
    });
  });
  if (queued == ThreadPool::PostResult::kQueued) return;
  Error refused = Error::Unavailable(queued == ThreadPool::PostResult::kFull ? "Presence is busy: retry the join later"
                                                                             : "Server is shutting down");
  shards_.PostToShard(shard, [shared_done, refused]() mutable {
    (*shared_done)(Result<broker::MemberPage>(refused));
  });
}

void ChannelService::Leave(const Scope& scope, const std::string& channel, const broker::PresenceMember& member) {
  pool_.Post([this, scope, channel, member] {
    if (Status st = store_.Leave(scope, channel, member.socket_id); !st.ok())
      log::Warn("presence leave failed", {{"channel", channel}, {"error", st.error().message}});
    Announce(scope, channel, member, "presence.leave");
  });
}

void ChannelService::Connected(const Scope& scope) {
  std::lock_guard lock(mu_);
  ++connections_[scope.Key()];
  dirty_ = true;
}

void ChannelService::Disconnected(const Scope& scope) {
  std::lock_guard lock(mu_);
  auto it = connections_.find(scope.Key());
  if (it != connections_.end() && --it->second <= 0) connections_.erase(it);
  dirty_ = true;
}

Result<int64_t> ChannelService::Connections(const Scope& scope) {
  std::map<std::string, int64_t> snapshot;
  {
    std::lock_guard lock(mu_);
    snapshot = connections_;
  }
  RT_TRY(store_.ReportConnections(snapshot));
  return store_.Connections(scope);
}

void ChannelService::ReportLoop() {
  std::unique_lock lock(mu_);
  auto next_heartbeat = std::chrono::steady_clock::now();
  while (!stopping_) {
    bool report = dirty_ || std::chrono::steady_clock::now() >= next_heartbeat;
    auto snapshot = connections_;
    dirty_ = false;
    lock.unlock();
    if (report) {
      if (Status st = store_.Heartbeat(); !st.ok()) log::Warn("presence heartbeat failed", {{"error", st.error().message}});
      (void)store_.ReportConnections(snapshot);
      next_heartbeat = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    }
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_ || dirty_; });
  }
}

}  // namespace rt::gateway
