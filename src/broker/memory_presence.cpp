#include <algorithm>

#include "broker/presence.h"

namespace rt::broker {

Status MemoryPresence::Join(const Scope& scope, const std::string& channel, const PresenceMember& member) {
  std::lock_guard lock(mu_);
  channels_[scope.Key()][channel][member.socket_id] = member;
  return Ok();
}

Status MemoryPresence::Leave(const Scope& scope, const std::string& channel, const std::string& socket_id) {
  std::lock_guard lock(mu_);
  auto s = channels_.find(scope.Key());
  if (s == channels_.end()) return Ok();
  auto c = s->second.find(channel);
  if (c == s->second.end()) return Ok();
  c->second.erase(socket_id);
  if (c->second.empty()) s->second.erase(c);
  if (s->second.empty()) channels_.erase(s);
  return Ok();
}

Result<std::vector<PresenceMember>> MemoryPresence::Members(const Scope& scope, const std::string& channel) {
  std::lock_guard lock(mu_);
  std::vector<PresenceMember> out;
  auto s = channels_.find(scope.Key());
  if (s == channels_.end()) return out;
  auto c = s->second.find(channel);
  if (c == s->second.end()) return out;
  for (const auto& [_, m] : c->second) out.push_back(m);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.joined_at != b.joined_at ? a.joined_at < b.joined_at : a.socket_id < b.socket_id;
  });
  return out;
}

Result<std::vector<ChannelInfo>> MemoryPresence::Channels(const Scope& scope) {
  std::lock_guard lock(mu_);
  std::vector<ChannelInfo> out;
  auto s = channels_.find(scope.Key());
  if (s == channels_.end()) return out;
  for (const auto& [name, members] : s->second) out.push_back({name, static_cast<int64_t>(members.size())});
  return out;
}

Status MemoryPresence::ReportConnections(const std::map<std::string, int64_t>& by_scope) {
  std::lock_guard lock(mu_);
  connections_ = by_scope;
  return Ok();
}

Result<int64_t> MemoryPresence::Connections(const Scope& scope) {
  std::lock_guard lock(mu_);
  auto it = connections_.find(scope.Key());
  return it == connections_.end() ? int64_t{0} : it->second;
}

}  // namespace rt::broker
