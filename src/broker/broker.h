// Broker: cross-instance fan-out of events (the port; DESIGN.md §4, centrifuge's Broker).
//
// Every instance fans an event out to its own subscribers itself; the broker carries it to the
// *other* instances, whose handler then fans it out locally. So each subscriber gets an event
// exactly once: a backend never hands an instance back its own messages.
//
// Backends: MemoryBroker (default: one process; instances sharing one MemoryBus in a process
// talk to each other, which tests use) and RedisBroker (REDIS_URL: Pub/Sub on the channel
// `realtime:event:{topic}`, reconnecting and re-subscribing after a Redis restart).
// Delivery is at most once across instances (Pub/Sub semantics): a message published while
// Redis is unreachable is queued up to a bound and then dropped and counted.
//
// Thread safety: Publish may be called from any thread and never blocks on the network.
// The handler is called on the broker's own thread, one message at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "core/scope.h"

namespace rt::broker {

struct BrokerMessage {
  Scope scope;
  std::string topic;
  std::string event_json;  // the serialized RealtimeEvent envelope
  std::string exclude;     // a socket id that must not receive it (channel sender), or empty
};

using BrokerHandler = std::function<void(BrokerMessage&&)>;

struct BrokerStats {
  uint64_t published = 0;   // messages handed to the backend
  uint64_t received = 0;    // messages from other instances delivered to the handler
  uint64_t dropped = 0;     // messages lost (queue full while disconnected, undecodable input)
  uint64_t reconnects = 0;  // successful reconnections after a loss
  bool connected = true;
};

class Broker {
 public:
  Broker() = default;
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;
  virtual ~Broker() = default;

  // Starts receiving; handler gets messages published by other instances. Call once.
  virtual Status Start(BrokerHandler handler) = 0;
  // Sends a message to every other instance.
  virtual void Publish(BrokerMessage message) = 0;
  // Stops receiving and sending; waits for the broker thread. Idempotent.
  virtual void Stop() = 0;
  virtual BrokerStats Stats() const = 0;
  // A short name for logs and /ready ("memory", "redis").
  virtual std::string Name() const = 0;
};

// Encoding of a BrokerMessage on the wire (Redis payload): "v1\n<origin>\n<app>\n<env>\n<topic>\n<event json>",
// or with an exclusion "v2\n<origin>\n<app>\n<env>\n<topic>\n<exclude>\n<event json>".
std::string EncodeBrokerMessage(const std::string& origin, const BrokerMessage& m);
// Returns false for input that is not a v1 message. *origin receives the sender's instance id.
bool DecodeBrokerMessage(std::string_view wire, std::string* origin, BrokerMessage* m);

}  // namespace rt::broker
