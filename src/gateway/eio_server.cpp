#include "gateway/eio_server.h"

#include <boost/asio/post.hpp>

#include "core/ids.h"

namespace rt::gateway {
namespace {

// Forwards WebSocket events to the session (on the session's shard).
class EioWsHandler final : public net::WsHandler {
 public:
  EioWsHandler(std::shared_ptr<EioSession> session, bool upgrade) : session_(std::move(session)), upgrade_(upgrade) {}
  void OnOpen(net::WsConnection& conn) override {
    if (upgrade_) session_->OnWsOpen(conn);
    else session_->StartWebSocket(conn);
  }
  void OnMessage(net::WsConnection& conn, protocol::ws::Message&& m) override {
    session_->OnWsMessage(conn, std::move(m));
  }
  void OnClose(net::WsConnection& conn, uint16_t code, const std::string&) override {
    session_->OnWsClose(conn, code);
  }

 private:
  std::shared_ptr<EioSession> session_;
  bool upgrade_;
};

}  // namespace

namespace {
EioOptions WithCounters(EioOptions o, EioCounters* counters) {
  o.counters = counters;
  return o;
}
}  // namespace

EioServer::EioServer(net::HttpServer& server, EioOptions options, HandlerFactory make_handler,
                     ConnectionLimiter* limiter)
    : server_(server),
      options_(WithCounters(options, &counters_)),
      limiter_(limiter),
      make_handler_(std::move(make_handler)) {}

void EioServer::Mount(net::Router& router, const std::string& path) {
  auto handler = [this](net::HttpRequest& req, std::function<void(net::HttpResponse&&)> respond) {
    HandleHttp(req, std::move(respond));
  };
  for (const char* method : {"GET", "POST", "PUT"}) router.AddAsync(method, path, net::Access::Public(), handler);
  server_.AddWebSocketRoute(path, [this](const net::HttpRequest& req, size_t shard) {
    return AcceptWebSocket(req, shard);
  });
}

void EioServer::EnableRelay(PollRelay& relay) {
  relay_ = &relay;
  relay.Serve([this](const std::string& sid, bool get, std::string body, std::shared_ptr<net::AbortSignal> abort,
                     PollResponder respond) {
    auto session = Find(sid);
    if (!session) return respond(EioBadRequest(1, "Session ID unknown"));
    Dispatch(session, get, std::move(body), std::move(abort), std::move(respond));
  });
}

size_t EioServer::session_count() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

std::shared_ptr<EioSession> EioServer::NewSession(size_t shard) {
  // With a relay the sid names its owner (this instance): gateway/poll_relay.h.
  std::string id = relay_ ? NewSocketId() + relay_->SidSuffix() : NewSocketId();
  auto session = std::make_shared<EioSession>(std::move(id), shard, server_.shard_context(shard), options_,
                                              [this](const std::string& sid) {
                                                std::lock_guard lock(mu_);
                                                sessions_.erase(sid);
                                              });
  std::lock_guard lock(mu_);
  sessions_[session->sid()] = session;
  return session;
}

std::shared_ptr<EioSession> EioServer::Find(const std::string& sid) const {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(sid);
  return it == sessions_.end() ? nullptr : it->second;
}

void EioServer::HandleHttp(net::HttpRequest& req, std::function<void(net::HttpResponse&&)> respond) {
  auto reply = std::move(respond);
  const std::string* eio = req.Query("EIO");
  const std::string* transport = req.Query("transport");
  if (!eio || *eio != "4") return reply(EioBadRequest(5, "Unsupported protocol version"));
  if (!transport || *transport != "polling") return reply(EioBadRequest(0, "Transport unknown"));
  const std::string* sid = req.Query("sid");
  if (!sid) {
    if (req.method != "GET") return reply(EioBadRequest(2, "Bad handshake method"));
    std::shared_ptr<void> lease;
    if (limiter_) {
      net::HttpResponse refusal;
      lease = limiter_->TryAcquire(req.remote_ip, &refusal);
      if (!lease) return reply(std::move(refusal));
    }
    auto session = NewSession(req.shard);
    session->SetLease(std::move(lease));
    session->SetHandler(make_handler_(req));
    net::HttpResponse r;
    r.content_type = "text/plain; charset=UTF-8";
    r.body = session->StartPolling();
    return reply(std::move(r));
  }
  bool get = req.method == "GET";
  auto session = Find(*sid);
  if (!session) {
    // Another instance's session (no sticky sessions): relayed to its owner.
    if (!relay_ || (!get && req.method != "POST")) return reply(EioBadRequest(1, "Session ID unknown"));
    return relay_->Forward(*sid, get, get ? std::string() : std::move(req.body), req.abort, std::move(reply));
  }
  if (!get && req.method != "POST") return reply(EioBadRequest(2, "Bad request method"));
  std::string body = get ? std::string() : std::move(req.body);
  Dispatch(session, get, std::move(body), req.abort, std::move(reply));
}

void EioServer::Dispatch(const std::shared_ptr<EioSession>& session, bool get, std::string body,
                         std::shared_ptr<net::AbortSignal> abort, std::function<void(net::HttpResponse&&)> reply) {
  server_.PostToShard(session->shard(), [session, get, body = std::move(body), abort = std::move(abort),
                                         reply = std::move(reply)]() mutable {
    if (get) session->OnPollGet(std::move(reply), abort);
    else session->OnPollPost(body, std::move(reply));
  });
}

net::WsAcceptResult EioServer::AcceptWebSocket(const net::HttpRequest& req, size_t shard) {
  const std::string* eio = req.Query("EIO");
  const std::string* transport = req.Query("transport");
  if (!eio || *eio != "4" || !transport || *transport != "websocket") {
    net::WsAcceptResult refused;
    refused.refusal = EioBadRequest(3, "Bad request");
    return refused;
  }
  if (const std::string* sid = req.Query("sid")) {
    auto session = Find(*sid);  // whether it may still upgrade is checked on its shard (OnWsOpen)
    if (!session) {
      net::WsAcceptResult refused;
      refused.refusal = EioBadRequest(3, "Bad request");
      return refused;
    }
    return {std::make_shared<EioWsHandler>(session, true), {}, session->shard()};
  }
  std::shared_ptr<void> lease;
  if (limiter_) {
    net::WsAcceptResult refused;
    lease = limiter_->TryAcquire(req.remote_ip, &refused.refusal);
    if (!lease) return refused;
  }
  auto session = NewSession(shard);
  session->SetLease(std::move(lease));
  session->SetHandler(make_handler_(req));
  return {std::make_shared<EioWsHandler>(session, false), {}, shard};
}

}  // namespace rt::gateway
