// RedisPresence: PresenceStore on Redis, shared by every instance.
//   realtime:presence:{app}:{env}:{channel}   HASH socketId -> "<instance>\t<joinedAt>\t<subject>"
//   realtime:presence:order:{app}:{env}:{channel}  ZSET (score 0) of MemberOrderKey(joinedAt, socketId):
//                                             MembersPage reads it with ZRANGEBYLEX (O(log N + page))
//   realtime:presence:channels:{app}:{env}    SET of channel names with members
//   realtime:instance:{instance}              liveness, EX 15 s, refreshed by Heartbeat()
//   realtime:connections:{instance}           HASH scope key -> connection count, EX 15 s
// Readers skip entries of instances whose liveness key is gone and delete them (MembersPage: the
// ones on its page; its member count includes ghosts not yet pruned, for at most 15 s + a read).
// Join and Leave are Lua scripts, so the HASH and the ZSET change together.
// Thread safety and failure: as PresenceStore; kUnavailable when Redis is down.
#pragma once

#include <memory>
#include <string>

#include "broker/presence.h"
#include "broker/redis_pool.h"

namespace rt::broker {

class RedisPresence final : public PresenceStore {
 public:
  RedisPresence(std::unique_ptr<RedisPool> pool, std::string instance_id);

  Status Join(const Scope& scope, const std::string& channel, const PresenceMember& member) override;
  Status Leave(const Scope& scope, const std::string& channel, const std::string& socket_id) override;
  Result<std::vector<PresenceMember>> Members(const Scope& scope, const std::string& channel) override;
  Result<MemberPage> MembersPage(const Scope& scope, const std::string& channel, std::string_view cursor,
                                 size_t limit) override;
  Result<std::vector<ChannelInfo>> Channels(const Scope& scope) override;
  Status ReportConnections(const std::map<std::string, int64_t>& by_scope) override;
  Result<int64_t> Connections(const Scope& scope) override;
  Status Heartbeat() override;

 private:
  Result<bool> InstanceAlive(const std::string& instance);
  // Removes a dead instance's member from the HASH and the ZSET.
  void Prune(const Scope& scope, const std::string& channel, const std::string& socket_id);

  std::unique_ptr<RedisPool> pool_;
  const std::string instance_;
};

}  // namespace rt::broker
