// Byte encodings and digests for webhook signing (webhooks/signature.h) and secrets at rest
// (webhooks/secret_box.h): lower-case hex, standard base64 (RFC 4648 §4, with padding), SHA-256
// and HMAC-SHA256 on OpenSSL. (auth/base64url.h is the URL-safe, unpadded alphabet JWS uses.)
//
// Decoders are strict: they return nullopt for any character outside the alphabet, whitespace,
// a wrong length or non-canonical padding, never a partial result. Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rt {

// Lower-case hex of bytes (2 characters per byte).
std::string LowerHex(std::string_view bytes);
// Hex (either case) to bytes; nullopt for an odd length or a non-hex character.
std::optional<std::string> HexDecode(std::string_view hex);

// Standard base64 with '=' padding.
std::string Base64Encode(std::string_view bytes);
// Standard base64; the length must be a multiple of 4 (padding required) and unused bits zero.
std::optional<std::string> Base64Decode(std::string_view text);

// Raw 32-byte digests.
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);

}  // namespace rt
