#include "identity/throttle.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace rt::identity {
namespace {

class ThrottleTest : public ::testing::Test {
 protected:
  LoginThrottle Make(ThrottleOptions o = {}) {
    return LoginThrottle(o, [this] { return now_ms_; });
  }
  int64_t now_ms_ = 1'000'000;
};

TEST_F(ThrottleTest, FiveFailuresLockThenDoublingDelay) {
  auto t = Make();
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(t.Check("jane@example.com", "10.0.0.1").allowed) << i;
    t.RecordFailure("jane@example.com", "10.0.0.1");
  }
  EXPECT_TRUE(t.Check("jane@example.com", "10.0.0.1").allowed);
  t.RecordFailure("jane@example.com", "10.0.0.1");  // 5th: 1 s (the 6th attempt is refused)
  auto d = t.Check("jane@example.com", "10.0.0.1");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_s, 1);
  now_ms_ += 1000;
  EXPECT_TRUE(t.Check("jane@example.com", "10.0.0.1").allowed);
  t.RecordFailure("jane@example.com", "10.0.0.1");  // 6th: 2 s
  EXPECT_EQ(t.Check("jane@example.com", "10.0.0.1").retry_after_s, 2);
  now_ms_ += 2000;
  t.RecordFailure("jane@example.com", "10.0.0.1");  // 7th: 4 s
  EXPECT_EQ(t.Check("jane@example.com", "10.0.0.2").retry_after_s, 4);  // the account is locked from anywhere
  EXPECT_TRUE(t.Check("other@example.com", "10.0.0.2").allowed);
  now_ms_ += 1500;
  EXPECT_EQ(t.Check("jane@example.com", "").retry_after_s, 3);  // rounded up
}

TEST_F(ThrottleTest, DelayIsCapped) {
  ThrottleOptions o;
  o.max_delay_ms = 60'000;
  auto t = Make(o);
  for (int i = 0; i < 40; ++i) t.RecordFailure("a", "");
  EXPECT_EQ(t.Check("a", "").retry_after_s, 60);
}

TEST_F(ThrottleTest, SuccessResetsTheAccountButNotTheAddress) {
  ThrottleOptions o;
  o.ip_free_failures = 7;
  auto t = Make(o);
  for (int i = 0; i < 4; ++i) t.RecordFailure("a", "10.0.0.1");
  t.RecordSuccess("a");
  t.RecordFailure("a", "10.0.0.1");  // account: 1st again; address: 5th
  t.RecordFailure("a", "10.0.0.1");  // address: 6th (still free)
  EXPECT_TRUE(t.Check("a", "10.0.0.1").allowed);
  t.RecordFailure("b", "10.0.0.1");  // address: 7th -> locked
  auto d = t.Check("c", "10.0.0.1");
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(t.Check("c", "10.0.0.9").allowed);
}

TEST_F(ThrottleTest, OldFailuresAreForgotten) {
  ThrottleOptions o;
  o.forget_after_ms = 10'000;
  auto t = Make(o);
  for (int i = 0; i < 5; ++i) t.RecordFailure("a", "");
  now_ms_ += 10'001;
  t.RecordFailure("a", "");  // counts as the first again
  EXPECT_TRUE(t.Check("a", "").allowed);
}

TEST_F(ThrottleTest, MemoryIsBounded) {
  ThrottleOptions o;
  o.max_entries = 100;
  auto t = Make(o);
  for (int i = 0; i < 1000; ++i) {
    now_ms_ += 1;
    t.RecordFailure("user" + std::to_string(i), "ip" + std::to_string(i));
  }
  EXPECT_LE(t.account_entries(), 100u);
  EXPECT_LE(t.ip_entries(), 100u);
  // The most recent guesser is still tracked.
  for (int i = 0; i < 5; ++i) t.RecordFailure("user999", "");
  EXPECT_FALSE(t.Check("user999", "").allowed);
}

TEST_F(ThrottleTest, ConcurrentFailuresAreAllCounted) {
  ThrottleOptions o;
  o.account_free_failures = 400;
  auto t = Make(o);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 100; ++j) t.RecordFailure("a", "");
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_FALSE(t.Check("a", "").allowed);  // the 400th failure locks: none was lost
}

}  // namespace
}  // namespace rt::identity
