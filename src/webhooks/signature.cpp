#include "webhooks/signature.h"

#include "core/ids.h"
#include "core/encoding.h"

namespace rt::webhooks {
namespace {

constexpr std::string_view kStandardPrefix = "whsec_";
constexpr size_t kMinStandardKey = 24;
constexpr size_t kMaxStandardKey = 64;

// The HMAC key of a standard secret, or why it is not one.
Result<std::string> StandardKey(std::string_view secret) {
  if (secret.substr(0, kStandardPrefix.size()) != kStandardPrefix) {
    return Error::Validation("A Standard Webhooks secret must start with whsec_");
  }
  auto key = Base64Decode(secret.substr(kStandardPrefix.size()));
  if (!key) return Error::Validation("A Standard Webhooks secret must be whsec_ followed by base64");
  if (key->size() < kMinStandardKey || key->size() > kMaxStandardKey) {
    return Error::Validation("A Standard Webhooks secret must encode 24 to 64 bytes");
  }
  return std::move(*key);
}

}  // namespace

std::string SignatureHeader(std::string_view secret, int64_t timestamp_ms, std::string_view body) {
  std::string t = std::to_string(timestamp_ms);
  std::string content;
  content.reserve(t.size() + 1 + body.size());
  content.append(t).append(".").append(body);
  return "t=" + t + ",v1=" + LowerHex(HmacSha256(secret, content));
}

HeaderList RealtimeHeaders(std::string_view secret, std::string_view endpoint_id, int64_t timestamp_ms,
                           std::string_view body) {
  return {{"X-Webhook-Signature", SignatureHeader(secret, timestamp_ms, body)},
          {"X-Webhook-Timestamp", std::to_string(timestamp_ms)},
          {"X-Webhook-Endpoint-Id", std::string(endpoint_id)}};
}

std::string StandardSignature(std::string_view secret, std::string_view msg_id, int64_t timestamp_s,
                              std::string_view body) {
  auto key = StandardKey(secret);
  if (!key.ok()) {  // not whsec_<base64> (refused at creation): the raw bytes after the prefix
    if (secret.substr(0, kStandardPrefix.size()) == kStandardPrefix) secret.remove_prefix(kStandardPrefix.size());
    key = std::string(secret);
  }
  std::string content;
  content.reserve(msg_id.size() + 22 + body.size());
  content.append(msg_id).append(".").append(std::to_string(timestamp_s)).append(".").append(body);
  return "v1," + Base64Encode(HmacSha256(*key, content));
}

HeaderList StandardHeaders(std::string_view secret, std::string_view msg_id, int64_t timestamp_s,
                           std::string_view body) {
  return {{"webhook-id", std::string(msg_id)},
          {"webhook-timestamp", std::to_string(timestamp_s)},
          {"webhook-signature", StandardSignature(secret, msg_id, timestamp_s, body)}};
}

Status ValidateStandardSecret(std::string_view secret) {
  auto key = StandardKey(secret);
  if (!key.ok()) return key.take_error();
  return Ok();
}

std::string GenerateStandardSecret() {
  auto bytes = HexDecode(RandomHex(32));  // RandomHex: OpenSSL's CSPRNG
  return std::string(kStandardPrefix) + Base64Encode(*bytes);
}

}  // namespace rt::webhooks
