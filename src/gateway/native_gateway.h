// NativeGateway: the plain WebSocket endpoint `/ws` (protocol in protocol/native_protocol.h and
// docs/protocol.md). One NativeSession per connection; the session is the connection's
// WsHandler and its hub Subscriber, and lives on the connection's shard thread.
//
// Authentication: a JWT in the `token` query parameter, an `Authorization: Bearer` header, or a
// first message {"type":"auth","token"} within auth_timeout. An invalid token, or none in time,
// gets an UNAUTHORIZED error message and close code 4001. The token's audience (application)
// and env claim (or the `environment` query parameter / X-Environment header) scope everything
// the connection does. The connection lives as long as its token (gateway/token_watch.h): at
// expiry, or when its key or application is deleted, an UNAUTHORIZED error and close 4001 with
// the reason; {"type":"auth"} on an authenticated connection refreshes the token.
//
// Abuse: each connection has a message budget (rate_per_second, burst); messages beyond it get
// RATE_LIMITED and are dropped; a client that keeps sending invalid or over-budget messages
// (more than max_strikes within strike_window) is closed with 4029. `ping` is answered before
// authentication too (a keep-alive). The budget and strike rule are gateway/message_budget.h,
// shared with Socket.IO. With a ConnectionLimiter, an upgrade past its caps gets HTTP 503.
//
// Thread safety: Accept runs on an I/O thread; sessions touch only their own shard's state.
// Lifetime: the gateway must outlive every connection (stop the HttpServer first).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "gateway/client_ops.h"
#include "gateway/connection_limiter.h"
#include "net/http_server.h"

namespace rt::gateway {

struct NativeGatewayOptions {
  std::chrono::milliseconds auth_timeout{10000};
  double rate_per_second = 1000;    // client messages per second (0 = unlimited)
  double burst = 2000;
  int max_strikes = 50;             // invalid or rate-limited messages…
  std::chrono::milliseconds strike_window{10000};  // …within this window close the connection
  ConnectionLimiter* limiter = nullptr;  // caps connections (503 on the upgrade); must outlive the gateway
};

struct GatewayCounters {
  std::atomic<int64_t> sessions{0};
  std::atomic<uint64_t> auth_failures{0};
  std::atomic<uint64_t> errors_sent{0};
  std::atomic<uint64_t> flood_closes{0};
};

class NativeGateway {
 public:
  NativeGateway(GatewayDeps& deps, NativeGatewayOptions options) : deps_(deps), options_(options) {}

  // The acceptor for HttpServer::AddWebSocketRoute("/ws", …).
  net::WsAcceptResult Accept(const net::HttpRequest& request, size_t shard);

  const GatewayCounters& counters() const { return counters_; }

 private:
  friend class NativeSession;
  GatewayDeps& deps_;
  const NativeGatewayOptions options_;
  GatewayCounters counters_;
};

}  // namespace rt::gateway
