#include "auth/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json/array.hpp>

#include "auth/base64url.h"
#include "core/json.h"

namespace rt::auth {
namespace {

Error Fail(JwtFailure reason, JwtFailure* why, std::string message) {
  if (why) *why = reason;
  return Error::Unauthorized(std::move(message));
}

// Reads an optional string-array claim; false if present but not an array of strings.
bool ReadStringArray(const boost::json::object& o, std::string_view key, std::vector<std::string>& out) {
  auto* v = o.if_contains(key);
  if (!v) return true;
  if (!v->is_array()) return false;
  for (const auto& e : v->get_array()) {
    if (!e.is_string()) return false;
    out.emplace_back(e.get_string());
  }
  return true;
}

// Reads an optional NumericDate claim (integer or finite double seconds); false if malformed or
// outside int64 (casting such a double is undefined behaviour; found by fuzz/jwt_fuzz.cpp).
bool ReadNumericDate(const boost::json::object& o, std::string_view key, std::optional<int64_t>& out) {
  auto* v = o.if_contains(key);
  if (!v) return true;
  constexpr double kLimit = 9223372036854775808.0;  // 2^63
  if (v->is_int64()) out = v->get_int64();
  else if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX))
    out = static_cast<int64_t>(v->get_uint64());
  else if (v->is_double() && v->get_double() > -kLimit && v->get_double() < kLimit)
    out = static_cast<int64_t>(v->get_double());
  else return false;
  return true;
}

}  // namespace

boost::json::object ClaimsToJson(const JwtClaims& c) {
  boost::json::object o;
  if (!c.sub.empty()) o["sub"] = c.sub;
  o["aud"] = c.aud;
  if (!c.iss.empty()) o["iss"] = c.iss;
  o["iat"] = c.iat;
  o["exp"] = c.exp;
  if (c.nbf) o["nbf"] = *c.nbf;
  boost::json::array perms;
  for (const auto& p : c.permissions) perms.emplace_back(p);
  o["permissions"] = std::move(perms);
  if (c.env) o["env"] = *c.env;
  if (!c.topics.empty()) {
    boost::json::array topics;
    for (const auto& t : c.topics) topics.emplace_back(t);
    o["topics"] = std::move(topics);
  }
  return o;
}

std::string SignJwt(const JwtClaims& claims, std::string_view kid, std::string_view secret) {
  boost::json::object header{{"alg", "HS256"}, {"typ", "JWT"}, {"kid", kid}};
  std::string signing_input = Base64UrlEncode(json::Serialize(header)) + "." +
                              Base64UrlEncode(json::Serialize(ClaimsToJson(claims)));
  std::string sig = HmacSha256(secret, signing_input);
  return signing_input + "." + Base64UrlEncode(sig);
}

Result<JwtClaims> VerifyJwt(std::string_view token, const SecretLookup& lookup, const VerifyOptions& opt,
                            JwtFailure* why) {
  if (why) *why = JwtFailure::kNone;
  auto d1 = token.find('.');
  auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
    return Fail(JwtFailure::kMalformed, why, "Malformed token: expected three segments");
  auto header_raw = Base64UrlDecode(token.substr(0, d1));
  auto payload_raw = Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1));
  auto sig = Base64UrlDecode(token.substr(d2 + 1));
  if (!header_raw || !payload_raw || !sig) return Fail(JwtFailure::kMalformed, why, "Malformed token: bad base64url");
  auto header = json::ParseObject(*header_raw);
  if (!header.ok()) return Fail(JwtFailure::kMalformed, why, "Malformed token: header is not a JSON object");

  auto* alg = json::GetString(*header, "alg");
  if (!alg || *alg != "HS256")
    return Fail(JwtFailure::kAlgorithm, why,
                "Unsupported token algorithm " + (alg ? std::string(*alg) : std::string("(none)")) + ": only HS256");
  std::string kid = "default";
  if (auto* k = header->if_contains("kid")) {
    if (!k->is_string()) return Fail(JwtFailure::kMalformed, why, "Malformed token: kid must be a string");
    kid = std::string(k->get_string());
  }
  auto secret = lookup(kid);
  if (!secret) return Fail(JwtFailure::kUnknownKey, why, "Unknown signing key: " + kid);

  std::string expected = HmacSha256(*secret, token.substr(0, d2));
  if (sig->size() != expected.size() || CRYPTO_memcmp(sig->data(), expected.data(), expected.size()) != 0)
    return Fail(JwtFailure::kSignature, why, "Invalid token signature");

  auto payload = json::ParseObject(*payload_raw);
  if (!payload.ok()) return Fail(JwtFailure::kMalformed, why, "Malformed token: claims are not a JSON object");
  JwtClaims c;
  c.kid = kid;
  std::optional<int64_t> iat, exp;
  if (!ReadNumericDate(*payload, "iat", iat) || !ReadNumericDate(*payload, "exp", exp) ||
      !ReadNumericDate(*payload, "nbf", c.nbf))
    return Fail(JwtFailure::kMalformed, why, "Malformed token: iat, exp and nbf must be numbers");
  if (!exp) return Fail(JwtFailure::kMalformed, why, "Token has no expiry (exp)");
  c.iat = iat.value_or(0);
  c.exp = *exp;
  if (!ReadStringArray(*payload, "permissions", c.permissions) || !ReadStringArray(*payload, "topics", c.topics))
    return Fail(JwtFailure::kMalformed, why, "Malformed token: permissions and topics must be arrays of strings");
  if (auto* s = json::GetString(*payload, "sub")) c.sub = std::string(*s);
  if (auto* s = payload->if_contains("iss")) {
    if (!s->is_string()) return Fail(JwtFailure::kMalformed, why, "Malformed token: iss must be a string");
    c.iss = std::string(s->get_string());
    if (c.iss != opt.issuer)
      return Fail(JwtFailure::kIssuer, why, "Token issuer '" + c.iss + "' is not accepted (expected " + opt.issuer + ")");
  }
  if (auto* s = json::GetString(*payload, "env")) c.env = std::string(*s);
  std::vector<std::string> auds;
  if (auto* a = payload->if_contains("aud")) {
    if (a->is_string()) auds.emplace_back(a->get_string());
    else if (!ReadStringArray(*payload, "aud", auds))
      return Fail(JwtFailure::kMalformed, why, "Malformed token: aud must be a string or an array of strings");
  }
  if (!auds.empty()) c.aud = auds.front();

  // now - leeway, not exp + leeway: exp may be INT64_MAX (signed overflow; found by fuzzing).
  if (opt.now_s - opt.leeway_s > c.exp) return Fail(JwtFailure::kExpired, why, "Token expired");
  if (c.nbf && opt.now_s + opt.leeway_s < *c.nbf) return Fail(JwtFailure::kNotYetValid, why, "Token not yet valid");
  if (opt.audience && std::find(auds.begin(), auds.end(), *opt.audience) == auds.end())
    return Fail(JwtFailure::kAudience, why, "Token audience does not match application " + *opt.audience);
  c.raw = std::move(*payload);
  return c;
}

}  // namespace rt::auth
