#include <algorithm>

#include "broker/presence.h"

namespace rt::broker {

const MemoryPresence::Room* MemoryPresence::FindRoom(const Scope& scope, const std::string& channel) const {
  auto s = channels_.find(scope.Key());
  if (s == channels_.end()) return nullptr;
  auto c = s->second.find(channel);
  return c == s->second.end() ? nullptr : &c->second;
}

Status MemoryPresence::Join(const Scope& scope, const std::string& channel, const PresenceMember& member) {
  std::lock_guard lock(mu_);
  Room& room = channels_[scope.Key()][channel];
  auto [it, inserted] = room.by_socket.try_emplace(member.socket_id, member);
  if (!inserted) {
    room.order.erase(MemberOrderKey(it->second.joined_at, it->second.socket_id));
    it->second = member;
  }
  room.order.insert(MemberOrderKey(member.joined_at, member.socket_id));
  return Ok();
}

Status MemoryPresence::Leave(const Scope& scope, const std::string& channel, const std::string& socket_id) {
  std::lock_guard lock(mu_);
  auto s = channels_.find(scope.Key());
  if (s == channels_.end()) return Ok();
  auto c = s->second.find(channel);
  if (c == s->second.end()) return Ok();
  Room& room = c->second;
  auto m = room.by_socket.find(socket_id);
  if (m == room.by_socket.end()) return Ok();
  room.order.erase(MemberOrderKey(m->second.joined_at, socket_id));
  room.by_socket.erase(m);
  if (room.by_socket.empty()) s->second.erase(c);
  if (s->second.empty()) channels_.erase(s);
  return Ok();
}

Result<std::vector<PresenceMember>> MemoryPresence::Members(const Scope& scope, const std::string& channel) {
  std::lock_guard lock(mu_);
  std::vector<PresenceMember> out;
  const Room* room = FindRoom(scope, channel);
  if (!room) return out;
  out.reserve(room->order.size());
  for (const std::string& key : room->order) out.push_back(room->by_socket.at(key.substr(key.find('\t') + 1)));
  return out;
}

Result<MemberPage> MemoryPresence::MembersPage(const Scope& scope, const std::string& channel,
                                               std::string_view cursor, size_t limit) {
  limit = std::max<size_t>(limit, 1);
  std::optional<std::string> after;
  if (!cursor.empty()) {
    after = DecodeMemberCursor(cursor);
    if (!after) return Error::Validation("cursor is not a members cursor");
  }
  std::lock_guard lock(mu_);
  MemberPage page;
  const Room* room = FindRoom(scope, channel);
  if (!room) return page;
  page.member_count = static_cast<int64_t>(room->by_socket.size());
  auto it = after ? room->order.upper_bound(*after) : room->order.begin();
  for (; it != room->order.end() && page.members.size() < limit; ++it)
    page.members.push_back(room->by_socket.at(it->substr(it->find('\t') + 1)));
  if (it != room->order.end() && !page.members.empty()) page.next_cursor = EncodeMemberCursor(page.members.back());
  return page;
}

Result<std::vector<ChannelInfo>> MemoryPresence::Channels(const Scope& scope) {
  std::lock_guard lock(mu_);
  std::vector<ChannelInfo> out;
  auto s = channels_.find(scope.Key());
  if (s == channels_.end()) return out;
  for (const auto& [name, room] : s->second) out.push_back({name, static_cast<int64_t>(room.by_socket.size())});
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
