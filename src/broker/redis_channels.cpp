#include "broker/redis_channels.h"

#include <algorithm>

#include "broker/broker.h"
#include "core/log.h"

namespace rt::broker {

std::string ChannelFor(std::string_view key) {
  std::string ch = kEventChannelPrefix;
  ch.reserve(ch.size() + key.size());
  for (char c : key) ch += c == '\x1f' ? ':' : c;
  return ch;
}

uint16_t HashSlot(std::string_view key) {
  if (auto open = key.find('{'); open != std::string_view::npos) {
    auto close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) key = key.substr(open + 1, close - open - 1);
  }
  uint16_t crc = 0;  // CRC16-CCITT (XMODEM), as Redis Cluster computes it
  for (unsigned char c : key) {
    crc ^= static_cast<uint16_t>(c) << 8;
    for (int i = 0; i < 8; ++i) crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021) : crc << 1;
  }
  return crc & 16383;
}

bool RedisChannels::Want(const std::string& key, bool on) {
  std::string channel = ChannelFor(key);
  std::lock_guard lock(mu_);
  if (on) wanted_.insert(std::move(channel));
  else wanted_.erase(channel);
  if (!connected_ || scheduled_) return false;
  scheduled_ = true;
  return true;
}

uint64_t RedisChannels::WhenSubscribed(const std::string& key, Ready ready) {
  std::string channel = ChannelFor(key);
  std::lock_guard lock(mu_);
  if (!live_ || !wanted_.count(channel) || confirmed_.count(channel)) return 0;
  if (sharded_ && IsGlobKey(key)) return 0;  // never subscribed (no sharded patterns)
  uint64_t id = next_id_++;
  by_channel_.emplace(channel, id);
  waiters_.emplace(id, Waiter{std::move(channel), std::move(ready)});
  return id;
}

void RedisChannels::Connected() {
  std::lock_guard lock(mu_);
  connected_ = true;
  scheduled_ = false;
}

void RedisChannels::Live() {
  std::lock_guard lock(mu_);
  live_ = true;
}

std::vector<RedisChannels::Ready> RedisChannels::Lost() {
  std::lock_guard lock(mu_);
  connected_ = live_ = scheduled_ = false;
  sent_.clear();
  pending_.clear();
  confirmed_.clear();
  std::vector<Ready> out;
  for (auto& [id, w] : waiters_) out.push_back(std::move(w.ready));
  waiters_.clear();
  by_channel_.clear();
  return out;
}

std::vector<RedisChannels::Ready> RedisChannels::ReleaseAll() {
  std::lock_guard lock(mu_);
  std::vector<Ready> out;
  for (auto& [id, w] : waiters_) out.push_back(std::move(w.ready));
  waiters_.clear();
  by_channel_.clear();
  return out;
}

std::vector<std::vector<std::string>> RedisChannels::Reconcile() {
  std::lock_guard lock(mu_);
  scheduled_ = false;
  if (!connected_) return {};
  // Batches per command verb (and per slot when sharded), at most kMaxPerCommand channels each.
  std::map<std::pair<std::string, uint16_t>, std::vector<std::string>> batches;
  auto add = [&](const char* verb, const std::string& channel) {
    uint16_t slot = sharded_ ? HashSlot(channel) : 0;
    auto& b = batches[{verb, slot}];
    if (b.empty()) b.push_back(verb);
    b.push_back(channel);
  };
  for (const auto& ch : wanted_) {
    if (sent_.count(ch)) continue;
    bool glob = IsGlobKey(ch);
    if (glob && sharded_) {
      if (!warned_glob_) log::Warn("REDIS_CLUSTER: a glob interest cannot be subscribed (no sharded patterns)", {{"channel", ch}});
      warned_glob_ = true;
      continue;
    }
    add(glob ? "PSUBSCRIBE" : sharded_ ? "SSUBSCRIBE" : "SUBSCRIBE", ch);
    sent_.insert(ch);
    ++pending_[ch];
  }
  for (auto it = sent_.begin(); it != sent_.end();) {
    if (wanted_.count(*it)) {
      ++it;
      continue;
    }
    bool glob = IsGlobKey(*it);
    add(glob ? "PUNSUBSCRIBE" : sharded_ ? "SUNSUBSCRIBE" : "UNSUBSCRIBE", *it);
    confirmed_.erase(*it);
    it = sent_.erase(it);
  }
  std::vector<std::vector<std::string>> out;
  for (auto& [verb_slot, args] : batches) {
    for (size_t i = 1; i < args.size(); i += kMaxPerCommand) {
      std::vector<std::string> cmd{args[0]};
      size_t end = std::min(args.size(), i + kMaxPerCommand);
      cmd.insert(cmd.end(), std::make_move_iterator(args.begin() + static_cast<ptrdiff_t>(i)),
                 std::make_move_iterator(args.begin() + static_cast<ptrdiff_t>(end)));
      out.push_back(std::move(cmd));
    }
  }
  return out;
}

void RedisChannels::Take(const std::string& channel, std::vector<Ready>* out) {
  auto [b, e] = by_channel_.equal_range(channel);
  for (auto it = b; it != e; ++it) {
    auto w = waiters_.find(it->second);
    if (w == waiters_.end()) continue;
    out->push_back(std::move(w->second.ready));
    waiters_.erase(w);
  }
  by_channel_.erase(b, e);
}

std::vector<RedisChannels::Ready> RedisChannels::Confirmed(const std::string& channel) {
  std::lock_guard lock(mu_);
  std::vector<Ready> out;
  auto p = pending_.find(channel);
  if (p != pending_.end() && --p->second > 0) return out;
  if (p != pending_.end()) pending_.erase(p);
  if (!sent_.count(channel)) return out;  // unsubscribed again since: not confirmed
  confirmed_.insert(channel);
  Take(channel, &out);
  return out;
}

std::vector<RedisChannels::Ready> RedisChannels::Refused(const std::vector<std::string>& channels) {
  std::lock_guard lock(mu_);
  std::vector<Ready> out;
  for (const auto& ch : channels) {
    if (auto p = pending_.find(ch); p != pending_.end() && --p->second <= 0) pending_.erase(p);
    sent_.erase(ch);  // not subscribed: the next Reconcile tries again
    Take(ch, &out);
  }
  return out;
}

RedisChannels::Ready RedisChannels::Expire(uint64_t id) {
  std::lock_guard lock(mu_);
  auto w = waiters_.find(id);
  if (w == waiters_.end()) return nullptr;
  Ready r = std::move(w->second.ready);
  auto [b, e] = by_channel_.equal_range(w->second.channel);
  for (auto it = b; it != e; ++it) {
    if (it->second == id) {
      by_channel_.erase(it);
      break;
    }
  }
  waiters_.erase(w);
  return r;
}

size_t RedisChannels::subscribed() const {
  std::lock_guard lock(mu_);
  return sent_.size();
}

size_t RedisChannels::confirmed() const {
  std::lock_guard lock(mu_);
  return confirmed_.size();
}

}  // namespace rt::broker
