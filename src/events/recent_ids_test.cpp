#include "events/recent_ids.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace rt::events {
namespace {

TEST(RecentIds, ARepeatIsRecognisedUntilItIsForgotten) {
  RecentIds ids(16 * 4);  // 4 per stripe
  EXPECT_TRUE(ids.Insert("evt_a"));
  EXPECT_FALSE(ids.Insert("evt_a"));
  EXPECT_TRUE(ids.Insert("evt_b"));
  // Enough other ids push evt_a out of its stripe (FIFO); then it counts as new again.
  for (int i = 0; i < 1000; ++i) ids.Insert("evt_x" + std::to_string(i));
  EXPECT_TRUE(ids.Insert("evt_a"));
  EXPECT_FALSE(ids.Insert("evt_a"));
}

TEST(RecentIds, ConcurrentInsertsOfOneIdAdmitExactlyOne) {
  RecentIds ids;
  for (int round = 0; round < 50; ++round) {
    std::atomic<int> admitted{0};
    std::vector<std::thread> threads;
    std::string id = "evt_r" + std::to_string(round);
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        if (ids.Insert(id)) admitted.fetch_add(1);
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(admitted.load(), 1);
  }
}

}  // namespace
}  // namespace rt::events
