#include "broker/redis_broker.h"

#include <pthread.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cassert>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "broker/redis_channels.h"
#include "broker/resp_connection.h"
#include "core/log.h"

namespace rt::broker {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// The wire format separates fields with newlines: these must be non-empty and newline-free.
bool Encodable(std::string_view field) { return !field.empty() && field.find('\n') == std::string_view::npos; }
}  // namespace

class RedisBroker::Impl {
 public:
  explicit Impl(RedisBrokerOptions options) : opts_(std::move(options)), channels_(opts_.sharded) {}
  ~Impl() { Stop(); }

  Status Start(BrokerHandler handler);
  void Publish(BrokerMessage message);
  void SetInterest(const std::string& key, bool on);
  bool WhenSubscribed(const std::string& key, std::function<void()> ready);
  void Stop();
  BrokerStats Stats() const;

 private:
  // One of the two connections, with its reconnection state. io thread only.
  struct Link {
    Link(asio::io_context& ioc, const char* n) : name(n), retry(ioc) {}
    const char* name;
    std::unique_ptr<RespConnection> conn;
    asio::steady_timer retry;
    std::chrono::milliseconds backoff{0};
    bool up = false;
    bool was_up = false;  // has been up before: the next success is a reconnection
    int failures = 0;     // consecutive failed attempts (only the first is logged as a warning)
  };

  void ConnectLink(Link& l);
  void OnConnected(Link& l);
  void LinkUp(Link& l);
  void LinkDown(Link& l, const Error& e);
  void Flush();
  void Resubscribe();  // io thread: sends what RedisChannels::Reconcile says
  void OnPush(RespReply&& push);
  void CloseAll();

  const RedisBrokerOptions opts_;
  RedisChannels channels_;  // interest: wanted / subscribed / confirmed channels (own lock)
  RedisEndpoint endpoint_;
  BrokerHandler handler_;

  // Declared before the links so that they are destroyed first.
  asio::io_context ioc_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  Link pub_{ioc_, "publish"};
  Link sub_{ioc_, "subscribe"};
  size_t in_flight_ = 0;   // io thread only
  bool stopping_ = false;  // io thread only
  std::thread thread_;

  mutable std::mutex mu_;
  std::condition_variable ready_cv_;             // both links up (Start waits for it)
  std::deque<std::vector<std::string>> outbox_;  // guarded by mu_: PUBLISH commands to send
  bool flush_posted_ = false;                    // guarded by mu_
  bool started_ = false;                         // guarded by mu_
  bool stopped_ = false;                         // guarded by mu_

  std::atomic<uint64_t> published_{0}, received_{0}, dropped_{0}, reconnects_{0};
  std::atomic<bool> connected_{false};
  std::atomic<bool> pub_ready_{false};  // set before LinkUp's Flush takes mu_, read under mu_
};

Status RedisBroker::Impl::Start(BrokerHandler handler) {
  auto ep = ParseRedisUrl(opts_.url);
  if (!ep.ok()) return ep.error();
  if (ep->tls) return Error::Validation("rediss:// (TLS) is not supported by the Redis broker yet; use redis://");
  if (!Encodable(opts_.instance_id)) return Error::Validation("Redis broker: instance id must be non-empty, one line");
  std::unique_lock lock(mu_);
  if (started_ || stopped_) return Error::Internal("RedisBroker::Start called twice or after Stop");
  started_ = true;
  endpoint_ = std::move(*ep);
  handler_ = std::move(handler);
  pub_.backoff = sub_.backoff = opts_.backoff_min;
  work_.emplace(ioc_.get_executor());
  asio::post(ioc_, [this] {
    ConnectLink(pub_);
    ConnectLink(sub_);
  });
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "rt-redis-broker");
    ioc_.run();
  });
  if (!ready_cv_.wait_for(lock, opts_.connect_timeout + std::chrono::milliseconds(500),
                          [this] { return connected_.load() || stopped_; })) {
    log::Warn("Redis broker not connected yet; retrying in the background", {{"redis", endpoint_.Describe()}});
  }
  return Ok();
}

void RedisBroker::Impl::Publish(BrokerMessage message) {
  if (!Encodable(message.scope.application_id) || !Encodable(message.scope.environment) || !Encodable(message.topic)) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    log::Warn("Redis broker dropped a message it cannot encode", {{"topic", message.topic}});
    return;
  }
  std::string channel = message.scope.environment == kControlScope
                            ? std::string(kControlChannel)
                            : ChannelFor(TopicKey(message.scope, message.topic));
  std::vector<std::string> args{opts_.sharded ? "SPUBLISH" : "PUBLISH", std::move(channel),
                                EncodeBrokerMessage(opts_.instance_id, message)};
  std::lock_guard lock(mu_);
  if (stopped_) return;
  outbox_.push_back(std::move(args));
  if (outbox_.size() > opts_.max_queued) {
    outbox_.pop_front();
    dropped_.fetch_add(1, std::memory_order_relaxed);
  }
  if (pub_ready_.load() && !flush_posted_) {  // else LinkUp flushes when the connection is back
    flush_posted_ = true;
    asio::post(ioc_, [this] { Flush(); });
  }
}

void RedisBroker::Impl::SetInterest(const std::string& key, bool on) {
  if (channels_.Want(key, on)) asio::post(ioc_, [this] { Resubscribe(); });
}

bool RedisBroker::Impl::WhenSubscribed(const std::string& key, std::function<void()> ready) {
  {
    std::lock_guard lock(mu_);
    if (stopped_ || !started_) return true;
  }
  uint64_t id = channels_.WhenSubscribed(key, std::move(ready));
  if (id == 0) return true;
  asio::post(ioc_, [this, id] {  // the bound: a confirmation that never comes releases it anyway
    auto timer = std::make_shared<asio::steady_timer>(ioc_, std::chrono::milliseconds(kSubscribeWaitMs));
    timer->async_wait([this, id, timer](error_code) {
      if (auto r = channels_.Expire(id)) r();
    });
  });
  return false;
}

void RedisBroker::Impl::Resubscribe() {
  if (stopping_ || !sub_.conn || !sub_.conn->connected()) return;
  for (auto& cmd : channels_.Reconcile()) {
    bool subscribe = cmd[0].find("UNSUB") == std::string::npos;
    std::vector<std::string> named;
    if (subscribe) named.assign(cmd.begin() + 1, cmd.end());
    sub_.conn->Command(std::move(cmd), [this, subscribe, named = std::move(named)](Result<RespReply> r) {
      if (!r.ok() || stopping_ || !subscribe) return;  // a loss: LinkDown forgets everything
      std::vector<RedisChannels::Ready> ready;
      if (r->is_error()) {
        log::Warn("Redis broker: subscribe refused", {{"error", r->str}, {"channels", static_cast<int64_t>(named.size())}});
        ready = channels_.Refused(named);
      } else if (r->type == RespReply::Type::kArray && r->elements.size() >= 2) {
        ready = channels_.Confirmed(r->elements[1].str);
      }
      for (auto& f : ready) f();
    });
  }
}

void RedisBroker::Impl::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    dropped_.fetch_add(outbox_.size(), std::memory_order_relaxed);
    outbox_.clear();
  }
  ready_cv_.notify_all();
  if (!thread_.joinable()) return;
  assert(std::this_thread::get_id() != thread_.get_id() && "Stop() called from the broker handler");
  asio::post(ioc_, [this] {
    CloseAll();
    ioc_.stop();  // aborted handlers are destroyed with the io_context, never run
  });
  thread_.join();
  connected_ = false;
  for (auto& f : channels_.ReleaseAll()) f();
}

BrokerStats RedisBroker::Impl::Stats() const {
  BrokerStats s;
  s.published = published_.load(std::memory_order_relaxed);
  s.received = received_.load(std::memory_order_relaxed);
  s.dropped = dropped_.load(std::memory_order_relaxed);
  s.reconnects = reconnects_.load(std::memory_order_relaxed);
  s.connected = connected_.load();
  s.channels = channels_.subscribed();
  return s;
}

void RedisBroker::Impl::CloseAll() {
  stopping_ = true;
  for (Link* l : {&pub_, &sub_}) {
    l->retry.cancel();
    if (l->conn) l->conn->Close();
  }
  work_.reset();
}

void RedisBroker::Impl::ConnectLink(Link& l) {
  if (stopping_) return;
  l.conn = std::make_unique<RespConnection>(ioc_);
  l.conn->SetCloseHandler([this, &l](const Error& e) { LinkDown(l, e); });
  if (&l == &sub_) l.conn->SetPushHandler([this](RespReply&& r) { OnPush(std::move(r)); });
  l.conn->Connect(endpoint_, opts_.connect_timeout, [this, &l](Status s) {
    if (stopping_) return;
    if (!s.ok()) return LinkDown(l, s.error());
    OnConnected(l);
  });
}

void RedisBroker::Impl::OnConnected(Link& l) {
  if (&l == &pub_) return LinkUp(l);
  // Everything wanted first, then the control channel: Redis answers in order, so once the
  // control channel is confirmed, so is every interest declared before (Start relies on it).
  channels_.Connected();
  Resubscribe();
  l.conn->Command({opts_.sharded ? "SSUBSCRIBE" : "SUBSCRIBE", kControlChannel}, [this, &l](Result<RespReply> r) {
    if (!r.ok() || stopping_) return;  // the close handler deals with a loss
    if (r->is_error()) {
      l.conn->Close();
      return LinkDown(l, Error::Unavailable("Redis SUBSCRIBE failed: " + r->str));
    }
    channels_.Live();
    LinkUp(l);
  });
}

void RedisBroker::Impl::LinkUp(Link& l) {
  l.backoff = opts_.backoff_min;
  l.failures = 0;
  l.up = true;
  if (l.was_up) {
    reconnects_.fetch_add(1, std::memory_order_relaxed);
    log::Info("Redis broker reconnected", {{"link", l.name}, {"redis", endpoint_.Describe()}});
  } else {
    log::Info("Redis broker connected", {{"link", l.name}, {"redis", endpoint_.Describe()}});
  }
  l.was_up = true;
  if (&l == &pub_) pub_ready_ = true;
  if (pub_.up && sub_.up) {
    std::lock_guard lock(mu_);
    connected_ = true;
    ready_cv_.notify_all();
  }
  if (&l == &pub_) Flush();
}

void RedisBroker::Impl::LinkDown(Link& l, const Error& e) {
  if (stopping_) return;
  bool was_up = l.up;
  l.up = false;
  if (&l == &pub_) pub_ready_ = false;
  connected_ = false;
  if (&l == &sub_) {
    for (auto& f : channels_.Lost()) f();  // Redis is down: nothing to wait for
  }
  if (was_up || l.failures++ == 0) {
    log::Warn(was_up ? "Redis broker connection lost" : "Redis broker cannot connect",
              {{"link", l.name}, {"error", e.message}, {"retryMs", static_cast<int64_t>(l.backoff.count())}});
  } else {
    log::Debug("Redis broker reconnect failed", {{"link", l.name}, {"error", e.message}});
  }
  l.retry.expires_after(l.backoff);
  l.backoff = std::min(l.backoff * 2, opts_.backoff_max);
  l.retry.async_wait([this, &l](error_code ec) {
    if (!ec && !stopping_) ConnectLink(l);
  });
}

// Moves queued PUBLISH commands to the publish connection, keeping at most max_in_flight
// unanswered; each answer makes room and calls Flush again.
void RedisBroker::Impl::Flush() {
  std::deque<std::vector<std::string>> batch;
  {
    std::lock_guard lock(mu_);
    flush_posted_ = false;
    if (stopping_ || !pub_.up || !pub_.conn || !pub_.conn->connected()) return;
    while (!outbox_.empty() && in_flight_ + batch.size() < opts_.max_in_flight) {
      batch.push_back(std::move(outbox_.front()));
      outbox_.pop_front();
    }
  }
  for (auto& args : batch) {
    ++in_flight_;
    published_.fetch_add(1, std::memory_order_relaxed);
    pub_.conn->Command(std::move(args), [this](Result<RespReply> r) {
      --in_flight_;
      if (!r.ok() || r->is_error()) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        if (r.ok()) log::Warn("Redis PUBLISH failed", {{"error", r->str}});
      }
      if (r.ok()) Flush();
    });
  }
}

void RedisBroker::Impl::OnPush(RespReply&& push) {
  // ["message" | "smessage", channel, payload] or ["pmessage", pattern, channel, payload].
  const std::string& payload = push.elements.back().str;
  std::string origin;
  BrokerMessage message;
  if (!DecodeBrokerMessage(payload, &origin, &message)) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    log::Debug("Redis broker dropped an undecodable message", {{"channel", push.elements[1].str}});
    return;
  }
  if (origin == opts_.instance_id) return;
  received_.fetch_add(1, std::memory_order_relaxed);
  if (handler_) handler_(std::move(message));
}

RedisBroker::RedisBroker(std::string url, std::string instance_id)
    : RedisBroker(RedisBrokerOptions{.url = std::move(url), .instance_id = std::move(instance_id)}) {}
RedisBroker::RedisBroker(RedisBrokerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
RedisBroker::~RedisBroker() = default;

Status RedisBroker::Start(BrokerHandler handler) { return impl_->Start(std::move(handler)); }
void RedisBroker::Publish(BrokerMessage message) { impl_->Publish(std::move(message)); }
void RedisBroker::SetInterest(const std::string& key, bool on) { impl_->SetInterest(key, on); }
bool RedisBroker::WhenSubscribed(const std::string& key, std::function<void()> ready) {
  return impl_->WhenSubscribed(key, std::move(ready));
}
void RedisBroker::Stop() { impl_->Stop(); }
BrokerStats RedisBroker::Stats() const { return impl_->Stats(); }

}  // namespace rt::broker
