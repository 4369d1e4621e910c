// Broker: cross-instance fan-out of events (the port; DESIGN.md §4, centrifuge's Broker).
//
// Every instance fans an event out to its own subscribers itself; the broker carries it to the
// *other* instances, whose handler then fans it out locally. So each subscriber gets an event
// exactly once: a backend never hands an instance back its own messages.
//
// Backends: MemoryBroker (default: one process; instances sharing one MemoryBus in a process
// talk to each other, which tests use) and RedisBroker (REDIS_URL: Pub/Sub, one channel per
// scope and topic, reconnecting and re-subscribing after a Redis restart).
//
// Interest (issue 20 item 4): an instance receives an event only if it declared interest in the
// event's key (SetInterest; the hub's TopicInterest drives it: a topic key gains its first local
// subscriber / loses its last), so a node with no subscriber for a topic never receives its
// events. A key whose topic contains '*' is a glob (kAllEvents: every event of every scope).
// Control messages (scope kControlScope: cluster RPC, poll relay) reach every instance always.
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
#include <string_view>

#include "core/result.h"
#include "core/scope.h"

namespace rt::broker {

// The scope of control messages (broker/cluster_rpc.h, gateway/poll_relay.h); no application or
// environment has it, so they never reach a subscriber. Always delivered, whatever the interest.
inline constexpr const char* kControlScope = "$cluster";
// The interest key of every event (a glob): tests and tools that want everything.
inline constexpr const char* kAllEvents = "*";
// How long WhenSubscribed waits at most for the backend's confirmation.
inline constexpr int kSubscribeWaitMs = 1000;

// An interest key is the topic key of core/scope.h, TopicKey(scope, topic) — the hub's index
// key, which its interest listener hands out — or a glob.
// True for a glob key (its topic part contains '*').
inline bool IsGlobKey(std::string_view key) { return key.find('*') != std::string_view::npos; }

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
  uint64_t channels = 0;    // backend channels subscribed for this instance's interest (Redis)
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
  // Declares (on) or withdraws (!on) this instance's interest in a key (TopicKey, or a glob).
  // Calls for one key come in order (the hub's TopicInterest calls it under the key's lock): it
  // must only record and return (no I/O, no callbacks). Before or after Start.
  virtual void SetInterest(const std::string& key, bool on) = 0;
  // For a key with interest: whether messages other instances publish for it from now on are
  // certain to reach this instance. True: already so (`ready` is dropped, never called). False:
  // `ready` is called exactly once, on the broker's thread, when the backend confirmed the
  // subscription, when the backend is unreachable or stops, or after kSubscribeWaitMs at most.
  // A key without interest answers true. Any thread; must not be called from the handler.
  virtual bool WhenSubscribed(const std::string& key, std::function<void()> ready) = 0;
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
