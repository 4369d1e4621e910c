// Webhook request signing, two schemes chosen per endpoint (docs/webhooks.md):
//
// "realtime" (spec/23-api-webhooks.md, what the SDK's WebhookReceiver verifies):
//   X-Webhook-Signature: t=<ms>,v1=<lower hex HMAC-SHA256(secret, "<ms>.<body>")>
//   The key is the secret's UTF-8 bytes exactly as configured (a `whsec_` prefix included).
//
// "standard" (Standard Webhooks, https://www.standardwebhooks.com, as Svix sends):
//   webhook-id: <msg id>   webhook-timestamp: <seconds>
//   webhook-signature: v1,<base64 HMAC-SHA256(key, "<msg id>.<seconds>.<body>")>
//   The key is the base64 decoding of the secret after its `whsec_` prefix, so such a secret
//   must be `whsec_` + base64 of 24..64 bytes (ValidateStandardSecret).
//
// Thread safety: pure functions. Failure: signing cannot fail. Validate a standard secret when the
// endpoint is created (ValidateStandardSecret); one that is not `whsec_<base64>` anyway is keyed
// with its raw bytes (after the prefix), which no Standard Webhooks library will verify.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace rt::webhooks {

// Header (name, value) pairs to add to a delivery request, in a fixed order.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// "realtime" scheme: the X-Webhook-Signature value.
std::string SignatureHeader(std::string_view secret, int64_t timestamp_ms, std::string_view body);
// "realtime" scheme: X-Webhook-Signature, X-Webhook-Timestamp (ms), X-Webhook-Endpoint-Id.
HeaderList RealtimeHeaders(std::string_view secret, std::string_view endpoint_id, int64_t timestamp_ms,
                           std::string_view body);

// "standard" scheme: the webhook-signature value `v1,<base64>`.
std::string StandardSignature(std::string_view secret, std::string_view msg_id, int64_t timestamp_s,
                              std::string_view body);
// "standard" scheme: webhook-id, webhook-timestamp (seconds), webhook-signature.
HeaderList StandardHeaders(std::string_view secret, std::string_view msg_id, int64_t timestamp_s,
                           std::string_view body);
// Ok when secret is `whsec_` + canonical padded base64 of 24..64 bytes; kValidation saying why not.
Status ValidateStandardSecret(std::string_view secret);
// A fresh standard secret: `whsec_` + base64 of 32 random bytes (valid for both schemes).
std::string GenerateStandardSecret();

}  // namespace rt::webhooks
