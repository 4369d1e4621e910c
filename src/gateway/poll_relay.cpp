#include "gateway/poll_relay.h"

#include <charconv>
#include <vector>

#include "broker/cluster_rpc.h"

namespace rt::gateway {
namespace {

net::HttpResponse Unknown() { return EioBadRequest(1, "Session ID unknown"); }

// Splits off the next '\n'-terminated field; false if there is none.
bool NextField(std::string_view* rest, std::string_view* field) {
  auto nl = rest->find('\n');
  if (nl == std::string_view::npos) return false;
  *field = rest->substr(0, nl);
  rest->remove_prefix(nl + 1);
  return true;
}

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

// Answers once: by the responder's call, or with a 400 when the session drops the responder
// without calling it (its transport closed), so the asker does not wait for its timeout.
struct PollRelay::Reply {
  Reply(PollRelay* r, std::string to_instance, std::string request_id, std::string served_key)
      : relay(r), to(std::move(to_instance)), id(std::move(request_id)), key(std::move(served_key)) {}
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  PollRelay* relay;
  std::string to, id, key;
  bool sent = false;  // only the call sets it; read by the destructor, after the last copy is gone
  ~Reply() {
    if (!sent) relay->SendResponse(to, id, key, Unknown());
  }
};

PollRelay::PollRelay(broker::Broker& broker, std::string instance_id, std::function<bool(const std::string&)> alive,
                     PollRelayOptions options)
    : broker_(broker), instance_id_(std::move(instance_id)), alive_(std::move(alive)), options_(options) {
  thread_ = std::thread([this] { Run(); });
}

PollRelay::~PollRelay() { Stop(); }

void PollRelay::Serve(LocalServe serve) { serve_ = std::move(serve); }

void PollRelay::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::map<uint64_t, Waiting> left;
  {
    std::lock_guard lock(mu_);
    left.swap(waiting_);
    deadlines_.clear();
  }
  for (auto& [id, w] : left) w.respond(Unknown());
}

std::string_view PollRelay::OwnerOf(std::string_view sid) {
  auto dot = sid.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : sid.substr(dot + 1);
}

PollRelayStats PollRelay::stats() {
  std::lock_guard lock(mu_);
  return stats_;
}

void PollRelay::Publish(std::string text) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
  }
  broker::BrokerMessage m;
  m.scope = {broker::kControlScope, broker::kControlScope};
  m.topic = kPollRelayTopic;
  m.event_json = std::move(text);
  broker_.Publish(std::move(m));
}

void PollRelay::Forward(const std::string& sid, bool get, std::string body,
                        const std::shared_ptr<net::AbortSignal>& abort, PollResponder respond) {
  std::string owner(OwnerOf(sid));
  if (owner.empty() || owner == instance_id_ || sid.find('\n') != std::string::npos || !alive_ || !alive_(owner))
    return respond(Unknown());
  uint64_t id;
  {
    std::unique_lock lock(mu_);
    if (stopping_) {
      lock.unlock();
      return respond(Unknown());
    }
    id = ++next_id_;
    auto deadline = Clock::now() + options_.timeout;
    waiting_.emplace(id, Waiting{std::move(respond), deadline});
    deadlines_.emplace(deadline, id);
    ++stats_.forwarded;
  }
  cv_.notify_all();
  Publish("req\n" + std::to_string(id) + "\n" + instance_id_ + "\n" + (get ? "G" : "P") + "\n" + sid + "\n" + body);
  if (get && abort) {
    abort->OnAbort([this, id] {
      if (Take(id)) Publish("abort\n" + std::to_string(id) + "\n" + instance_id_);
    });
  }
}

PollResponder PollRelay::Take(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = waiting_.find(id);
  if (it == waiting_.end()) return nullptr;
  PollResponder respond = std::move(it->second.respond);
  deadlines_.erase({it->second.deadline, id});
  waiting_.erase(it);
  return respond;
}

void PollRelay::OnControl(broker::BrokerMessage&& message) {
  std::string_view rest = message.event_json;
  std::string_view kind;
  if (!NextField(&rest, &kind)) return;
  if (kind == "req") return OnRequest(rest);
  if (kind == "res") return OnResponse(rest);
  if (kind == "abort") return OnAbort(rest);
}

void PollRelay::OnRequest(std::string_view rest) {
  std::string_view id, from, method, sid;
  if (!NextField(&rest, &id) || !NextField(&rest, &from) || !NextField(&rest, &method) || !NextField(&rest, &sid))
    return;
  if (OwnerOf(sid) != instance_id_ || from == instance_id_) return;  // not ours to answer
  bool get = method == "G";
  std::string key = std::string(from) + "\n" + std::string(id);
  std::shared_ptr<net::AbortSignal> abort;
  if (get) abort = std::make_shared<net::AbortSignal>();
  {
    std::lock_guard lock(mu_);
    ++stats_.served;
    if (abort) served_gets_[key] = abort;
  }
  auto reply = std::make_shared<Reply>(this, std::string(from), std::string(id), key);
  PollResponder respond = [reply](net::HttpResponse&& r) {
    if (reply->sent) return;
    reply->sent = true;
    reply->relay->SendResponse(reply->to, reply->id, reply->key, r);
  };
  if (!serve_) return respond(Unknown());
  serve_(std::string(sid), get, std::string(rest), std::move(abort), std::move(respond));
}

void PollRelay::SendResponse(const std::string& to, const std::string& id, const std::string& key,
                             const net::HttpResponse& r) {
  {
    std::lock_guard lock(mu_);
    served_gets_.erase(key);
  }
  Publish("res\n" + id + "\n" + to + "\n" + std::to_string(r.status) + "\n" + r.content_type + "\n" + r.body);
}

void PollRelay::OnResponse(std::string_view rest) {
  std::string_view id_text, to, status_text, content_type;
  uint64_t id;
  int status;
  if (!NextField(&rest, &id_text) || !NextField(&rest, &to) || to != instance_id_ || !NextField(&rest, &status_text) ||
      !NextField(&rest, &content_type) || !ParseNumber(id_text, &id) || !ParseNumber(status_text, &status))
    return;
  PollResponder respond = Take(id);
  if (!respond) return;  // too late (timed out) or the client went away
  {
    std::lock_guard lock(mu_);
    ++stats_.answered;
  }
  net::HttpResponse r;
  r.status = status;
  r.content_type = std::string(content_type);
  r.body = std::string(rest);
  respond(std::move(r));
}

void PollRelay::OnAbort(std::string_view rest) {
  std::string_view id, from;
  if (!NextField(&rest, &id)) return;
  from = rest;
  std::shared_ptr<net::AbortSignal> abort;
  {
    std::lock_guard lock(mu_);
    auto it = served_gets_.find(std::string(from) + "\n" + std::string(id));
    if (it == served_gets_.end()) return;
    abort = std::move(it->second);
    served_gets_.erase(it);
  }
  abort->Fire();
}

void PollRelay::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (deadlines_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto now = Clock::now();
    auto first = deadlines_.begin()->first;
    if (first > now) {
      cv_.wait_until(lock, first);
      continue;
    }
    std::vector<PollResponder> expired;
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      uint64_t id = deadlines_.begin()->second;
      deadlines_.erase(deadlines_.begin());
      auto it = waiting_.find(id);
      if (it == waiting_.end()) continue;
      expired.push_back(std::move(it->second.respond));
      waiting_.erase(it);
      ++stats_.timed_out;
    }
    lock.unlock();
    for (auto& respond : expired) respond(Unknown());
    lock.lock();
  }
}

}  // namespace rt::gateway
