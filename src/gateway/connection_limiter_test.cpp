#include "gateway/connection_limiter.h"

#include <gtest/gtest.h>

#include <vector>

namespace rt::gateway {
namespace {

TEST(ConnectionLimiter, CapsTheTotalAndAnswers503WithAJsonBody) {
  ConnectionLimiter limiter(2, 0);
  net::HttpResponse refusal;
  auto a = limiter.TryAcquire("10.0.0.1", &refusal);
  auto b = limiter.TryAcquire("10.0.0.2", &refusal);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(limiter.active(), 2u);
  EXPECT_EQ(limiter.TryAcquire("10.0.0.3", &refusal), nullptr);
  EXPECT_EQ(refusal.status, 503);
  EXPECT_NE(refusal.body.find("\"error\":\"ServiceUnavailableError\""), std::string::npos) << refusal.body;
  EXPECT_NE(refusal.body.find("max 2"), std::string::npos) << refusal.body;
  EXPECT_EQ(limiter.refused(), 1u);
  a.reset();  // releasing a slot lets the next client in
  EXPECT_EQ(limiter.active(), 1u);
  EXPECT_NE(limiter.TryAcquire("10.0.0.3", &refusal), nullptr);
}

TEST(ConnectionLimiter, PerAddressCapOnlyWhenEnabled) {
  ConnectionLimiter off(100, 0);
  std::vector<std::shared_ptr<ConnectionLimiter::Lease>> held;
  for (int i = 0; i < 50; ++i) held.push_back(off.TryAcquire("10.0.0.1", nullptr));
  for (auto& l : held) EXPECT_NE(l, nullptr);  // one address (a load balancer) is not limited by default

  ConnectionLimiter on(100, 2);
  net::HttpResponse refusal;
  auto a1 = on.TryAcquire("10.0.0.1", &refusal);
  auto a2 = on.TryAcquire("10.0.0.1", &refusal);
  ASSERT_TRUE(a1 && a2);
  EXPECT_EQ(on.TryAcquire("10.0.0.1", &refusal), nullptr);
  EXPECT_NE(refusal.body.find("this address"), std::string::npos) << refusal.body;
  EXPECT_NE(on.TryAcquire("10.0.0.2", &refusal), nullptr);  // another address still gets in
  a1.reset();
  EXPECT_NE(on.TryAcquire("10.0.0.1", &refusal), nullptr);
  EXPECT_EQ(on.refused(), 1u);
}

TEST(ConnectionLimiter, LeasesMayOutliveTheLimiter) {
  std::shared_ptr<ConnectionLimiter::Lease> lease;
  {
    ConnectionLimiter limiter(1, 1);
    lease = limiter.TryAcquire("::1", nullptr);
    ASSERT_NE(lease, nullptr);
  }
  lease.reset();  // must not touch freed memory (ASan)
}

}  // namespace
}  // namespace rt::gateway
