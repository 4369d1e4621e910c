#include "core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace rt {
namespace {

TEST(ThreadPool, TryPostRefusesPastTheQueueBoundAndCountsIt) {
  ThreadPool pool(1, "test-pool", 2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  std::atomic<int> ran{0};
  // The only thread is busy with the first task; two more wait; the fourth is refused.
  ASSERT_EQ(pool.TryPost([&] { started.set_value(); gate.wait(); ++ran; }), ThreadPool::PostResult::kQueued);
  started.get_future().wait();
  EXPECT_EQ(pool.TryPost([&] { ++ran; }), ThreadPool::PostResult::kQueued);
  EXPECT_EQ(pool.TryPost([&] { ++ran; }), ThreadPool::PostResult::kQueued);
  EXPECT_EQ(pool.TryPost([&] { ++ran; }), ThreadPool::PostResult::kFull);
  EXPECT_EQ(pool.rejected(), 1u);
  EXPECT_EQ(pool.Pending(), 3u);
  // Post ignores the bound (tasks that must run).
  EXPECT_TRUE(pool.Post([&] { ++ran; }));
  release.set_value();
  pool.Shutdown();
  EXPECT_EQ(ran.load(), 4);
  EXPECT_EQ(pool.TryPost([] {}), ThreadPool::PostResult::kStopped);
  EXPECT_EQ(pool.rejected(), 1u);  // refusals after shutdown are not "full"
}

TEST(ThreadPool, UnboundedByDefault) {
  ThreadPool pool(1, "test-pool");
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> ran{0};
  pool.Post([&] { gate.wait(); });
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(pool.TryPost([&] { ++ran; }), ThreadPool::PostResult::kQueued);
  release.set_value();
  pool.Shutdown();
  EXPECT_EQ(ran.load(), 10000);
  EXPECT_EQ(pool.rejected(), 0u);
}

}  // namespace
}  // namespace rt
