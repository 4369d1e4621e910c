// Deliverer: signs a delivery for its endpoint and posts it (webhooks/http_client.h).
//
// Headers of every delivery (spec/23-api-webhooks.md): Content-Type: application/json,
// X-Webhook-Signature: t=<ms>,v1=<hex HMAC-SHA256(secret, "<ms>.<body>")>, X-Webhook-Timestamp,
// X-Webhook-Endpoint-Id, plus X-Webhook-Event (the webhook event type), X-Webhook-Delivery-Id
// (the log id, stable across retries: deduplicate on it) and X-Webhook-Attempt. Endpoints with
// signatureScheme "standard" also get the Standard Webhooks headers webhook-id (the delivery id),
// webhook-timestamp (seconds) and webhook-signature (v1,<base64>). Every attempt is signed
// afresh with the current time, so a retry an hour later is not refused as a replay.
//
// Ownership / lifetime: owns its HttpClient (and its threads); destroy after every user stopped.
// Thread safety: Send may be called from any thread; callbacks run on the client's thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "webhooks/endpoint_cache.h"
#include "webhooks/http_client.h"
#include "webhooks/signature.h"

namespace rt::webhooks {

struct DeliveryRequest {
  std::string delivery_id;
  std::string event;  // webhook event type
  std::string body;
  int attempt = 1;
};



// The headers for one attempt, signed at now_ms.
HeaderList SignedHeaders(const Endpoint& endpoint, const DeliveryRequest& request, int64_t now_ms);

class Deliverer {
 public:
  explicit Deliverer(HttpClientOptions options, size_t threads = 1) : client_(std::move(options), threads) {}

  void Send(const Endpoint& endpoint, const DeliveryRequest& request, HttpClient::Callback done);
  HttpClient& client() { return client_; }

 private:
  HttpClient client_;
};

}  // namespace rt::webhooks
