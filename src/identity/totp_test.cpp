#include "identity/totp.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

namespace rt::identity {
namespace {

// RFC 6238 Appendix B, SHA-1 rows: the seed is the 20 ASCII bytes "12345678901234567890".
constexpr std::string_view kRfcSeed = "12345678901234567890";
struct Vector {
  int64_t time;
  const char* code;
};
constexpr Vector kRfcVectors[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
                                  {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};

TEST(TotpTest, Rfc6238AppendixBSha1Vectors) {
  for (const auto& v : kRfcVectors) {
    EXPECT_EQ(TotpCode(kRfcSeed, v.time / kTotpPeriodS, 8), v.code) << "T=" << v.time;
  }
}

TEST(TotpTest, SixDigitsAreTheLowDigitsOfTheEightDigitCode) {
  for (const auto& v : kRfcVectors) {
    EXPECT_EQ(TotpCode(kRfcSeed, v.time / kTotpPeriodS), std::string(v.code).substr(2)) << "T=" << v.time;
  }
}

TEST(TotpTest, VerifyAcceptsOneStepEitherSideAndReturnsTheStep) {
  std::string secret = Base32Encode(kRfcSeed);
  const int64_t now = 1111111111;  // step 37037037
  const int64_t step = now / 30;
  for (int64_t d : {-1, 0, 1}) {
    auto matched = VerifyTotp(secret, TotpCode(kRfcSeed, step + d), now);
    ASSERT_TRUE(matched.has_value()) << d;
    EXPECT_EQ(*matched, step + d);
  }
  EXPECT_FALSE(VerifyTotp(secret, TotpCode(kRfcSeed, step - 2), now));
  EXPECT_FALSE(VerifyTotp(secret, TotpCode(kRfcSeed, step + 2), now));
}

TEST(TotpTest, VerifyRefusesStepsAtOrBeforeTheLastUsed) {
  std::string secret = Base32Encode(kRfcSeed);
  const int64_t now = 1234567890;
  const int64_t step = now / 30;
  std::string code = TotpCode(kRfcSeed, step);
  EXPECT_EQ(VerifyTotp(secret, code, now, step - 1), step);
  EXPECT_FALSE(VerifyTotp(secret, code, now, step));  // replay of the same step
  EXPECT_FALSE(VerifyTotp(secret, TotpCode(kRfcSeed, step - 1), now, step));  // an older code
  EXPECT_EQ(VerifyTotp(secret, TotpCode(kRfcSeed, step + 1), now, step), step + 1);
}

TEST(TotpTest, VerifyRejectsMalformedInput) {
  std::string secret = Base32Encode(kRfcSeed);
  const int64_t now = 59;
  std::string good = TotpCode(kRfcSeed, 1);
  EXPECT_TRUE(VerifyTotp(secret, " " + good + " ", now));
  EXPECT_FALSE(VerifyTotp(secret, good.substr(1), now));
  EXPECT_FALSE(VerifyTotp(secret, good + "0", now));
  EXPECT_FALSE(VerifyTotp(secret, "12a456", now));
  EXPECT_FALSE(VerifyTotp(secret, "", now));
  EXPECT_FALSE(VerifyTotp("not base32!", good, now));
  EXPECT_FALSE(VerifyTotp("", good, now));
}

TEST(TotpTest, Base32RoundTripsAndMatchesRfc4648) {
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(Base32Encode("fo"), "MZXQ");
  EXPECT_EQ(Base32Encode("foo"), "MZXW6");
  EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ");
  EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32Decode("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(Base32Decode("mzxw 6ytb oi"), "foobar");
  EXPECT_FALSE(Base32Decode("MZXW6YTBO1"));  // '1' is not in the alphabet
  EXPECT_FALSE(Base32Decode("MZ1"));
  EXPECT_FALSE(Base32Decode("MZ7"));  // non-zero trailing bits
  EXPECT_FALSE(Base32Decode("M"));    // 5 bits: not a byte
}

TEST(TotpTest, NewSecretIs160RandomBits) {
  std::string a = NewTotpSecret(), b = NewTotpSecret();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  auto raw = Base32Decode(a);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), 20u);
}

TEST(TotpTest, OtpauthUriHasEveryParameter) {
  EXPECT_EQ(OtpauthUri("Realtime Platform", "jane+ops@example.com", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/Realtime%20Platform:jane%2Bops@example.com?secret=JBSWY3DPEHPK3PXP"
            "&issuer=Realtime%20Platform&algorithm=SHA1&digits=6&period=30");
}

TEST(TotpTest, RecoveryCodesAreDistinctAndHashNormalized) {
  auto codes = NewRecoveryCodes();
  ASSERT_EQ(codes.size(), 10u);
  std::set<std::string> unique(codes.begin(), codes.end());
  EXPECT_EQ(unique.size(), 10u);
  for (const auto& c : codes) {
    ASSERT_EQ(c.size(), 19u) << c;
    EXPECT_EQ(c[4], '-');
    EXPECT_EQ(c[9], '-');
    EXPECT_EQ(c[14], '-');
  }
  const std::string& c = codes[0];
  std::string upper_spaced;
  for (char ch : c) upper_spaced += ch == '-' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(HashRecoveryCode(c), HashRecoveryCode(upper_spaced));
  EXPECT_EQ(HashRecoveryCode(c).size(), 64u);
  EXPECT_NE(HashRecoveryCode(codes[0]), HashRecoveryCode(codes[1]));
}

// Interoperability with an independent implementation: `oathtool --totp -b`. Skipped only when
// oathtool is not installed (scripts/install-deps.sh installs it).
TEST(TotpTest, MatchesOathtool) {
  if (std::system("command -v oathtool >/dev/null 2>&1") != 0) GTEST_SKIP() << "oathtool not installed";
  std::string secret = NewTotpSecret();
  auto key = Base32Decode(secret);
  ASSERT_TRUE(key);
  for (int64_t t : {int64_t{59}, int64_t{1111111109}, int64_t{1700000000}, int64_t{2000000000}}) {
    std::string cmd = "oathtool --totp -b --now @" + std::to_string(t) + " " + secret;
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::array<char, 64> buf{};
    std::string out;
    while (fgets(buf.data(), buf.size(), p)) out += buf.data();
    ASSERT_EQ(pclose(p), 0) << cmd;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    EXPECT_EQ(out, TotpCode(*key, t / 30)) << cmd;
    EXPECT_EQ(VerifyTotp(secret, out, t), t / 30);
  }
}

}  // namespace
}  // namespace rt::identity
