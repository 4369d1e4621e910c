#include "gateway/token_watch.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/ids.h"

namespace rt::gateway {

void WatchList::Add(Watched* w, std::string application_id, std::string key_id, int64_t exp_ms) {
  Remove(w);
  entries_[w] = {std::move(application_id), std::move(key_id), exp_ms};
  if (exp_ms > 0) by_expiry_.emplace(exp_ms, w);
}

void WatchList::Remove(Watched* w) {
  auto it = entries_.find(w);
  if (it == entries_.end()) return;
  if (it->second.exp_ms > 0) {
    auto [lo, hi] = by_expiry_.equal_range(it->second.exp_ms);
    for (auto e = lo; e != hi; ++e) {
      if (e->second == w) {
        by_expiry_.erase(e);
        break;
      }
    }
  }
  entries_.erase(it);
}

std::vector<Watched*> WatchList::TakeExpired(int64_t now_ms) {
  std::vector<Watched*> out;
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now_ms) {
    Watched* w = by_expiry_.begin()->second;
    by_expiry_.erase(by_expiry_.begin());
    entries_.erase(w);
    out.push_back(w);
  }
  return out;
}

template <typename Pred>
std::vector<Watched*> WatchList::TakeIf(Pred pred) {
  std::vector<Watched*> out;
  for (const auto& [w, e] : entries_) {
    if (pred(e)) out.push_back(w);
  }
  for (Watched* w : out) Remove(w);
  return out;
}

std::vector<Watched*> WatchList::TakeByKey(const std::unordered_set<std::string>& key_ids) {
  return TakeIf([&](const Entry& e) { return key_ids.contains(e.key_id); });
}

std::vector<Watched*> WatchList::TakeByApplication(const std::unordered_set<std::string>& application_ids) {
  return TakeIf([&](const Entry& e) { return application_ids.contains(e.application_id); });
}

std::optional<int64_t> WatchList::NextExpiry() const {
  if (by_expiry_.empty()) return std::nullopt;
  return by_expiry_.begin()->first;
}

struct TokenWatch::Shard {
  WatchList list;
  std::unique_ptr<boost::asio::steady_timer> timer;  // created on the shard thread at first use
  int64_t armed_for_ms = 0;                          // the expiry the timer waits for (0: idle)
};

TokenWatch::TokenWatch(ShardExecutor& shards, ContextOf context_of)
    : shards_(shards), context_of_(std::move(context_of)) {
  for (size_t i = 0; i < shards_.shard_count(); ++i) shard_state_.push_back(std::make_unique<Shard>());
}

TokenWatch::~TokenWatch() = default;

void TokenWatch::Watch(size_t shard, Watched* w, const std::string& application_id, const std::string& key_id,
                       int64_t exp_s) {
  Shard& s = *shard_state_[shard];
  s.list.Add(w, application_id, key_id, exp_s > 0 ? exp_s * 1000 : 0);
  auto next = s.list.NextExpiry();
  if (next && (s.armed_for_ms == 0 || *next < s.armed_for_ms)) Arm(shard);
}

void TokenWatch::Unwatch(size_t shard, Watched* w) { shard_state_[shard]->list.Remove(w); }

// Arms the shard's timer for its earliest expiry (a stale later wake-up just re-arms).
void TokenWatch::Arm(size_t shard) {
  Shard& s = *shard_state_[shard];
  auto next = s.list.NextExpiry();
  if (!next) {
    s.armed_for_ms = 0;
    if (s.timer) s.timer->cancel();
    return;
  }
  if (!s.timer) s.timer = std::make_unique<boost::asio::steady_timer>(context_of_(shard));
  s.armed_for_ms = *next;
  s.timer->expires_after(std::chrono::milliseconds(std::max<int64_t>(0, *next - NowMs())));
  s.timer->async_wait([this, shard](const boost::system::error_code& ec) {
    if (!ec) OnTimer(shard);
  });
}

void TokenWatch::OnTimer(size_t shard) {
  Shard& s = *shard_state_[shard];
  s.armed_for_ms = 0;
  auto victims = s.list.TakeExpired(NowMs());
  stats_.expired.fetch_add(victims.size(), std::memory_order_relaxed);
  Arm(shard);  // before revoking: the victims are out of the list already
  Revoke(victims, revoke_reason::kExpired);
}

void TokenWatch::Revoke(const std::vector<Watched*>& victims, const char* reason) {
  // Each victim was removed from the list; closing one never destroys another.
  for (Watched* w : victims) w->TokenRevoked(reason);
}

void TokenWatch::KeysRemoved(const std::vector<std::string>& key_ids) {
  if (key_ids.empty()) return;
  auto ids = std::make_shared<const std::unordered_set<std::string>>(key_ids.begin(), key_ids.end());
  for (size_t i = 0; i < shard_state_.size(); ++i) {
    shards_.PostToShard(i, [this, i, ids] {
      auto victims = shard_state_[i]->list.TakeByKey(*ids);
      stats_.key_revoked.fetch_add(victims.size(), std::memory_order_relaxed);
      Revoke(victims, revoke_reason::kKeyRevoked);
    });
  }
}

void TokenWatch::ApplicationsRemoved(const std::vector<std::string>& application_ids) {
  if (application_ids.empty()) return;
  auto ids = std::make_shared<const std::unordered_set<std::string>>(application_ids.begin(), application_ids.end());
  for (size_t i = 0; i < shard_state_.size(); ++i) {
    shards_.PostToShard(i, [this, i, ids] {
      auto victims = shard_state_[i]->list.TakeByApplication(*ids);
      stats_.application_deleted.fetch_add(victims.size(), std::memory_order_relaxed);
      Revoke(victims, revoke_reason::kApplicationDeleted);
    });
  }
}

}  // namespace rt::gateway
