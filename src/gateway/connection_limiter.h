// ConnectionLimiter: caps the realtime clients of this instance — /ws connections and Engine.IO
// sessions (a polling session that upgrades to WebSocket stays one client) — in total
// (REALTIME_MAX_CONNECTIONS) and per remote address (REALTIME_MAX_CONNECTIONS_PER_IP, 0 = off).
// A refused client gets HTTP 503 with a JSON error body on the upgrade or the handshake.
//
// The per-address cap is off by default: behind a load balancer or reverse proxy every client
// arrives from the proxy's address, so a per-address cap would cap the whole service. Enable it
// only when the server is exposed directly.
//
// Thread safety: all methods may be called from any thread. Lifetime: a Lease keeps the
// limiter's state alive, so leases may outlive the limiter; destroying a Lease releases its slot.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "net/http_message.h"

namespace rt::gateway {

class ConnectionLimiter {
 public:
  ConnectionLimiter(size_t max_total, size_t max_per_ip);

  // An acquired slot; released when destroyed.
  class Lease;
  // A slot for a client from `ip`, or null (and *refusal set to the 503 response) when a cap is
  // reached. Refusals are counted.
  std::shared_ptr<Lease> TryAcquire(const std::string& ip, net::HttpResponse* refusal);

  size_t active() const;
  uint64_t refused() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace rt::gateway
