// RedisBroker: the Broker port over Redis Pub/Sub (REDIS_URL), for many instances sharing one Redis.
//
// Each event is PUBLISHed on `realtime:event:<app>:<env>:<topic>` (its scope is in the name, so
// tenants with equal topic names never receive each other's events), control messages on
// `realtime:control`, with the payload EncodeBrokerMessage(instance_id, message). An instance
// SUBSCRIBEs only to the channels of the keys it declared (SetInterest: the topics with a local
// subscriber; RedisChannels batches the changes into one SUBSCRIBE / UNSUBSCRIBE per batch, a
// glob key is a PSUBSCRIBE pattern) and always to the control channel. It decodes what arrives
// (one split, no JSON parse: the router parses an event once per receiving node), skips its
// own messages (same origin) and counts undecodable ones as dropped.
//
// Sharded mode (options.sharded, REDIS_CLUSTER=true): SPUBLISH / SSUBSCRIBE / SUNSUBSCRIBE
// (Redis 7 sharded Pub/Sub), subscriptions batched per hash slot. All commands go to the one
// endpoint of REDIS_URL: a Redis 7 standalone server, or a cluster whose slots that node
// serves; MOVED redirection to other cluster nodes is not implemented (docs/scaling.md).
//
// Ack after subscribe: WhenSubscribed answers once Redis confirmed the key's SUBSCRIBE (or at
// once when it already had, when Redis is down, after kSubscribeWaitMs at most), so a client
// acknowledged after it receives what any instance publishes from then on.
//
// It owns an io_context and one thread running it, and two RESP connections: one for PUBLISH
// (pipelined, at most `max_in_flight` unanswered commands) and one in pub/sub mode.
//
// Failure and reconnection: Start() fails only for a bad URL or instance id (kValidation),
// rediss:// (kValidation: TLS is not supported yet) or a second call (kInternal). If Redis
// cannot be reached, Start() waits up to connect_timeout for both connections, logs a warning
// and returns Ok: the broker keeps retrying in the background (Stats().connected says whether
// it is up). Any connection loss is retried with backoff (100 ms doubling to 2 s); after
// reconnecting it subscribes every wanted channel again and increments `reconnects` (once per connection
// re-established). While the publish connection is down, messages wait in a queue of up to
// max_queued (then the oldest is dropped and counted); they are sent in order after
// reconnecting. Messages published by others while the subscribe connection is down are lost
// (Pub/Sub is at most once); a PUBLISH in flight when its connection drops is counted as
// dropped, although Redis may have delivered it. A message whose application, environment or
// topic is empty or contains a newline cannot be encoded (EncodeBrokerMessage): Publish drops
// it, counts it and logs a warning.
//
// Thread safety: Publish, Stats and Name may be called from any thread; Publish only encodes
// and queues, never blocks on the network. The handler runs on the broker's io thread, one
// message at a time; it must not throw and must not call Stop().
//
// Lifetime: Stop() closes both connections and joins the thread (idempotent); the destructor
// calls it. No handler call happens after Stop() returns.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "broker/broker.h"

namespace rt::broker {

struct RedisBrokerOptions {
  std::string url;              // redis://[user:password@]host[:port][/db]
  std::string instance_id;      // origin of this instance's messages; unique per process
  size_t max_queued = 10000;    // messages waiting for the publish connection
  size_t max_in_flight = 1000;  // PUBLISH commands sent but not yet answered
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds backoff_min{100};
  std::chrono::milliseconds backoff_max{2000};
  bool sharded = false;  // REDIS_CLUSTER: sharded Pub/Sub (SPUBLISH / SSUBSCRIBE)
};

class RedisBroker final : public Broker {
 public:
  RedisBroker(std::string url, std::string instance_id);
  explicit RedisBroker(RedisBrokerOptions options);
  ~RedisBroker() override;

  Status Start(BrokerHandler handler) override;
  void Publish(BrokerMessage message) override;
  void SetInterest(const std::string& key, bool on) override;
  // `ready` runs on the io thread, or on Stop()'s caller for waiters still pending at Stop.
  bool WhenSubscribed(const std::string& key, std::function<void()> ready) override;
  void Stop() override;
  BrokerStats Stats() const override;
  std::string Name() const override { return "redis"; }

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rt::broker
