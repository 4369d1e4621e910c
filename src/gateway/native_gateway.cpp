#include "gateway/native_gateway.h"

#include "gateway/native_session.h"

namespace rt::gateway {

net::WsAcceptResult NativeGateway::Accept(const net::HttpRequest& req, size_t shard) {
  std::string token;
  if (const std::string* q = req.Query("token")) token = *q;
  if (token.empty()) token = net::BearerToken(req).value_or("");
  std::optional<std::string> env;
  if (const std::string* q = req.Query("environment"); q && !q->empty()) env = *q;
  else if (const std::string* h = req.Header("x-environment"); h && !h->empty()) env = *h;
  std::shared_ptr<void> lease;
  if (options_.limiter) {
    net::WsAcceptResult refused;
    lease = options_.limiter->TryAcquire(req.remote_ip, &refused.refusal);
    if (!lease) return refused;
  }
  // The slot is released when the session is destroyed (the deleter holds the lease).
  events::ClientInfo client{"websocket", "", req.remote_ip, ""};
  if (const std::string* ua = req.Header("user-agent")) client.user_agent = *ua;
  auto* session = new NativeSession(*this, shard, std::move(token), std::move(env), std::move(client));
  return {std::shared_ptr<NativeSession>(session, [lease = std::move(lease)](NativeSession* s) { delete s; }), {}};
}

}  // namespace rt::gateway
