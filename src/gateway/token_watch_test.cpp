// TokenWatch's pure parts: the per-shard WatchList (expiry order, key and application
// revocation, refresh replacing the facts) and CheckGrant (what a refreshed token still allows).
#include "gateway/token_watch.h"

#include <gtest/gtest.h>

#include "gateway/client_ops.h"

namespace rt::gateway {
namespace {

struct Conn final : Watched {
  std::vector<std::string> reasons;
  void TokenRevoked(const char* reason) override { reasons.emplace_back(reason); }
};

TEST(WatchList, TakesExpiredConnectionsInExpiryOrderOnlyOnce) {
  WatchList list;
  Conn a, b, c, forever;
  list.Add(&a, "app", "k1", 3000);
  list.Add(&b, "app", "k1", 1000);
  list.Add(&c, "app", "k1", 2000);
  list.Add(&forever, "app", "k1", 0);
  EXPECT_EQ(list.size(), 4u);
  EXPECT_EQ(list.NextExpiry(), 1000);
  EXPECT_TRUE(list.TakeExpired(999).empty());
  EXPECT_EQ(list.TakeExpired(2000), (std::vector<Watched*>{&b, &c}));
  EXPECT_TRUE(list.TakeExpired(2000).empty());
  EXPECT_EQ(list.NextExpiry(), 3000);
  EXPECT_EQ(list.TakeExpired(1'000'000), (std::vector<Watched*>{&a}));
  EXPECT_FALSE(list.NextExpiry());  // the token without exp never expires
  EXPECT_EQ(list.size(), 1u);
}

TEST(WatchList, ARefreshReplacesTheExpiryAndKey) {
  WatchList list;
  Conn a;
  list.Add(&a, "app", "k1", 1000);
  list.Add(&a, "app", "k2", 5000);  // refreshed: a later expiry, another key
  EXPECT_EQ(list.size(), 1u);
  EXPECT_TRUE(list.TakeExpired(4999).empty());
  EXPECT_TRUE(list.TakeByKey({"k1"}).empty());
  EXPECT_EQ(list.TakeByKey({"k2"}), (std::vector<Watched*>{&a}));
  EXPECT_EQ(list.size(), 0u);
  EXPECT_FALSE(list.NextExpiry());
}

TEST(WatchList, KeyAndApplicationRevocationTakeOnlyTheirConnections) {
  WatchList list;
  Conn a, b, c, d;
  list.Add(&a, "app1", "k1", 1000);
  list.Add(&b, "app1", "k2", 1000);
  list.Add(&c, "app2", "k1", 0);
  list.Add(&d, "app3", "k3", 2000);
  auto by_key = list.TakeByKey({"k1", "nope"});
  std::sort(by_key.begin(), by_key.end());
  std::vector<Watched*> want{&a, &c};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(by_key, want);
  EXPECT_EQ(list.TakeByApplication({"app1"}), (std::vector<Watched*>{&b}));
  EXPECT_EQ(list.NextExpiry(), 2000);  // a and b left the expiry index too
  list.Remove(&d);
  list.Remove(&d);  // idempotent
  EXPECT_EQ(list.size(), 0u);
  EXPECT_TRUE(list.TakeExpired(1'000'000).empty());
}

TEST(CheckGrant, APrincipalMayUseWhatItsPermissionsAndTopicsAllow) {
  auth::Principal p;
  p.kind = auth::Principal::Kind::kJwt;
  p.permissions = {"subscribe"};
  p.topics = {"chat:*"};
  EXPECT_FALSE(CheckGrant(p, "chat:room1", "subscribe"));
  auto outside = CheckGrant(p, "orders", "subscribe");
  ASSERT_TRUE(outside);
  EXPECT_STREQ(outside->code, "FORBIDDEN");
  EXPECT_EQ(outside->message, "Token's topics do not allow 'orders'");
  auto no_publish = CheckGrant(p, "chat:room1", "publish");
  ASSERT_TRUE(no_publish);
  EXPECT_EQ(no_publish->message, "Token lacks the 'publish' permission");
  p.topics.clear();  // unrestricted
  EXPECT_FALSE(CheckGrant(p, "orders", "subscribe"));
}

}  // namespace
}  // namespace rt::gateway
