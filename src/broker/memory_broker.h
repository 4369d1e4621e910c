// MemoryBroker: the in-process Broker (the embedded default), and MemoryBus, what connects
// several MemoryBrokers inside one process (tests use it to play several instances).
//
// Publish on one broker delivers a copy of the message to every *other* started broker on the
// same bus, never back to itself. Each broker has its own delivery thread and queue, so the
// handler runs on that thread, one message at a time, in the order each publisher published.
// A broker built without a bus gets a private one: nobody else receives its messages, which is
// exactly right for a single instance (it fans out to its own subscribers itself).
//
// Ownership and lifetime: brokers share the bus through shared_ptr; the bus lives as long as its
// last broker. A broker receives from Start() until Stop(); messages still queued at Stop()
// are discarded. Stop() joins the delivery thread (idempotent); the destructor calls it.
//
// Thread safety: MemoryBus and every MemoryBroker method are safe from any thread. The handler
// must not call Stop() on its own broker (it would wait for itself); it may call Publish.
//
// Interest: a broker receives an event message only for keys it declared (SetInterest; globs
// match with fnmatch), control messages always. SetInterest takes effect at once, so
// WhenSubscribed always answers true: the single-instance path stays synchronous.
//
// Failure: nothing fails at run time. A receiver whose queue holds max_queued messages drops
// the oldest and counts it in its `dropped`. Stats().connected is always true.
#pragma once

#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "broker/broker.h"

namespace rt::broker {

class MemoryBus {
 public:
  MemoryBus() = default;
  MemoryBus(const MemoryBus&) = delete;
  MemoryBus& operator=(const MemoryBus&) = delete;

 private:
  friend class MemoryBroker;
  // A receiving broker's queue and counters (defined in memory_broker.cpp).
  struct Inbox;

  void Attach(std::shared_ptr<Inbox> inbox);
  void Detach(const Inbox* inbox);
  // Copies message into every attached inbox except from's.
  void Send(const Inbox* from, const BrokerMessage& message);

  std::mutex mu_;
  std::vector<std::shared_ptr<Inbox>> inboxes_;  // guarded by mu_
};

class MemoryBroker final : public Broker {
 public:
  static constexpr size_t kDefaultMaxQueued = 10000;

  // bus == nullptr: a private bus (no other instance).
  explicit MemoryBroker(std::shared_ptr<MemoryBus> bus = nullptr, size_t max_queued = kDefaultMaxQueued);
  ~MemoryBroker() override;

  Status Start(BrokerHandler handler) override;  // kInternal if called twice or after Stop
  void Publish(BrokerMessage message) override;  // no-op after Stop
  void SetInterest(const std::string& key, bool on) override;
  bool WhenSubscribed(const std::string&, std::function<void()>) override { return true; }
  void Stop() override;
  BrokerStats Stats() const override;
  std::string Name() const override { return "memory"; }

 private:
  void Run(BrokerHandler handler);

  std::shared_ptr<MemoryBus> bus_;
  std::shared_ptr<MemoryBus::Inbox> inbox_;
  std::mutex mu_;         // serializes Start and Stop
  bool started_ = false;  // guarded by mu_
  bool stopped_ = false;  // guarded by mu_
  std::thread thread_;    // guarded by mu_
};

}  // namespace rt::broker
