#include "broker/memory_broker.h"

#include <fnmatch.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <unordered_set>

namespace rt::broker {

struct MemoryBus::Inbox {
  explicit Inbox(size_t max) : max_queued(max) {}

  // Queues a message; drops the oldest when full; ignores it once closed.
  void Push(BrokerMessage message) {
    {
      std::lock_guard lock(mu);
      if (closed) return;
      queue.push_back(std::move(message));
      if (queue.size() > max_queued) {
        queue.pop_front();
        dropped.fetch_add(1, std::memory_order_relaxed);
      }
    }
    cv.notify_one();
  }

  // Whether this instance wants a message of key `key` (control messages: always).
  bool Wants(const BrokerMessage& m, const std::string& key) {
    if (m.scope.environment == kControlScope) return true;
    std::lock_guard lock(interest_mu);
    if (keys.count(key)) return true;
    for (const auto& glob : globs)
      if (fnmatch(glob.c_str(), key.c_str(), 0) == 0) return true;
    return false;
  }

  const size_t max_queued;
  std::mutex interest_mu;
  std::unordered_set<std::string> keys;  // guarded by interest_mu: exact keys
  std::vector<std::string> globs;        // guarded by interest_mu: glob keys
  std::mutex mu;
  std::condition_variable cv;
  std::deque<BrokerMessage> queue;   // guarded by mu
  bool closed = false;               // guarded by mu
  std::atomic<bool> stopped{false};  // Publish is a no-op once set
  std::atomic<uint64_t> published{0}, received{0}, dropped{0};
};

void MemoryBus::Attach(std::shared_ptr<Inbox> inbox) {
  std::lock_guard lock(mu_);
  inboxes_.push_back(std::move(inbox));
}

void MemoryBus::Detach(const Inbox* inbox) {
  std::lock_guard lock(mu_);
  std::erase_if(inboxes_, [inbox](const auto& p) { return p.get() == inbox; });
}

void MemoryBus::Send(const Inbox* from, const BrokerMessage& message) {
  std::vector<std::shared_ptr<Inbox>> targets;
  {
    std::lock_guard lock(mu_);
    targets.reserve(inboxes_.size());
    for (const auto& p : inboxes_) {
      if (p.get() != from) targets.push_back(p);
    }
  }
  if (targets.empty()) return;
  std::string key = TopicKey(message.scope, message.topic);
  for (const auto& t : targets)
    if (t->Wants(message, key)) t->Push(message);
}

MemoryBroker::MemoryBroker(std::shared_ptr<MemoryBus> bus, size_t max_queued)
    : bus_(bus ? std::move(bus) : std::make_shared<MemoryBus>()),
      inbox_(std::make_shared<MemoryBus::Inbox>(std::max<size_t>(1, max_queued))) {}

MemoryBroker::~MemoryBroker() { Stop(); }

Status MemoryBroker::Start(BrokerHandler handler) {
  std::lock_guard lock(mu_);
  if (started_ || stopped_) return Error::Internal("MemoryBroker::Start called twice or after Stop");
  started_ = true;
  bus_->Attach(inbox_);
  thread_ = std::thread([this, h = std::move(handler)]() mutable { Run(std::move(h)); });
  return Ok();
}

void MemoryBroker::Publish(BrokerMessage message) {
  if (inbox_->stopped.load()) return;
  inbox_->published.fetch_add(1, std::memory_order_relaxed);
  bus_->Send(inbox_.get(), message);
}

void MemoryBroker::SetInterest(const std::string& key, bool on) {
  MemoryBus::Inbox& in = *inbox_;
  std::lock_guard lock(in.interest_mu);
  if (IsGlobKey(key)) {
    std::erase(in.globs, key);
    if (on) in.globs.push_back(key);
  } else if (on) {
    in.keys.insert(key);
  } else {
    in.keys.erase(key);
  }
}

void MemoryBroker::Stop() {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  stopped_ = true;
  inbox_->stopped = true;
  bus_->Detach(inbox_.get());
  {
    std::lock_guard inbox_lock(inbox_->mu);
    inbox_->closed = true;
    inbox_->queue.clear();
  }
  inbox_->cv.notify_all();
  if (thread_.joinable()) thread_.join();
}

BrokerStats MemoryBroker::Stats() const {
  BrokerStats s;
  s.published = inbox_->published.load(std::memory_order_relaxed);
  s.received = inbox_->received.load(std::memory_order_relaxed);
  s.dropped = inbox_->dropped.load(std::memory_order_relaxed);
  s.connected = true;
  return s;
}

void MemoryBroker::Run(BrokerHandler handler) {
  pthread_setname_np(pthread_self(), "rt-mem-broker");
  MemoryBus::Inbox& in = *inbox_;
  for (;;) {
    BrokerMessage message;
    {
      std::unique_lock lock(in.mu);
      in.cv.wait(lock, [&in] { return in.closed || !in.queue.empty(); });
      if (in.closed) return;
      message = std::move(in.queue.front());
      in.queue.pop_front();
    }
    in.received.fetch_add(1, std::memory_order_relaxed);
    if (handler) handler(std::move(message));
  }
}

}  // namespace rt::broker
