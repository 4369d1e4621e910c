#include "broker/redis_presence.h"

#include <algorithm>
#include <unordered_map>

namespace rt::broker {
namespace {

constexpr const char* kLivenessTtl = "15";

std::string ChannelKey(const Scope& s, const std::string& channel) {
  return "realtime:presence:" + s.application_id + ":" + s.environment + ":" + channel;
}
std::string ChannelsKey(const Scope& s) { return "realtime:presence:channels:" + s.application_id + ":" + s.environment; }

Status Check(const Result<RespReply>& r) {
  if (!r.ok()) return r.error();
  if (r->is_error()) return Error::Unavailable("Redis: " + r->str);
  return Ok();
}

}  // namespace

RedisPresence::RedisPresence(std::unique_ptr<RedisPool> pool, std::string instance_id)
    : pool_(std::move(pool)), instance_(std::move(instance_id)) {}

Status RedisPresence::Heartbeat() {
  return Check(pool_->Command({"SET", "realtime:instance:" + instance_, "1", "EX", kLivenessTtl}));
}

Status RedisPresence::Join(const Scope& scope, const std::string& channel, const PresenceMember& m) {
  auto r = pool_->Pipeline({{"HSET", ChannelKey(scope, channel), m.socket_id,
                             instance_ + "\t" + std::to_string(m.joined_at) + "\t" + m.subject},
                            {"SADD", ChannelsKey(scope), channel},
                            {"SET", "realtime:instance:" + instance_, "1", "EX", kLivenessTtl}});
  if (!r.ok()) return r.take_error();
  return Ok();
}

Status RedisPresence::Leave(const Scope& scope, const std::string& channel, const std::string& socket_id) {
  auto r = pool_->Command({"HDEL", ChannelKey(scope, channel), socket_id});
  RT_TRY(Check(r));
  auto left = pool_->Command({"HLEN", ChannelKey(scope, channel)});
  RT_TRY(Check(left));
  if (left->integer == 0) RT_TRY(Check(pool_->Command({"SREM", ChannelsKey(scope), channel})));
  return Ok();
}

Result<bool> RedisPresence::InstanceAlive(const std::string& instance) {
  auto r = pool_->Command({"EXISTS", "realtime:instance:" + instance});
  if (Status st = Check(r); !st.ok()) return st.take_error();
  return r->integer > 0;
}

Result<std::vector<PresenceMember>> RedisPresence::Members(const Scope& scope, const std::string& channel) {
  auto all = pool_->Command({"HGETALL", ChannelKey(scope, channel)});
  if (Status st = Check(all); !st.ok()) return st.take_error();
  std::vector<PresenceMember> out;
  std::unordered_map<std::string, bool> alive;
  for (size_t i = 0; i + 1 < all->elements.size(); i += 2) {
    const std::string& sid = all->elements[i].str;
    const std::string& v = all->elements[i + 1].str;
    size_t t1 = v.find('\t'), t2 = t1 == std::string::npos ? t1 : v.find('\t', t1 + 1);
    if (t2 == std::string::npos) continue;
    std::string inst = v.substr(0, t1);
    if (!alive.count(inst)) {
      auto a = InstanceAlive(inst);
      if (!a.ok()) return a.take_error();
      alive[inst] = *a;
    }
    if (!alive[inst]) {
      (void)pool_->Command({"HDEL", ChannelKey(scope, channel), sid});  // a dead instance's ghost
      continue;
    }
    out.push_back({sid, v.substr(t2 + 1), std::stoll(v.substr(t1 + 1, t2 - t1 - 1))});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.joined_at != b.joined_at ? a.joined_at < b.joined_at : a.socket_id < b.socket_id;
  });
  return out;
}

Result<std::vector<ChannelInfo>> RedisPresence::Channels(const Scope& scope) {
  auto names = pool_->Command({"SMEMBERS", ChannelsKey(scope)});
  if (Status st = Check(names); !st.ok()) return st.take_error();
  std::vector<ChannelInfo> out;
  for (const auto& n : names->elements) {
    auto members = Members(scope, n.str);
    if (!members.ok()) return members.take_error();
    if (members->empty()) {
      (void)pool_->Command({"SREM", ChannelsKey(scope), n.str});
      continue;
    }
    out.push_back({n.str, static_cast<int64_t>(members->size())});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Status RedisPresence::ReportConnections(const std::map<std::string, int64_t>& by_scope) {
  std::string key = "realtime:connections:" + instance_;
  std::vector<std::vector<std::string>> cmds = {{"DEL", key}};
  if (!by_scope.empty()) {
    std::vector<std::string> hset = {"HSET", key};
    for (const auto& [scope, count] : by_scope) {
      hset.push_back(scope);
      hset.push_back(std::to_string(count));
    }
    cmds.push_back(std::move(hset));
    cmds.push_back({"EXPIRE", key, kLivenessTtl});
  }
  auto r = pool_->Pipeline(cmds);
  if (!r.ok()) return r.take_error();
  return Ok();
}

Result<int64_t> RedisPresence::Connections(const Scope& scope) {
  int64_t total = 0;
  std::string cursor = "0";
  do {
    auto r = pool_->Command({"SCAN", cursor, "MATCH", "realtime:connections:*", "COUNT", "100"});
    if (Status st = Check(r); !st.ok()) return st.take_error();
    if (r->elements.size() != 2) return Error::Unavailable("Redis: unexpected SCAN reply");
    cursor = r->elements[0].str;
    for (const auto& k : r->elements[1].elements) {
      auto c = pool_->Command({"HGET", k.str, scope.Key()});
      if (Status st = Check(c); !st.ok()) return st.take_error();
      if (c->type == RespReply::Type::kString) total += std::stoll(c->str);
    }
  } while (cursor != "0");
  return total;
}

}  // namespace rt::broker
