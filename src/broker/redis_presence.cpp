#include "broker/redis_presence.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

namespace rt::broker {
namespace {

constexpr const char* kLivenessTtl = "15";

std::string ChannelKey(const Scope& s, const std::string& channel) {
  return "realtime:presence:" + s.application_id + ":" + s.environment + ":" + channel;
}
std::string ChannelsKey(const Scope& s) { return "realtime:presence:channels:" + s.application_id + ":" + s.environment; }
std::string OrderKey(const Scope& s, const std::string& channel) {
  return "realtime:presence-order:" + s.application_id + ":" + s.environment + ":" + channel;
}

// The member's order key rebuilt from its HASH value ("<instance>\t<joinedAt>\t<subject>"),
// as MemberOrderKey does.
constexpr const char* kOrderOfOld = R"lua(
local function order_of(value, sid)
  local j = string.match(value, '^[^\t]*\t(%d+)\t')
  if not j then return nil end
  return string.rep('0', 20 - #j) .. j .. '\t' .. sid
end
)lua";

// KEYS: hash, order zset, channels set, liveness. ARGV: socket id, value, order key, channel, ttl.
const RedisScript kJoin(std::string(kOrderOfOld) + R"lua(
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local k = order_of(old, ARGV[1])
  if k then redis.call('ZREM', KEYS[2], k) end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('SET', KEYS[4], '1', 'EX', ARGV[5])
return 1
)lua");

// KEYS: hash, order zset, channels set. ARGV: socket id, channel.
const RedisScript kLeave(std::string(kOrderOfOld) + R"lua(
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  redis.call('HDEL', KEYS[1], ARGV[1])
  local k = order_of(old, ARGV[1])
  if k then redis.call('ZREM', KEYS[2], k) end
end
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[3], ARGV[2])
  redis.call('DEL', KEYS[2])
end
return 1
)lua");

// "<instance>\t<joinedAt>\t<subject>" -> instance and member; false when malformed.
bool ParseValue(const std::string& sid, const std::string& v, std::string& instance, PresenceMember& m) {
  size_t t1 = v.find('\t'), t2 = t1 == std::string::npos ? t1 : v.find('\t', t1 + 1);
  if (t2 == std::string::npos) return false;
  instance = v.substr(0, t1);
  m = {sid, v.substr(t2 + 1), std::strtoll(v.c_str() + t1 + 1, nullptr, 10)};
  return true;
}

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
  auto r = pool_->Eval(kJoin,
                       {ChannelKey(scope, channel), OrderKey(scope, channel), ChannelsKey(scope),
                        "realtime:instance:" + instance_},
                       {m.socket_id, instance_ + "\t" + std::to_string(m.joined_at) + "\t" + m.subject,
                        MemberOrderKey(m.joined_at, m.socket_id), channel, kLivenessTtl});
  if (!r.ok()) return r.take_error();
  return Ok();
}

Status RedisPresence::Leave(const Scope& scope, const std::string& channel, const std::string& socket_id) {
  auto r = pool_->Eval(kLeave, {ChannelKey(scope, channel), OrderKey(scope, channel), ChannelsKey(scope)},
                       {socket_id, channel});
  if (!r.ok()) return r.take_error();
  return Ok();
}

void RedisPresence::Prune(const Scope& scope, const std::string& channel, const std::string& socket_id) {
  (void)Leave(scope, channel, socket_id);  // a dead instance's ghost; a failure leaves it for the next reader
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
    std::string inst;
    PresenceMember m;
    if (!ParseValue(sid, all->elements[i + 1].str, inst, m)) continue;
    if (!alive.count(inst)) {
      auto a = InstanceAlive(inst);
      if (!a.ok()) return a.take_error();
      alive[inst] = *a;
    }
    if (!alive[inst]) {
      Prune(scope, channel, sid);
      continue;
    }
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.joined_at != b.joined_at ? a.joined_at < b.joined_at : a.socket_id < b.socket_id;
  });
  return out;
}

Result<MemberPage> RedisPresence::MembersPage(const Scope& scope, const std::string& channel,
                                              std::string_view cursor, size_t limit) {
  limit = std::max<size_t>(limit, 1);
  std::string start = "-";  // ZRANGEBYLEX bound: exclusive after the cursor's key
  if (!cursor.empty()) {
    auto key = DecodeMemberCursor(cursor);
    if (!key) return Error::Validation("cursor is not a members cursor");
    start = "(" + *key;
  }
  const std::string order = OrderKey(scope, channel), hash = ChannelKey(scope, channel);
  auto count = pool_->Command({"ZCARD", order});
  if (Status st = Check(count); !st.ok()) return st.take_error();
  MemberPage page;
  page.member_count = count->integer;
  std::unordered_map<std::string, bool> alive;
  bool more = false;
  // One member beyond the page tells whether more follow; ghosts on the way are pruned and skipped.
  while (!more) {
    size_t want = limit + 1 - page.members.size();
    auto keys = pool_->Command({"ZRANGEBYLEX", order, start, "+", "LIMIT", "0", std::to_string(want)});
    if (Status st = Check(keys); !st.ok()) return st.take_error();
    if (keys->elements.empty()) break;
    std::vector<std::string> hmget = {"HMGET", hash};
    for (const auto& k : keys->elements) hmget.push_back(k.str.substr(k.str.find('\t') + 1));
    auto values = pool_->Command(hmget);
    if (Status st = Check(values); !st.ok()) return st.take_error();
    if (values->elements.size() != keys->elements.size()) return Error::Unavailable("Redis: unexpected HMGET reply");
    for (size_t i = 0; i < keys->elements.size() && !more; ++i) {
      start = "(" + keys->elements[i].str;
      const std::string& sid = hmget[i + 2];
      std::string inst;
      PresenceMember m;
      bool parsed = values->elements[i].type == RespReply::Type::kString &&
                    ParseValue(sid, values->elements[i].str, inst, m);
      if (parsed && !alive.count(inst)) {
        auto a = InstanceAlive(inst);
        if (!a.ok()) return a.take_error();
        alive[inst] = *a;
      }
      if (!parsed || !alive[inst]) {  // a ghost, or an order entry without its member
        if (parsed) Prune(scope, channel, sid);
        else (void)pool_->Command({"ZREM", order, keys->elements[i].str});
        --page.member_count;
        continue;
      }
      if (page.members.size() == limit) more = true;
      else page.members.push_back(std::move(m));
    }
    if (keys->elements.size() < want) break;
  }
  if (more) page.next_cursor = EncodeMemberCursor(page.members.back());
  page.member_count = std::max<int64_t>(page.member_count, static_cast<int64_t>(page.members.size()));
  return page;
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
