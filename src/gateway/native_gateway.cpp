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
  return {std::make_shared<NativeSession>(*this, shard, std::move(token), std::move(env)), {}};
}

}  // namespace rt::gateway
