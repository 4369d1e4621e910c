#include "monitor/socket_journal.h"

#include <algorithm>

#include "core/ids.h"
#include "core/json.h"

namespace rt::monitor {
namespace {

constexpr size_t kMaxUserAgent = 512;  // bytes of a User-Agent kept

size_t ApproxBytes(const ConnectionRecord& r) {
  size_t n = sizeof(ConnectionRecord) + r.socket_id.size() + r.scope.application_id.size() +
             r.scope.environment.size() + r.transport.size() + r.engine_transport.size() + r.remote_address.size() +
             r.user_agent.size() + r.subject.size() + r.instance.size() + r.close_reason.size() + r.close_detail.size();
  for (const auto& c : r.channels) n += sizeof(ChannelRecord) + c.channel.size();
  for (const auto& s : r.subscriptions)
    n += sizeof(SubscriptionRecord) + s.subscription_id.size() + s.topic.size() + s.filter_json.size() +
         s.return_mode.size() + s.end_reason.size();
  return n;
}

// Forgets the ended subscriptions beyond `max`, those that ended first first.
void TrimHistory(ConnectionRecord& r, size_t max) {
  std::vector<size_t> ended;
  for (size_t i = 0; i < r.subscriptions.size(); ++i)
    if (r.subscriptions[i].unsubscribed_at != 0) ended.push_back(i);
  if (ended.size() <= max) return;
  std::sort(ended.begin(), ended.end(),
            [&r](size_t a, size_t b) { return r.subscriptions[a].end_seq < r.subscriptions[b].end_seq; });
  std::vector<bool> drop(r.subscriptions.size(), false);
  for (size_t k = 0; k < ended.size() - max; ++k) drop[ended[k]] = true;
  size_t kept = 0;
  for (size_t i = 0; i < r.subscriptions.size(); ++i)
    if (!drop[i]) {
      if (kept != i) r.subscriptions[kept] = std::move(r.subscriptions[i]);
      ++kept;
    }
  r.subscriptions.resize(kept);
  r.history_dropped += ended.size() - max;
}

}  // namespace

SocketJournal::SocketJournal(SocketJournalOptions options) : options_(std::move(options)) {}

void SocketJournal::OnConnect(const std::string& socket_id, const Scope& scope, const std::string& subject,
                              const events::ClientInfo& client) {
  ConnectionRecord r;
  r.socket_id = socket_id;
  r.scope = scope;
  r.transport = client.transport;
  r.engine_transport = client.engine_transport;
  r.remote_address = client.remote_address;
  r.user_agent = std::string(json::Utf8Prefix(client.user_agent, kMaxUserAgent));
  r.subject = subject;
  r.instance = options_.instance;
  r.connected_at = NowMs();
  const int64_t at = r.connected_at;
  {
    std::lock_guard lock(mu_);
    live_[socket_id] = std::move(r);
  }
  if (!Listening()) return;
  boost::json::object f{{"socketId", socket_id}, {"at", at}, {"transport", client.transport}};
  if (!client.engine_transport.empty()) f["engineTransport"] = client.engine_transport;
  f["remoteAddress"] = client.remote_address;
  f["userAgent"] = json::Utf8Prefix(client.user_agent, kMaxUserAgent);
  f["subject"] = subject;
  Publish(scope, "connect", std::move(f));
}

void SocketJournal::OnDisconnect(const std::string& socket_id, uint16_t close_code, std::string_view detail) {
  const int64_t at = NowMs();
  const char* reason = ClassifyClose(close_code, detail);
  Scope scope;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(socket_id);
    if (it == live_.end()) return;
    ConnectionRecord r = std::move(it->second);
    live_.erase(it);
    r.closed_at = at;
    r.close_code = close_code;
    r.close_reason = reason;
    r.close_detail = std::string(detail);
    scope = r.scope;
    Retire(std::move(r));
  }
  if (!Listening()) return;
  boost::json::object f{{"socketId", socket_id}, {"at", at}, {"reason", reason}, {"detail", detail}};
  if (close_code != 0) f["code"] = close_code;
  Publish(scope, "disconnect", std::move(f));
}

void SocketJournal::Retire(ConnectionRecord&& r) {
  for (auto& s : r.subscriptions) {
    if (s.unsubscribed_at != 0) continue;
    s.unsubscribed_at = r.closed_at;
    s.end_reason = "disconnected";
    s.end_seq = ++r.subscriptions_ended;
  }
  TrimHistory(r, options_.max_history_per_connection);
  const size_t bytes = ApproxBytes(r);
  closed_index_[r.socket_id] = closed_front_seq_ + closed_.size();
  closed_.push_back(std::move(r));
  closed_sizes_.push_back(bytes);
  closed_bytes_ += bytes;
  // The newest record stays even when it alone is over the byte bound.
  while (closed_.size() > options_.max_closed || (closed_.size() > 1 && closed_bytes_ > options_.max_closed_bytes)) {
    auto idx = closed_index_.find(closed_.front().socket_id);
    if (idx != closed_index_.end() && idx->second == closed_front_seq_) closed_index_.erase(idx);
    closed_bytes_ -= closed_sizes_.front();
    closed_.pop_front();
    closed_sizes_.pop_front();
    ++closed_front_seq_;
  }
}

void SocketJournal::OnTransport(const std::string& socket_id, std::string_view engine_transport) {
  Scope scope;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(socket_id);
    if (it == live_.end() || it->second.engine_transport == engine_transport) return;
    it->second.engine_transport = std::string(engine_transport);
    scope = it->second.scope;
  }
  if (!Listening()) return;
  Publish(scope, "transport", {{"socketId", socket_id}, {"at", NowMs()}, {"engineTransport", engine_transport}});
}

void SocketJournal::OnSubscribe(const std::string& socket_id, const std::string& subscription_id,
                                const std::string& topic, const boost::json::value& filter,
                                std::string_view return_mode) {
  SubscriptionRecord s;
  s.subscription_id = subscription_id;
  s.topic = topic;
  if (!filter.is_null()) s.filter_json = json::Serialize(filter);
  s.return_mode = std::string(return_mode);
  s.subscribed_at = NowMs();
  const int64_t at = s.subscribed_at;
  Scope scope;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(socket_id);
    if (it == live_.end()) return;
    it->second.subscriptions.push_back(std::move(s));
    scope = it->second.scope;
  }
  if (!Listening()) return;
  Publish(scope, "subscribe",
          {{"socketId", socket_id},
           {"at", at},
           {"subscriptionId", subscription_id},
           {"topic", topic},
           {"filter", filter},
           {"returnMode", return_mode}});
}

void SocketJournal::OnUnsubscribe(const std::string& socket_id, const std::string& subscription_id,
                                  std::string_view reason) {
  const int64_t at = NowMs();
  Scope scope;
  std::string topic;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(socket_id);
    if (it == live_.end()) return;
    ConnectionRecord& r = it->second;
    auto s = std::find_if(r.subscriptions.begin(), r.subscriptions.end(), [&](const SubscriptionRecord& x) {
      return x.unsubscribed_at == 0 && x.subscription_id == subscription_id;
    });
    if (s == r.subscriptions.end()) return;
    s->unsubscribed_at = at;
    s->end_reason = std::string(reason);
    s->end_seq = ++r.subscriptions_ended;
    topic = s->topic;
    scope = r.scope;
    TrimHistory(r, options_.max_history_per_connection);
  }
  if (!Listening()) return;
  Publish(
      scope, "unsubscribe",
      {{"socketId", socket_id}, {"at", at}, {"subscriptionId", subscription_id}, {"topic", topic}, {"reason", reason}});
}

void SocketJournal::OnJoin(const std::string& socket_id, const std::string& channel) {
  const int64_t at = NowMs();
  Scope scope;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(socket_id);
    if (it == live_.end()) return;
    it->second.channels.push_back({channel, at});
    scope = it->second.scope;
  }
  if (!Listening()) return;
  Publish(scope, "join", {{"socketId", socket_id}, {"at", at}, {"channel", channel}});
}

void SocketJournal::OnLeave(const std::string& socket_id, const std::string& channel) {
  Scope scope;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(socket_id);
    if (it == live_.end()) return;
    auto& channels = it->second.channels;
    auto c =
        std::find_if(channels.begin(), channels.end(), [&](const ChannelRecord& x) { return x.channel == channel; });
    if (c == channels.end()) return;
    channels.erase(c);
    scope = it->second.scope;
  }
  if (!Listening()) return;
  Publish(scope, "leave", {{"socketId", socket_id}, {"at", NowMs()}, {"channel", channel}});
}

void SocketJournal::OnBroadcast(const Scope& scope, const std::string& socket_id, const std::string& channel,
                                const std::string& event, const std::string& event_id) {
  if (!Listening()) return;
  boost::json::object f{{"socketId", nullptr}, {"at", NowMs()},
                        {"channel", channel},  {"event", event},
                        {"eventId", event_id}, {"source", socket_id.empty() ? "rest" : "socket"}};
  if (!socket_id.empty()) f["socketId"] = socket_id;
  Publish(scope, "broadcast", std::move(f));
}

void SocketJournal::Publish(const Scope& scope, const char* type, boost::json::object fields) {
  boost::json::object o;
  o.reserve(fields.size() + 4);
  o["type"] = type;
  for (auto& kv : fields) o[kv.key()] = std::move(kv.value());
  o["applicationId"] = scope.application_id;
  o["environment"] = scope.environment;
  o["instance"] = options_.instance;
  TrafficItem item{type, json::Serialize(o)};
  std::vector<TrafficSink> gone;  // destroyed after the lock is released (their captures may be the last owners)
  std::lock_guard lock(listeners_mu_);
  auto dropped = std::remove_if(listeners_.begin(), listeners_.end(), [&](Listener& l) {
    if (!(l.scope == scope) || l.sink(item)) return false;
    gone.push_back(std::move(l.sink));
    return true;
  });
  if (gone.empty()) return;
  listeners_dropped_ += gone.size();
  listeners_.erase(dropped, listeners_.end());
  listener_count_.store(listeners_.size(), std::memory_order_release);
}

uint64_t SocketJournal::AddListener(const Scope& scope, TrafficSink sink) {
  std::lock_guard lock(listeners_mu_);
  uint64_t id = next_listener_++;
  listeners_.push_back({id, scope, std::move(sink)});
  listener_count_.store(listeners_.size(), std::memory_order_release);
  return id;
}

void SocketJournal::RemoveListener(uint64_t id) {
  TrafficSink gone;  // destroyed after the lock is released (its captures may be the last owners)
  std::lock_guard lock(listeners_mu_);
  auto it = std::find_if(listeners_.begin(), listeners_.end(), [id](const Listener& l) { return l.id == id; });
  if (it == listeners_.end()) return;
  gone = std::move(it->sink);
  listeners_.erase(it);
  listener_count_.store(listeners_.size(), std::memory_order_release);
}

std::optional<ConnectionRecord> SocketJournal::Find(const std::string& socket_id) const {
  std::lock_guard lock(mu_);
  if (auto it = live_.find(socket_id); it != live_.end()) return it->second;
  auto idx = closed_index_.find(socket_id);
  if (idx == closed_index_.end()) return std::nullopt;
  return closed_[idx->second - closed_front_seq_];
}

std::vector<ConnectionRecord> SocketJournal::BySubject(const Scope& scope, const std::string& subject) const {
  std::vector<ConnectionRecord> out;
  std::lock_guard lock(mu_);
  for (const auto& [_, r] : live_)
    if (r.subject == subject && r.scope == scope) out.push_back(r);
  std::sort(out.begin(), out.end(),
            [](const ConnectionRecord& a, const ConnectionRecord& b) { return a.connected_at > b.connected_at; });
  for (auto it = closed_.rbegin(); it != closed_.rend(); ++it)
    if (it->subject == subject && it->scope == scope) out.push_back(*it);
  return out;
}

std::vector<ConnectionRecord> SocketJournal::Live(const Scope& scope, size_t limit) const {
  std::vector<const ConnectionRecord*> matching;
  std::vector<ConnectionRecord> out;
  std::lock_guard lock(mu_);
  for (const auto& [_, r] : live_)
    if (r.scope == scope) matching.push_back(&r);
  std::sort(matching.begin(), matching.end(), [](const ConnectionRecord* a, const ConnectionRecord* b) {
    return a->connected_at != b->connected_at ? a->connected_at < b->connected_at : a->socket_id < b->socket_id;
  });
  if (matching.size() > limit) matching.resize(limit);
  out.reserve(matching.size());
  for (const auto* r : matching) out.push_back(*r);
  return out;
}

SocketJournal::Stats SocketJournal::stats() const {
  Stats s;
  {
    std::lock_guard lock(mu_);
    s.live = live_.size();
    s.closed = closed_.size();
  }
  std::lock_guard lock(listeners_mu_);
  s.listeners = listeners_.size();
  s.listeners_dropped = listeners_dropped_;
  return s;
}

}  // namespace rt::monitor
