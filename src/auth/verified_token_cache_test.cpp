// VerifiedTokenCache: hits only for the same text, the same key-ring generation and before
// expiry; bounded. (Its use by TokenService against real keys: tests/integration/signing_keys_test.cpp.)
#include "auth/verified_token_cache.h"

#include <gtest/gtest.h>

namespace rt::auth {
namespace {

Principal Named(const std::string& subject, int64_t exp) {
  Principal p;
  p.kind = Principal::Kind::kJwt;
  p.subject = subject;
  p.expires_at_s = exp;
  return p;
}

TEST(VerifiedTokenCache, HitsOnlyForTheSameTokenGenerationAndBeforeExpiry) {
  VerifiedTokenCache cache;
  cache.Put("tok-a", 7, Named("a", 1000));
  auto hit = cache.Find("tok-a", 7, 999, 5);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->subject, "a");
  EXPECT_TRUE(cache.Find("tok-a", 7, 1005, 5).has_value()) << "within the leeway";
  EXPECT_FALSE(cache.Find("tok-b", 7, 999, 5).has_value());
  EXPECT_FALSE(cache.Find("tok-a", 8, 999, 5).has_value()) << "the keys changed";
  cache.Put("tok-a", 8, Named("a2", 1000));  // verified again under the new keys: replaces it
  ASSERT_TRUE(cache.Find("tok-a", 8, 999, 5).has_value());
  EXPECT_EQ(cache.Find("tok-a", 8, 999, 5)->subject, "a2");
  EXPECT_FALSE(cache.Find("tok-a", 7, 999, 5).has_value()) << "the old generation's entry is gone";
  cache.Put("tok-a", 7, Named("a", 1000));
  EXPECT_FALSE(cache.Find("tok-a", 7, 1006, 5).has_value()) << "expired";
}

TEST(VerifiedTokenCache, StaysBounded) {
  VerifiedTokenCache cache;
  size_t n = VerifiedTokenCache::kShards * VerifiedTokenCache::kPerShard * 3;
  for (size_t i = 0; i < n; ++i) cache.Put("t" + std::to_string(i), 1, Named("s", 0));
  size_t found = 0;
  for (size_t i = 0; i < n; ++i) found += cache.Find("t" + std::to_string(i), 1, 0, 0).has_value();
  EXPECT_GT(found, 0u);
  EXPECT_LE(found, VerifiedTokenCache::kShards * VerifiedTokenCache::kPerShard);
}

}  // namespace
}  // namespace rt::auth
