#include "identity/password.h"

#include <gtest/gtest.h>

#include <string>

namespace rt::identity {
namespace {

constexpr int kTestCost = 4;  // the minimum: keeps the suite fast

TEST(PasswordTest, HashIsStandardBcrypt2bAndVerifies) {
  auto h = HashPassword("correct horse battery staple", kTestCost);
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->size(), 60u);
  EXPECT_EQ(h->substr(0, 7), "$2b$04$");
  EXPECT_TRUE(VerifyPassword("correct horse battery staple", *h));
  EXPECT_FALSE(VerifyPassword("correct horse battery stapler", *h));
  EXPECT_FALSE(VerifyPassword("", *h));
}

TEST(PasswordTest, DefaultCostIsTen) {
  auto h = HashPassword("correct horse battery staple");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->substr(0, 7), "$2b$10$");
}

TEST(PasswordTest, SaltIsFreshEachTime) {
  auto a = HashPassword("same password 123", kTestCost);
  auto b = HashPassword("same password 123", kTestCost);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword("same password 123", *a));
  EXPECT_TRUE(VerifyPassword("same password 123", *b));
}

TEST(PasswordTest, VerifiesAKnownBcryptHash) {
  // Produced by another implementation (OpenBSD's test vector, $2b$ of "U*U" at cost 5).
  EXPECT_TRUE(VerifyPassword("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_FALSE(VerifyPassword("U*V", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
}

TEST(PasswordTest, MalformedHashesNeverVerify) {
  EXPECT_FALSE(VerifyPassword("x", ""));
  EXPECT_FALSE(VerifyPassword("x", "*0"));
  EXPECT_FALSE(VerifyPassword("x", "$1$abc$def"));  // MD5-crypt: refused, only bcrypt
  EXPECT_FALSE(VerifyPassword("x", std::string(60, '$')));
}

TEST(PasswordTest, RefusesWhatBcryptWouldTruncate) {
  std::string p72(72, 'a'), p73(73, 'a');
  p72[0] = 'b';
  p73[0] = 'b';
  EXPECT_TRUE(HashPassword(p72, kTestCost).ok());
  auto h = HashPassword(p73, kTestCost);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code, ErrorCode::kValidation);
  EXPECT_FALSE(HashPassword(std::string("abc\0def", 7), kTestCost).ok());
  // A hash of the 72-byte prefix does not let the 73-byte password in.
  auto h72 = HashPassword(p72, kTestCost);
  EXPECT_FALSE(VerifyPassword(p73.substr(0, 72) + "zz", *h72));
}

TEST(PasswordTest, DummyVerifyIsAlwaysFalse) {
  EXPECT_FALSE(VerifyAgainstDummy("dummy-password-for-timing-only", kTestCost));
  EXPECT_FALSE(VerifyAgainstDummy("anything", kTestCost));
}

TEST(PasswordTest, PolicyAcceptsAGoodPassword) {
  PasswordPolicy policy;
  EXPECT_TRUE(policy.Check("tr0ub4dor&3-horse", "jane@example.com").ok());
  EXPECT_TRUE(policy.Check("äöüäöüäöüäöü").ok());  // 12 code points, 24 bytes
}

TEST(PasswordTest, PolicyNamesEveryFailedRule) {
  PasswordPolicy policy;
  auto st = policy.Check("aaaa");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kValidation);
  EXPECT_NE(st.error().message.find("at least 12 characters"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("not one character repeated"), std::string::npos) << st.error().message;

  st = policy.Check(std::string(12, 'x'));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message.find("at least"), std::string::npos);
  EXPECT_NE(st.error().message.find("repeated"), std::string::npos);

  st = policy.Check(std::string(73, 'x') + "y");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("at most 72 bytes"), std::string::npos);

  st = policy.Check("Jane@Example.com", "jane@example.com");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("email"), std::string::npos);
}

TEST(PasswordTest, PolicyIsConfigurable) {
  PasswordPolicy policy;
  policy.min_chars = 8;
  EXPECT_TRUE(policy.Check("abcdefgh").ok());
  EXPECT_FALSE(policy.Check("abcdefg").ok());
  policy.max_bytes = 500;  // capped at bcrypt's 72
  EXPECT_FALSE(policy.Check(std::string(80, 'a') + "b").ok());
  policy.reject_all_same = false;
  EXPECT_TRUE(policy.Check("aaaaaaaa").ok());
}

}  // namespace
}  // namespace rt::identity
