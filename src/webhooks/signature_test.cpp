#include "webhooks/signature.h"

#include <gtest/gtest.h>

#include "core/encoding.h"

namespace rt::webhooks {
namespace {

// Computed with Node's crypto, as sdk/src/webhook/receiver.ts verifies:
//   createHmac('sha256', 'whsec_your_endpoint_secret').update('1710000000000.' + body).digest('hex')
constexpr char kRealtimeSecret[] = "whsec_your_endpoint_secret";
constexpr char kRealtimeBody[] =
    "{\"id\":\"evt_a1b2c3d4\",\"topic\":\"session.status\",\"payload\":{\"x\":\"\xc3\xa9\"}}";
constexpr char kRealtimeHex[] = "34494735a3c305a37ffb3dd22250c7d1abccf5971c37183bcce4a7b1ff5bfd06";

// The Standard Webhooks / Svix published test vector (svix-webhooks libraries' tests).
constexpr char kStandardSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr char kStandardId[] = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr int64_t kStandardTs = 1614265330;
constexpr char kStandardBody[] = "{\"test\": 2432232314}";
constexpr char kStandardSig[] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

TEST(Signature, RealtimeSchemeMatchesNodeCrypto) {
  EXPECT_EQ(SignatureHeader(kRealtimeSecret, 1710000000000, kRealtimeBody),
            std::string("t=1710000000000,v1=") + kRealtimeHex);
}

TEST(Signature, RealtimeSchemeDependsOnEveryInput) {
  const std::string base = SignatureHeader(kRealtimeSecret, 1710000000000, kRealtimeBody);
  EXPECT_NE(SignatureHeader("whsec_your_endpoint_secreT", 1710000000000, kRealtimeBody), base);
  EXPECT_NE(SignatureHeader(kRealtimeSecret, 1710000000001, kRealtimeBody), base);
  EXPECT_NE(SignatureHeader(kRealtimeSecret, 1710000000000, std::string(kRealtimeBody) + " "), base);
}

TEST(Signature, RealtimeHeaders) {
  auto h = RealtimeHeaders(kRealtimeSecret, "wh_1", 1710000000000, kRealtimeBody);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0], (std::pair<std::string, std::string>{"X-Webhook-Signature",
                                                       std::string("t=1710000000000,v1=") + kRealtimeHex}));
  EXPECT_EQ(h[1], (std::pair<std::string, std::string>{"X-Webhook-Timestamp", "1710000000000"}));
  EXPECT_EQ(h[2], (std::pair<std::string, std::string>{"X-Webhook-Endpoint-Id", "wh_1"}));
}

TEST(Signature, StandardSchemeMatchesThePublishedVector) {
  EXPECT_EQ(StandardSignature(kStandardSecret, kStandardId, kStandardTs, kStandardBody), kStandardSig);
  auto h = StandardHeaders(kStandardSecret, kStandardId, kStandardTs, kStandardBody);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0], (std::pair<std::string, std::string>{"webhook-id", kStandardId}));
  EXPECT_EQ(h[1], (std::pair<std::string, std::string>{"webhook-timestamp", "1614265330"}));
  EXPECT_EQ(h[2], (std::pair<std::string, std::string>{"webhook-signature", kStandardSig}));
}

TEST(Signature, StandardSecretValidation) {
  EXPECT_TRUE(ValidateStandardSecret(kStandardSecret).ok());  // 24 bytes
  EXPECT_TRUE(ValidateStandardSecret("whsec_" + Base64Encode(std::string(64, 'k'))).ok());
  EXPECT_TRUE(ValidateStandardSecret(GenerateStandardSecret()).ok());
  for (std::string bad : {std::string("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),       // no prefix
                          std::string("whsec_"),                                 // empty
                          std::string("whsec_not base64 at all!!!"),             // alphabet
                          std::string("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS"),  // length
                          "whsec_" + Base64Encode(std::string(23, 'k')),         // too short
                          "whsec_" + Base64Encode(std::string(65, 'k'))}) {      // too long
    auto st = ValidateStandardSecret(bad);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().code, ErrorCode::kValidation);
    EXPECT_EQ(StandardSignature(bad, kStandardId, kStandardTs, kStandardBody).rfind("v1,", 0), 0u) << bad;
  }
}

TEST(Signature, AnInvalidStandardSecretStillSignsWithItsRawBytes) {
  // Refused at creation; if one is stored anyway, signing must not fail (nor match a valid key).
  const std::string expected = "v1," + Base64Encode(HmacSha256("plain-key", "m.1.{}"));
  EXPECT_EQ(StandardSignature("whsec_plain-key", "m", 1, "{}"), expected);
  EXPECT_EQ(StandardSignature("plain-key", "m", 1, "{}"), expected);
}

TEST(Signature, GeneratedSecretsDiffer) {
  std::string a = GenerateStandardSecret(), b = GenerateStandardSecret();
  EXPECT_EQ(a.rfind("whsec_", 0), 0u);
  EXPECT_EQ(Base64Decode(a.substr(6))->size(), 32u);
  EXPECT_NE(a, b);
}

TEST(Encoding, HexRoundTrip) {
  EXPECT_EQ(LowerHex(std::string("\x00\x7f\xff\xab", 4)), "007fffab");
  EXPECT_EQ(*HexDecode("007FffaB"), std::string("\x00\x7f\xff\xab", 4));
  EXPECT_FALSE(HexDecode("abc").has_value());
  EXPECT_FALSE(HexDecode("zz").has_value());
}

TEST(Encoding, Base64IsStrictAndRoundTrips) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xfb\xff\xfe"}) {
    EXPECT_EQ(*Base64Decode(Base64Encode(s)), s);
  }
  for (const char* bad : {"Zg", "Zg=", "Z===", "Zh==", "Zm9v\n", "Zm 9", "Zm-_", "=Zm9", "Zg=A"}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
}

TEST(Encoding, Sha256AndHmacKnownAnswers) {
  EXPECT_EQ(LowerHex(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(LowerHex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace rt::webhooks
