// EioServer: an Engine.IO v4 endpoint (e.g. `/socket.io/`): the session registry, the HTTP
// long-polling handler and the WebSocket acceptor. (CORS, polling included, is the REST
// dispatcher's: api/dispatcher.h.)
//
// Query parameters: EIO=4 and transport=polling|websocket are required (HTTP 400, or a refused
// upgrade, otherwise); sid selects an existing session (unknown sid: 400). A new session is
// created on the shard that received the handshake; later requests are posted to that shard.
// `make_handler` builds the layer above for each new session (Socket.IO, or the echo).
// With a PollRelay (EnableRelay; no sticky sessions needed), every sid ends with the relay's
// SidSuffix() and a polling GET/POST for a sid owned by another instance is relayed to it
// (gateway/poll_relay.h) instead of answered "Session ID unknown". A WebSocket upgrade that
// reaches another instance is still refused (the client stays on polling).
//
// Thread safety: HandleHttp and AcceptWebSocket run on I/O threads; the registry is locked.
// Lifetime: must outlive the HttpServer's connections.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/connection_limiter.h"
#include "gateway/eio_session.h"
#include "gateway/poll_relay.h"
#include "net/http_server.h"
#include "net/router.h"

namespace rt::gateway {

class EioServer {
 public:
  using HandlerFactory = std::function<std::unique_ptr<EioHandler>(const net::HttpRequest& handshake)>;

  // limiter (optional, must outlive the sessions): a new session (handshake) takes a slot; none
  // left -> HTTP 503 with a JSON error body.
  EioServer(net::HttpServer& server, EioOptions options, HandlerFactory make_handler,
            ConnectionLimiter* limiter = nullptr);

  // Registers GET/POST `path` on the router and the WebSocket upgrade on the server.
  void Mount(net::Router& router, const std::string& path);
  // Relays polling requests for other instances' sessions, and serves theirs for ours (start-up
  // only, before the first session; relay must outlive this server's sessions).
  void EnableRelay(PollRelay& relay);

  size_t session_count() const;
  const EioCounters& counters() const { return counters_; }

 private:
  void HandleHttp(net::HttpRequest& req, std::function<void(net::HttpResponse&&)> respond);
  net::WsAcceptResult AcceptWebSocket(const net::HttpRequest& req, size_t shard);
  std::shared_ptr<EioSession> NewSession(size_t shard);
  std::shared_ptr<EioSession> Find(const std::string& sid) const;
  // Runs a polling GET (or POST with body) on session's shard.
  void Dispatch(const std::shared_ptr<EioSession>& session, bool get, std::string body,
                std::shared_ptr<net::AbortSignal> abort, std::function<void(net::HttpResponse&&)> reply);

  net::HttpServer& server_;
  EioCounters counters_;  // before options_, which points at it
  const EioOptions options_;
  ConnectionLimiter* limiter_;
  HandlerFactory make_handler_;
  PollRelay* relay_ = nullptr;  // set at start-up (EnableRelay)
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<EioSession>> sessions_;  // guarded by mu_
};

}  // namespace rt::gateway
