// RedisBroker's per-topic interest against a private redis-server (issue 20 item 4): batched
// SUBSCRIBE / UNSUBSCRIBE seen through PUBSUB CHANNELS and INFO commandstats, re-subscription
// after a Redis restart, an instance without interest receiving nothing, the ack-after-subscribe
// wait (WhenSubscribed), and REDIS_CLUSTER mode (SPUBLISH / SSUBSCRIBE, PUBSUB SHARDCHANNELS).
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <future>

#include "broker/redis_broker.h"
#include "broker/redis_channels.h"
#include "broker_test_util.h"
#include "core/ids.h"
#include "redis_process.h"

namespace rt::testing {
namespace {

using broker::BrokerMessage;
using broker::RedisBroker;
using broker::RedisBrokerOptions;

const Scope kApp1{"app_1", "development"};

// The elements of an array reply (PUBSUB CHANNELS ...), sorted; empty on any error.
std::vector<std::string> List(int port, const std::vector<std::string>& args) {
  std::vector<std::string> out;
  redisContext* c = redisConnect("127.0.0.1", port);
  if (!c || c->err) {
    if (c) redisFree(c);
    return out;
  }
  redisReply* r = CommandArgv(c, args);
  if (r && r->type == REDIS_REPLY_ARRAY)
    for (size_t i = 0; i < r->elements; ++i) out.emplace_back(r->element[i]->str, r->element[i]->len);
  if (r) freeReplyObject(r);
  redisFree(c);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// How many times Redis ran `command` (INFO commandstats), or -1.
long Calls(RedisProcess& redis, const std::string& command) {
  std::string info = redis.Command({"INFO", "commandstats"});
  auto at = info.find("cmdstat_" + command + ":calls=");
  if (at == std::string::npos) return 0;
  return std::stol(info.substr(at + command.size() + 15));
}

bool Subscribed(RedisBroker& b, const std::string& key) {
  auto done = std::make_shared<std::promise<void>>();
  auto ready = done->get_future();
  if (b.WhenSubscribed(key, [done] { done->set_value(); })) return true;
  return ready.wait_for(5s) == std::future_status::ready;
}

class RedisInterest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!RedisProcess::Available()) {
      if (std::getenv("REALTIME_REQUIRE_REDIS")) FAIL() << "redis-server not found on PATH";
      GTEST_SKIP() << "redis-server not found on PATH";
    }
    ASSERT_TRUE(redis_.Start());
  }
  std::string Url() const { return "redis://127.0.0.1:" + std::to_string(redis_.port()); }
  std::unique_ptr<RedisBroker> Make(const char* name, bool sharded = false) {
    RedisBrokerOptions o;
    o.url = Url();
    o.instance_id = NewId(name);
    o.sharded = sharded;
    o.backoff_max = 200ms;
    return std::make_unique<RedisBroker>(o);
  }
  std::vector<std::string> Channels() { return List(redis_.port(), {"PUBSUB", "CHANNELS", "realtime:event:*"}); }

  RedisProcess redis_;
};

TEST_F(RedisInterest, SubscribesPerTopicInBatchesAndUnsubscribes) {
  Inbox in("t.");
  auto b = Make("b");
  ASSERT_TRUE(b->Start(in.Handler()).ok());
  EXPECT_TRUE(Channels().empty());  // no interest: no event channel at all (only realtime:control)
  EXPECT_EQ(List(redis_.port(), {"PUBSUB", "CHANNELS", "realtime:control"}),
            (std::vector<std::string>{"realtime:control"}));
  long before = Calls(redis_, "subscribe");

  std::vector<std::string> keys, expected_unsorted;
  for (int i = 0; i < 200; ++i) {
    keys.push_back(TopicKey(kApp1, "t." + std::to_string(i)));
    expected_unsorted.push_back("realtime:event:app_1:development:t." + std::to_string(i));
  }
  std::vector<std::string> expected = Sorted(expected_unsorted);
  for (const auto& k : keys) b->SetInterest(k, true);  // a burst, as 200 connections subscribing
  ASSERT_TRUE(Subscribed(*b, keys.back()));
  ASSERT_TRUE(WaitUntil([&] { return Channels().size() == 200; }, 5s)) << Channels().size();
  EXPECT_EQ(Channels(), expected);
  long commands = Calls(redis_, "subscribe") - before;
  EXPECT_GE(commands, 1);
  EXPECT_LT(commands, 20) << "200 channels should go in a few batched SUBSCRIBE commands";
  EXPECT_EQ(b->Stats().channels, 200u);

  long unsubs_before = Calls(redis_, "unsubscribe");
  for (int i = 0; i < 150; ++i) b->SetInterest(keys[i], false);
  ASSERT_TRUE(WaitUntil([&] { return Channels().size() == 50; }, 5s)) << Channels().size();
  EXPECT_EQ(Channels(), Sorted(std::vector<std::string>(expected_unsorted.begin() + 150, expected_unsorted.end())));
  EXPECT_LT(Calls(redis_, "unsubscribe") - unsubs_before, 20);
}

TEST_F(RedisInterest, AnInstanceWithoutInterestReceivesNothing) {
  Inbox in_a("t."), in_b("t."), in_c("t.");
  auto a = Make("a"), b = Make("b"), c = Make("c");
  ASSERT_TRUE(a->Start(in_a.Handler()).ok());
  ASSERT_TRUE(b->Start(in_b.Handler()).ok());
  ASSERT_TRUE(c->Start(in_c.Handler()).ok());
  const std::string hot = TopicKey(kApp1, "t.hot"), mine = TopicKey(kApp1, "t.mine");
  b->SetInterest(hot, true);
  c->SetInterest(mine, true);
  ASSERT_TRUE(Subscribed(*b, hot));
  ASSERT_TRUE(Subscribed(*c, mine));
  for (int i = 0; i < 100; ++i) a->Publish({kApp1, "t.hot", "{\"i\":" + std::to_string(i) + "}"});
  a->Publish({kApp1, "t.mine", "{}"});
  ASSERT_TRUE(in_b.WaitFor(100));
  ASSERT_TRUE(in_c.WaitFor(1));  // published after the 100: they would have been ahead of it
  EXPECT_EQ(in_c.size(), 1u);
  EXPECT_EQ(in_c.Messages()[0].topic, "t.mine");
  EXPECT_EQ(c->Stats().received, 1u);
  EXPECT_EQ(c->Stats().dropped, 0u);
}

TEST_F(RedisInterest, WhenSubscribedWaitsForRedisThenAnswersAtOnce) {
  Inbox in_a("t."), in_b("t.");
  auto a = Make("a"), b = Make("b");
  ASSERT_TRUE(a->Start(in_a.Handler()).ok());
  ASSERT_TRUE(b->Start(in_b.Handler()).ok());
  // 50 rounds of: interest, wait for the ack, publish on the other instance: never missed.
  int waited = 0;  // rounds where the answer had to wait for Redis (a fresh key: nearly all)
  for (int i = 0; i < 50; ++i) {
    const std::string topic = "t.ack" + std::to_string(i);
    const std::string key = TopicKey(kApp1, topic);
    b->SetInterest(key, true);
    auto done = std::make_shared<std::promise<void>>();
    auto ready = done->get_future();
    if (!b->WhenSubscribed(key, [done] { done->set_value(); })) {
      ++waited;
      ASSERT_EQ(ready.wait_for(5s), std::future_status::ready) << i;
    }
    a->Publish({kApp1, topic, "{}"});
    ASSERT_TRUE(in_b.WaitFor(static_cast<size_t>(i + 1), 2s)) << "missed round " << i;
    EXPECT_TRUE(b->WhenSubscribed(key, [] { ADD_FAILURE() << "confirmed keys answer at once"; }));
  }
  EXPECT_GT(waited, 25) << "a fresh key must wait for Redis's confirmation";
  EXPECT_TRUE(b->WhenSubscribed(TopicKey(kApp1, "t.unwanted"), [] { ADD_FAILURE(); }));
}

TEST_F(RedisInterest, ReconnectResubscribesEveryWantedChannel) {
  Inbox in_a("t."), in_b("t.");
  auto a = Make("a"), b = Make("b");
  const std::string k1 = TopicKey(kApp1, "t.one"), k2 = TopicKey(kApp1, "t.two");
  b->SetInterest(k1, true);  // before Start: subscribed with the first connection
  ASSERT_TRUE(a->Start(in_a.Handler()).ok());
  ASSERT_TRUE(b->Start(in_b.Handler()).ok());
  b->SetInterest(k2, true);
  ASSERT_TRUE(Subscribed(*b, k2));
  EXPECT_EQ(Channels().size(), 2u);

  redis_.Kill();
  ASSERT_TRUE(WaitUntil([&] { return !b->Stats().connected; }, 5s));
  EXPECT_TRUE(b->WhenSubscribed(k1, [] { ADD_FAILURE(); }));  // Redis down: nothing to wait for
  ASSERT_TRUE(redis_.Start());
  ASSERT_TRUE(WaitUntil([&] { return a->Stats().connected && b->Stats().connected; }, 10s));
  EXPECT_EQ(Channels(), (std::vector<std::string>{"realtime:event:app_1:development:t.one",
                                                  "realtime:event:app_1:development:t.two"}));
  a->Publish({kApp1, "t.two", "{}"});
  ASSERT_TRUE(in_b.WaitFor(1));
  EXPECT_GT(b->Stats().reconnects, 0u);
}

TEST_F(RedisInterest, ClusterModeUsesShardedPubSub) {
  Inbox in_a("t."), in_b("t.");
  auto a = Make("a", true), b = Make("b", true);
  std::vector<std::string> keys;
  for (int i = 0; i < 30; ++i) keys.push_back(TopicKey(kApp1, "t.s" + std::to_string(i)));
  ASSERT_TRUE(a->Start(in_a.Handler()).ok());
  ASSERT_TRUE(b->Start(in_b.Handler()).ok());
  for (const auto& k : keys) b->SetInterest(k, true);
  ASSERT_TRUE(Subscribed(*b, keys.back()));
  ASSERT_TRUE(WaitUntil([&] { return List(redis_.port(), {"PUBSUB", "SHARDCHANNELS", "realtime:event:*"}).size() == 30; }, 5s));
  EXPECT_TRUE(Channels().empty());  // nothing on classic Pub/Sub
  EXPECT_EQ(List(redis_.port(), {"PUBSUB", "SHARDCHANNELS", "realtime:control"}),
            (std::vector<std::string>{"realtime:control"}));
  for (int i = 0; i < 30; ++i) a->Publish({kApp1, "t.s" + std::to_string(i), "{\"i\":" + std::to_string(i) + "}"});
  ASSERT_TRUE(in_b.WaitFor(30));
  EXPECT_EQ(in_b.Messages()[29].event_json, R"({"i":29})");
  EXPECT_GE(Calls(redis_, "spublish"), 30);
  EXPECT_EQ(Calls(redis_, "publish"), 0);
  b->SetInterest(keys[0], false);
  ASSERT_TRUE(WaitUntil([&] { return List(redis_.port(), {"PUBSUB", "SHARDCHANNELS", "realtime:event:*"}).size() == 29; }, 5s));
}

}  // namespace
}  // namespace rt::testing
