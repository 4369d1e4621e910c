#include "broker/redis_channels.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "broker/broker.h"

namespace rt::broker {
namespace {

const std::string kKeyA = TopicKey({"app_1", "production"}, "orders.created");
const std::string kKeyB = TopicKey({"app_1", "production"}, "orders.shipped");

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(RedisChannels, ChannelNamesCarryTheScope) {
  EXPECT_EQ(ChannelFor(kKeyA), "realtime:event:app_1:production:orders.created");
  EXPECT_EQ(ChannelFor(TopicKey({"app_2", "production"}, "orders.created")),
            "realtime:event:app_2:production:orders.created");
  EXPECT_EQ(ChannelFor(kAllEvents), "realtime:event:*");
}

TEST(RedisChannels, HashSlotsAsRedisClusterComputesThem) {
  EXPECT_EQ(HashSlot("foo"), 12182);  // values from the Redis Cluster specification / CLUSTER KEYSLOT
  EXPECT_EQ(HashSlot("bar"), 5061);
  EXPECT_EQ(HashSlot("{user1000}.following"), HashSlot("{user1000}.followers"));
  EXPECT_EQ(HashSlot("{}x"), HashSlot("{}x"));  // an empty tag hashes the whole key
  EXPECT_NE(HashSlot("{}foo"), HashSlot("foo"));
}

TEST(RedisChannels, NothingIsSentBeforeTheConnectionThenOneBatch) {
  RedisChannels c(false);
  EXPECT_FALSE(c.Want(kKeyA, true));  // not connected: recorded only
  EXPECT_FALSE(c.Want(kKeyB, true));
  EXPECT_TRUE(c.Reconcile().empty());
  c.Connected();
  auto cmds = c.Reconcile();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0][0], "SUBSCRIBE");
  EXPECT_EQ(Sorted({cmds[0].begin() + 1, cmds[0].end()}), Sorted({ChannelFor(kKeyA), ChannelFor(kKeyB)}));
  EXPECT_TRUE(c.Reconcile().empty());  // nothing left to do
  EXPECT_EQ(c.subscribed(), 2u);
}

TEST(RedisChannels, ChangesWhileConnectedScheduleOneReconcileAndBatch) {
  RedisChannels c(false);
  c.Connected();
  EXPECT_TRUE(c.Want(kKeyA, true));   // schedules
  EXPECT_FALSE(c.Want(kKeyB, true));  // already scheduled
  auto cmds = c.Reconcile();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0].size(), 3u);
  EXPECT_TRUE(c.Want(kKeyA, false));
  EXPECT_FALSE(c.Want(kKeyB, false));
  cmds = c.Reconcile();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0][0], "UNSUBSCRIBE");
  EXPECT_EQ(cmds[0].size(), 3u);
  EXPECT_EQ(c.subscribed(), 0u);
}

TEST(RedisChannels, FlappingBeforeReconcileSendsNothing) {
  RedisChannels c(false);
  c.Connected();
  c.Want(kKeyA, true);
  c.Want(kKeyA, false);
  EXPECT_TRUE(c.Reconcile().empty());
  c.Want(kKeyA, true);
  c.Want(kKeyA, false);
  c.Want(kKeyA, true);
  EXPECT_EQ(c.Reconcile().size(), 1u);
}

TEST(RedisChannels, ConfirmedOnlyAfterTheLastSubscribeWasAnswered) {
  RedisChannels c(false);
  c.Connected();
  c.Live();
  const std::string ch = ChannelFor(kKeyA);
  c.Want(kKeyA, true);
  c.Reconcile();  // SUBSCRIBE a
  c.Want(kKeyA, false);
  c.Reconcile();  // UNSUBSCRIBE a
  c.Want(kKeyA, true);
  c.Reconcile();  // SUBSCRIBE a again, before Redis answered anything
  int called = 0;
  uint64_t id = c.WhenSubscribed(kKeyA, [&] { ++called; });
  ASSERT_NE(id, 0u);
  EXPECT_TRUE(c.Confirmed(ch).empty());  // the first SUBSCRIBE: the UNSUBSCRIBE is still ahead
  auto ready = c.Confirmed(ch);          // the second: now it holds
  ASSERT_EQ(ready.size(), 1u);
  ready[0]();
  EXPECT_EQ(called, 1);
  EXPECT_EQ(c.WhenSubscribed(kKeyA, [&] { ++called; }), 0u);  // confirmed: at once
  EXPECT_EQ(c.Expire(id), nullptr);                          // released already
  EXPECT_EQ(c.confirmed(), 1u);
}

TEST(RedisChannels, WaitersAreReleasedByLossExpiryAndRefusal) {
  RedisChannels c(false);
  EXPECT_EQ(c.WhenSubscribed(kKeyA, [] {}), 0u);  // not live: nothing to wait for
  c.Connected();
  c.Live();
  EXPECT_EQ(c.WhenSubscribed(kKeyA, [] {}), 0u);  // no interest: nothing to wait for
  c.Want(kKeyA, true);
  c.Want(kKeyB, true);
  c.Reconcile();
  uint64_t a = c.WhenSubscribed(kKeyA, [] {});
  uint64_t b = c.WhenSubscribed(kKeyB, [] {});
  ASSERT_NE(a, 0u);
  EXPECT_NE(c.Expire(a), nullptr);
  EXPECT_EQ(c.Refused({ChannelFor(kKeyB)}).size(), 1u);
  EXPECT_EQ(c.Expire(b), nullptr);
  EXPECT_EQ(c.subscribed(), 1u);  // the refused one is retried by the next Reconcile
  uint64_t again = c.WhenSubscribed(kKeyA, [] {});
  ASSERT_NE(again, 0u);
  EXPECT_EQ(c.Lost().size(), 1u);
  EXPECT_EQ(c.subscribed(), 0u);
  EXPECT_EQ(c.WhenSubscribed(kKeyA, [] {}), 0u);  // down: at once
  c.Connected();
  EXPECT_EQ(c.Reconcile().size(), 1u);  // everything wanted, again
  EXPECT_EQ(c.subscribed(), 2u);
}

TEST(RedisChannels, ShardedBatchesPerSlotAndGlobsArePatterns) {
  RedisChannels plain(false);
  plain.Connected();
  plain.Want(kAllEvents, true);
  auto cmds = plain.Reconcile();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0], (std::vector<std::string>{"PSUBSCRIBE", "realtime:event:*"}));

  RedisChannels sharded(true);
  sharded.Connected();
  sharded.Want(kAllEvents, true);  // no sharded patterns: ignored
  for (int i = 0; i < 40; ++i) sharded.Want(TopicKey({"app_1", "production"}, "t" + std::to_string(i)), true);
  cmds = sharded.Reconcile();
  size_t channels = 0;
  for (const auto& cmd : cmds) {
    EXPECT_EQ(cmd[0], "SSUBSCRIBE");
    for (size_t i = 2; i < cmd.size(); ++i) EXPECT_EQ(HashSlot(cmd[i]), HashSlot(cmd[1])) << cmd[i];
    channels += cmd.size() - 1;
  }
  EXPECT_EQ(channels, 40u);
  EXPECT_EQ(sharded.WhenSubscribed(kAllEvents, [] {}), 0u);
}

TEST(RedisChannels, LongBatchesAreSplit) {
  RedisChannels c(false);
  c.Connected();
  for (size_t i = 0; i < RedisChannels::kMaxPerCommand + 10; ++i)
    c.Want(TopicKey({"a", "development"}, "direct:" + std::to_string(i)), true);
  auto cmds = c.Reconcile();
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0].size() + cmds[1].size() - 2, RedisChannels::kMaxPerCommand + 10);
}

}  // namespace
}  // namespace rt::broker
