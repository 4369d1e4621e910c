#include "broker/cluster_rpc.h"

#include <exception>
#include <string_view>

#include "core/log.h"

namespace rt::broker {
namespace {

constexpr int kForgetAfterHellos = 3;

// Splits off the next '\n'-terminated field; false if there is none.
bool NextField(std::string_view* rest, std::string_view* field) {
  auto nl = rest->find('\n');
  if (nl == std::string_view::npos) return false;
  *field = rest->substr(0, nl);
  rest->remove_prefix(nl + 1);
  return true;
}

}  // namespace

ClusterRpc::ClusterRpc(Broker& broker, std::string instance_id)
    : broker_(broker), instance_id_(std::move(instance_id)) {}

ClusterRpc::~ClusterRpc() { Stop(); }

void ClusterRpc::Handle(std::string kind, RpcHandler handler) { handlers_[std::move(kind)] = std::move(handler); }

void ClusterRpc::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void ClusterRpc::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  replies_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ClusterRpc::Send(std::string text) {
  BrokerMessage m;
  m.scope = {kControlScope, kControlScope};
  m.topic = "rpc";
  m.event_json = std::move(text);
  broker_.Publish(std::move(m));
}

void ClusterRpc::SendHello() { Send("hello\n" + instance_id_); }

size_t ClusterRpc::LivePeersLocked(std::chrono::steady_clock::time_point now) {
  for (auto it = peers_.begin(); it != peers_.end();) {
    if (now - it->second > kHelloEvery * kForgetAfterHellos) it = peers_.erase(it);
    else ++it;
  }
  return peers_.size();
}

size_t ClusterRpc::live_peers() {
  std::lock_guard lock(mu_);
  return LivePeersLocked(std::chrono::steady_clock::now());
}

bool ClusterRpc::IsAlive(const std::string& instance) {
  std::lock_guard lock(mu_);
  LivePeersLocked(std::chrono::steady_clock::now());
  return peers_.contains(instance);
}

std::string ClusterRpc::Answer(const std::string& kind, const Scope& scope, const std::string& body, bool* ok) {
  auto h = handlers_.find(kind);
  *ok = false;
  if (h == handlers_.end()) return {};
  try {
    std::string out = h->second(scope, body);
    *ok = true;
    return out;
  } catch (const std::exception& e) {
    log::Warn("cluster request failed", {{"kind", kind}, {"error", e.what()}});
    return {};
  }
}

void ClusterRpc::Run() {
  auto next_hello = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  for (;;) {
    if (stopping_) return;
    auto now = std::chrono::steady_clock::now();
    if (greet_ || now >= next_hello) {
      greet_ = false;
      next_hello = now + kHelloEvery;
      lock.unlock();
      SendHello();
      lock.lock();
      continue;
    }
    if (!queue_.empty()) {
      Request r = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      bool ok = false;
      std::string body = Answer(r.kind, r.scope, r.body, &ok);
      if (ok) Send("rep\n" + r.id + "\n" + instance_id_ + "\n" + r.from + "\n" + body);
      lock.lock();
      continue;
    }
    cv_.wait_until(lock, next_hello, [this] { return stopping_ || greet_ || !queue_.empty(); });
  }
}

void ClusterRpc::OnControl(BrokerMessage&& message) {
  std::string_view rest = message.event_json;
  std::string_view kind;
  if (!NextField(&rest, &kind)) return;
  auto now = std::chrono::steady_clock::now();
  if (kind == "hello") {
    std::string_view from = rest;
    if (from.empty() || from == instance_id_) return;
    bool known;
    {
      std::lock_guard lock(mu_);
      known = peers_.contains(std::string(from));
      peers_[std::string(from)] = now;
      if (!known) greet_ = true;  // a newcomer: tell it about us now, not in 2 s
    }
    if (!known) cv_.notify_all();
    return;
  }
  if (kind == "req") {
    std::string_view id, from, what, app, env;
    if (!NextField(&rest, &id) || !NextField(&rest, &from) || !NextField(&rest, &what) || !NextField(&rest, &app) ||
        !NextField(&rest, &env) || from == instance_id_)
      return;
    {
      std::lock_guard lock(mu_);
      peers_[std::string(from)] = now;
      if (stopping_ || queue_.size() >= kMaxQueued) return;
      queue_.push_back({std::string(id), std::string(from), std::string(what), {std::string(app), std::string(env)},
                        std::string(rest)});
    }
    cv_.notify_all();
    return;
  }
  if (kind == "rep") {
    std::string_view id, from, to;
    if (!NextField(&rest, &id) || !NextField(&rest, &from) || !NextField(&rest, &to) || to != instance_id_) return;
    {
      std::lock_guard lock(mu_);
      peers_[std::string(from)] = now;
      auto p = pending_.find(std::string(id));
      if (p == pending_.end()) return;  // answered too late: the asker gave up
      p->second->replies.push_back({std::string(from), std::string(rest), false});
    }
    replies_.notify_all();
  }
}

RpcResult ClusterRpc::Ask(const Scope& scope, const std::string& kind, const std::string& body,
                          std::chrono::milliseconds timeout) {
  RpcResult result;
  size_t expected;
  std::string id;
  auto pending = std::make_shared<Pending>();
  {
    std::lock_guard lock(mu_);
    expected = LivePeersLocked(std::chrono::steady_clock::now());
    if (expected > 0) {
      id = instance_id_ + "." + std::to_string(++next_id_);
      pending_[id] = pending;
    }
  }
  if (expected > 0)
    Send("req\n" + id + "\n" + instance_id_ + "\n" + kind + "\n" + scope.application_id + "\n" + scope.environment +
         "\n" + body);
  bool ok = false;
  std::string mine = Answer(kind, scope, body, &ok);  // meanwhile, this instance's own answer
  if (ok) result.replies.push_back({instance_id_, std::move(mine), true});
  else result.partial = true;
  if (expected == 0) return result;
  std::unique_lock lock(mu_);
  replies_.wait_for(lock, timeout, [&] { return stopping_ || pending->replies.size() >= expected; });
  pending_.erase(id);
  if (pending->replies.size() < expected) result.partial = true;
  for (auto& r : pending->replies) result.replies.push_back(std::move(r));
  return result;
}

}  // namespace rt::broker
