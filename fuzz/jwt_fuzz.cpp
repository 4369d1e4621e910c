// JWT parsing and verification (src/auth/jwt.*, src/auth/base64url.*).
// Input: byte 0 picks the mode.
//   even: the rest is a token, verified as a client would send it (keys "default" and "k1").
//   odd:  line 1 is a header JSON and the rest a claims JSON; the fuzzer signs them with the
//         key the header names, so the claim checks (types, exp, nbf, aud) are reached.
// Checks: no exception escapes; a failure is Unauthorized with a reason, a success has none;
// a correctly signed HS256 token never fails on its signature or key; a success respects
// exp/nbf/aud against the clock; verified claims re-signed with SignJwt verify to the same
// claims; base64url decode(encode(x)) == x.
#include "auth/base64url.h"
#include "auth/jwt.h"
#include "core/json.h"
#include "fuzz/fuzz_util.h"

namespace auth = rt::auth;
namespace json = rt::json;

namespace {

constexpr int64_t kNow = 1'800'000'000;
const std::string kDefaultSecret(32, 'd');
const std::string kK1Secret = "k1-secret-0123456789abcdef012345";

std::optional<std::string> Lookup(std::string_view kid) {
  if (kid == "default") return kDefaultSecret;
  if (kid == "k1") return kK1Secret;
  return std::nullopt;
}

void CheckOutcome(const rt::Result<auth::JwtClaims>& r, auth::JwtFailure why, const auth::VerifyOptions& opt) {
  if (!r.ok()) {
    FUZZ_CHECK(why != auth::JwtFailure::kNone, "failure without a reason");
    FUZZ_CHECK(r.error().code == rt::ErrorCode::kUnauthorized, "failure is not Unauthorized");
    return;
  }
  FUZZ_CHECK(why == auth::JwtFailure::kNone, "success with a failure reason");
  const auth::JwtClaims& c = *r;
  FUZZ_CHECK(Lookup(c.kid).has_value(), "verified under an unknown key");
  FUZZ_CHECK(static_cast<__int128>(opt.now_s) <= static_cast<__int128>(c.exp) + opt.leeway_s, "expired token accepted");
  if (c.nbf) FUZZ_CHECK(static_cast<__int128>(opt.now_s) + opt.leeway_s >= *c.nbf, "token accepted before nbf");
  if (opt.audience) FUZZ_CHECK(!c.raw.empty(), "audience checked without claims");

  // Re-sign the verified claims and verify again: same claims.
  std::string again = auth::SignJwt(c, c.kid, *Lookup(c.kid));
  auth::JwtFailure why2;
  auto r2 = auth::VerifyJwt(again, Lookup, auth::VerifyOptions{opt.now_s, opt.leeway_s, std::nullopt}, &why2);
  FUZZ_CHECK(r2.ok(), "re-signed claims do not verify: " + (r2.ok() ? std::string() : r2.error().message));
  FUZZ_CHECK(r2->sub == c.sub && r2->aud == c.aud && r2->iss == c.iss && r2->iat == c.iat && r2->exp == c.exp &&
                 r2->nbf == c.nbf && r2->permissions == c.permissions && r2->env == c.env && r2->topics == c.topics &&
                 r2->kid == c.kid,
             "claims changed when re-signed");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  fuzz::RunGuarded([&] {
    std::string_view rest = fuzz::AsText(data + 1, size - 1);
    auto b = auth::Base64UrlDecode(auth::Base64UrlEncode(rest));
    FUZZ_CHECK(b && *b == rest, "base64url round trip");
    if (auto d = auth::Base64UrlDecode(rest)) FUZZ_CHECK(auth::Base64UrlEncode(*d) == rest, "base64url not canonical");

    auth::VerifyOptions opt{kNow, 5, std::nullopt};
    if (data[0] & 2) opt.audience = "app1";
    auth::JwtFailure why = auth::JwtFailure::kNone;
    if ((data[0] & 1) == 0) {
      auto r = auth::VerifyJwt(rest, Lookup, opt, &why);
      CheckOutcome(r, why, opt);
      return;
    }
    auto [header_text, claims_text] = fuzz::SplitLine(rest);
    auto header = json::ParseObject(header_text);
    std::string kid = "default";
    if (header.ok()) {
      if (auto* k = json::GetString(*header, "kid")) kid = std::string(*k);
    }
    auto secret = Lookup(kid);
    std::string input = auth::Base64UrlEncode(header_text) + "." + auth::Base64UrlEncode(claims_text);
    std::string token = input + "." + auth::Base64UrlEncode(auth::HmacSha256(secret.value_or("x"), input));
    auto r = auth::VerifyJwt(token, Lookup, opt, &why);
    CheckOutcome(r, why, opt);
    bool hs256 = header.ok() && json::GetString(*header, "alg") && *json::GetString(*header, "alg") == "HS256";
    if (hs256 && secret) FUZZ_CHECK(why != auth::JwtFailure::kSignature && why != auth::JwtFailure::kUnknownKey,
                                    "a correctly signed token failed on its signature");
  });
  return 0;
}
