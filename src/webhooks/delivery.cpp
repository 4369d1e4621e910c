#include "webhooks/delivery.h"

#include "core/ids.h"
#include "webhooks/endpoint.h"
#include "webhooks/signature.h"

namespace rt::webhooks {

HeaderList SignedHeaders(const Endpoint& endpoint, const DeliveryRequest& request, int64_t now_ms) {
  HeaderList h;
  h.reserve(10);
  h.emplace_back("Content-Type", "application/json");
  h.emplace_back("X-Webhook-Signature", SignatureHeader(endpoint.secret, now_ms, request.body));
  h.emplace_back("X-Webhook-Timestamp", std::to_string(now_ms));
  h.emplace_back("X-Webhook-Endpoint-Id", endpoint.id);
  h.emplace_back("X-Webhook-Event", request.event);
  h.emplace_back("X-Webhook-Delivery-Id", request.delivery_id);
  h.emplace_back("X-Webhook-Attempt", std::to_string(request.attempt));
  if (endpoint.signature_scheme == kSchemeStandard) {
    for (auto& kv : StandardHeaders(endpoint.secret, request.delivery_id, now_ms / 1000, request.body))
      h.push_back(std::move(kv));
  }
  return h;
}

void Deliverer::Send(const Endpoint& endpoint, const DeliveryRequest& request, HttpClient::Callback done) {
  HttpRequestSpec spec;
  spec.url = endpoint.url;
  spec.headers = SignedHeaders(endpoint, request, NowMs());
  spec.body = request.body;
  client_.Post(std::move(spec), std::move(done));
}

}  // namespace rt::webhooks
