#include "identity/tokens.h"

#include <gtest/gtest.h>

#include <set>

namespace rt::identity {
namespace {

TEST(IdentityTokensTest, TokensHavePrefixAnd256Bits) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string t = NewToken(kSessionPrefix);
    EXPECT_TRUE(HasTokenShape(t, kSessionPrefix)) << t;
    EXPECT_EQ(t.size(), 5u + 43u);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_TRUE(HasTokenShape(NewToken(kInvitePrefix), kInvitePrefix));
  EXPECT_FALSE(HasTokenShape(NewToken(kInvitePrefix), kResetPrefix));
}

TEST(IdentityTokensTest, ShapeCheckRejectsForgeries) {
  std::string t = NewToken(kSessionPrefix);
  EXPECT_FALSE(HasTokenShape(t.substr(0, t.size() - 1), kSessionPrefix));
  EXPECT_FALSE(HasTokenShape(t + "A", kSessionPrefix));
  std::string bad = t;
  bad[10] = '+';
  EXPECT_FALSE(HasTokenShape(bad, kSessionPrefix));
  EXPECT_FALSE(HasTokenShape("", kSessionPrefix));
}

TEST(IdentityTokensTest, HashIsHexSha256OfTheWholeToken) {
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string t = NewToken(kResetPrefix);
  EXPECT_EQ(TokenHash(t).size(), 64u);
  EXPECT_NE(TokenHash(t), TokenHash(t.substr(kResetPrefix.size())));
}

TEST(IdentityTokensTest, SecretEquals) {
  EXPECT_TRUE(SecretEquals("abc", "abc"));
  EXPECT_FALSE(SecretEquals("abc", "abd"));
  EXPECT_FALSE(SecretEquals("abc", "abcd"));
  EXPECT_TRUE(SecretEquals("", ""));
}

}  // namespace
}  // namespace rt::identity
