#include "auth/jwt.h"

#include <gtest/gtest.h>

#include "auth/base64url.h"
#include "core/json.h"

namespace rt::auth {
namespace {

constexpr int64_t kNow = 1710000000;

SecretLookup Keys() {
  return [](std::string_view kid) -> std::optional<std::string> {
    if (kid == "k1") return std::string("secret-one-0123456789");
    if (kid == "default") return std::string("env-secret-0123456789");
    return std::nullopt;
  };
}

JwtClaims Claims() {
  JwtClaims c;
  c.sub = "user123";
  c.aud = "app_abc123";
  c.iss = "realtime";
  c.iat = kNow;
  c.exp = kNow + 3600;
  c.permissions = {"subscribe", "publish"};
  c.topics = {"session.*"};
  return c;
}

JwtFailure Why(std::string_view token, VerifyOptions opt = {kNow, 5, std::nullopt}) {
  JwtFailure why = JwtFailure::kNone;
  auto r = VerifyJwt(token, Keys(), opt, &why);
  if (!r.ok()) {
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthorized);
  }
  return why;
}

std::string Forge(const std::string& header, const std::string& payload, std::string_view secret) {
  std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
  return input + "." + Base64UrlEncode(HmacSha256(secret, input));
}

TEST(Base64Url, RoundTripsAndRejectsBadInput) {
  for (std::string s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\xfe", 3)}) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(s)).value(), s);
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_FALSE(Base64UrlDecode("ab=c"));
  EXPECT_FALSE(Base64UrlDecode("a"));
  EXPECT_FALSE(Base64UrlDecode("ab+/"));
}

TEST(Jwt, KnownVectorMatchesRfc7515StyleHmac) {
  // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") from RFC 4231-style vectors.
  EXPECT_EQ(Base64UrlEncode(HmacSha256("key", "The quick brown fox jumps over the lazy dog")),
            "97yD9DBThCSxMpjmqm-xQ-9NWaFJRhdZl0edvC0aPNg");
}

TEST(Jwt, SignThenVerifyKeepsEveryClaim) {
  std::string token = SignJwt(Claims(), "k1", "secret-one-0123456789");
  auto r = VerifyJwt(token, Keys(), {kNow, 5, std::string("app_abc123")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->sub, "user123");
  EXPECT_EQ(r->aud, "app_abc123");
  EXPECT_EQ(r->kid, "k1");
  EXPECT_EQ(r->exp, kNow + 3600);
  EXPECT_EQ(r->permissions, (std::vector<std::string>{"subscribe", "publish"}));
  EXPECT_EQ(r->topics, (std::vector<std::string>{"session.*"}));
  EXPECT_EQ(r->raw.at("iss").as_string(), "realtime");
}

TEST(Jwt, RejectsEveryBadToken) {
  std::string good = SignJwt(Claims(), "k1", "secret-one-0123456789");
  std::string claims = json::Serialize(ClaimsToJson(Claims()));
  EXPECT_EQ(Why("abc"), JwtFailure::kMalformed);
  EXPECT_EQ(Why("a.b"), JwtFailure::kMalformed);
  EXPECT_EQ(Why(good + ".x"), JwtFailure::kMalformed);
  EXPECT_EQ(Why("!!!.e30.x"), JwtFailure::kMalformed);
  EXPECT_EQ(Why(Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode(claims) + "."), JwtFailure::kAlgorithm);
  EXPECT_EQ(Why(Forge(R"({"alg":"HS512","kid":"k1"})", claims, "secret-one-0123456789")), JwtFailure::kAlgorithm);
  EXPECT_EQ(Why(Forge(R"({"alg":"hs256","kid":"k1"})", claims, "secret-one-0123456789")), JwtFailure::kAlgorithm);
  EXPECT_EQ(Why(Forge(R"({"alg":"HS256","kid":"nope"})", claims, "x")), JwtFailure::kUnknownKey);
  EXPECT_EQ(Why(Forge(R"({"alg":"HS256","kid":"k1"})", claims, "wrong-secret")), JwtFailure::kSignature);
  // Tampered payload with the original signature.
  auto d1 = good.find('.'), d2 = good.rfind('.');
  JwtClaims admin = Claims();
  admin.permissions = {"admin"};
  std::string tampered = good.substr(0, d1) + "." + Base64UrlEncode(json::Serialize(ClaimsToJson(admin))) +
                         good.substr(d2);
  EXPECT_EQ(Why(tampered), JwtFailure::kSignature);
  EXPECT_EQ(Why(Forge(R"({"alg":"HS256","kid":"k1"})", "[1]", "secret-one-0123456789")), JwtFailure::kMalformed);
  EXPECT_EQ(Why(Forge(R"({"alg":"HS256","kid":"k1"})", R"({"aud":"a"})", "secret-one-0123456789")),
            JwtFailure::kMalformed);  // no exp
  EXPECT_EQ(Why(Forge(R"({"alg":"HS256","kid":"k1"})", R"({"exp":1e12,"permissions":"admin"})",
                      "secret-one-0123456789")),
            JwtFailure::kMalformed);
}

TEST(Jwt, TimeRulesHonourLeeway) {
  JwtClaims c = Claims();
  c.exp = kNow - 3;
  std::string token = SignJwt(c, "k1", "secret-one-0123456789");
  EXPECT_EQ(Why(token, {kNow, 5, std::nullopt}), JwtFailure::kNone);  // within leeway
  EXPECT_EQ(Why(token, {kNow, 0, std::nullopt}), JwtFailure::kExpired);
  c = Claims();
  c.nbf = kNow + 60;
  token = SignJwt(c, "k1", "secret-one-0123456789");
  EXPECT_EQ(Why(token), JwtFailure::kNotYetValid);
  EXPECT_EQ(Why(token, {kNow + 60, 5, std::nullopt}), JwtFailure::kNone);
}

TEST(Jwt, AudienceMustMatchWhenRequiredAndMissingKidMeansDefault) {
  std::string token = SignJwt(Claims(), "k1", "secret-one-0123456789");
  EXPECT_EQ(Why(token, {kNow, 5, std::string("app_other")}), JwtFailure::kAudience);
  std::string array_aud = Forge(R"({"alg":"HS256"})", R"({"aud":["x","app_abc123"],"exp":1710003600})",
                                "env-secret-0123456789");
  EXPECT_EQ(Why(array_aud, {kNow, 5, std::string("app_abc123")}), JwtFailure::kNone);
}

TEST(Jwt, IssuerWhenPresentMustBeRealtime) {
  JwtClaims c = Claims();
  c.iss = "someone-else";
  EXPECT_EQ(Why(SignJwt(c, "k1", "secret-one-0123456789")), JwtFailure::kIssuer);
  c.iss.clear();  // absent: accepted
  EXPECT_EQ(Why(SignJwt(c, "k1", "secret-one-0123456789")), JwtFailure::kNone);
  std::string numeric_iss = Forge(R"({"alg":"HS256"})", R"({"iss":7,"exp":1710003600})", "env-secret-0123456789");
  EXPECT_EQ(Why(numeric_iss), JwtFailure::kMalformed);
}

// Found by fuzz/jwt_fuzz.cpp: exp = INT64_MAX overflowed `exp + leeway` (undefined behaviour),
// and a NumericDate beyond int64 was cast from double (undefined) or wrapped from uint64.
TEST(Jwt, NumericDatesAtAndBeyondInt64Limits) {
  std::string max_exp = Forge(R"({"alg":"HS256"})", R"({"exp":9223372036854775807})", "env-secret-0123456789");
  EXPECT_EQ(Why(max_exp), JwtFailure::kNone);
  for (const char* exp : {"18446744073709551615", "1e19", "-1e300", "9223372036854775808.0"}) {
    std::string token = Forge(R"({"alg":"HS256"})", std::string(R"({"exp":)") + exp + "}", "env-secret-0123456789");
    EXPECT_EQ(Why(token), JwtFailure::kMalformed) << exp;
  }
  std::string nbf = Forge(R"({"alg":"HS256"})", R"({"exp":1710003600,"nbf":1e300})", "env-secret-0123456789");
  EXPECT_EQ(Why(nbf), JwtFailure::kMalformed);
}

}  // namespace
}  // namespace rt::auth
