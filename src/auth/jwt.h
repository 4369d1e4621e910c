// JWT (JWS compact, HS256 only) encoding and verification.
//
// Verification order: three base64url segments -> header JSON with alg == "HS256" (anything else,
// "none" included, is refused) -> key by `kid` (a token without kid uses the "default" key) ->
// constant-time HMAC-SHA256 comparison -> claims JSON -> exp (required) and nbf against the clock
// with `leeway_s` -> audience when one is expected (`aud` may be a string or an array).
// Every failure is an Unauthorized error whose message says which rule failed.
//
// Thread safety: pure functions; the key lookup callback must be thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/encoding.h"
#include "core/result.h"

namespace rt::auth {

struct JwtClaims {
  std::string sub;
  std::string aud;  // application id (first entry when the token carries an array)
  std::string iss;
  int64_t iat = 0;  // seconds since epoch
  int64_t exp = 0;
  std::optional<int64_t> nbf;
  std::vector<std::string> permissions;
  std::optional<std::string> env;
  std::vector<std::string> topics;  // glob patterns; empty = unrestricted
  std::string kid;                  // from the header, on verification
  boost::json::object raw;          // every claim as decoded (for /auth/verify)
};

// Returns the secret for a key id, or nullopt if unknown (or deleted).
using SecretLookup = std::function<std::optional<std::string>(std::string_view kid)>;

// Why verification failed (the message of the Unauthorized error carries the same information).
enum class JwtFailure { kNone, kMalformed, kAlgorithm, kUnknownKey, kSignature, kExpired, kNotYetValid, kAudience, kIssuer };

struct VerifyOptions {
  int64_t now_s = 0;
  int64_t leeway_s = 5;
  std::optional<std::string> audience;  // required audience (application id), if any
  std::string issuer = "realtime";      // an `iss` claim, when present, must equal this
};

// Builds the claims object (sub, aud, iss, iat, exp, nbf?, permissions, env?, topics?).
boost::json::object ClaimsToJson(const JwtClaims& claims);

// Signs claims with HS256 under kid.
std::string SignJwt(const JwtClaims& claims, std::string_view kid, std::string_view secret);

// Verifies a token. On failure, *why (if given) is set to the reason.
Result<JwtClaims> VerifyJwt(std::string_view token, const SecretLookup& lookup, const VerifyOptions& options,
                            JwtFailure* why = nullptr);

// HMAC-SHA256 of data with key (raw 32 bytes).
using ::rt::HmacSha256;  // core/encoding.h

}  // namespace rt::auth
