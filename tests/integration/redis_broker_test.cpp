// RedisBroker under failure, against a private redis-server this test spawns, kills and restarts
// (never the shared test service): reconnection after a Redis restart, queueing while the
// publish connection is down, AUTH (user+password and password only) and SELECT.
#include "broker/redis_broker.h"

#include <gtest/gtest.h>

#include "broker_test_util.h"
#include "core/ids.h"
#include "redis_process.h"

namespace rt::testing {
namespace {

using broker::BrokerMessage;
using broker::RedisBroker;
using broker::RedisBrokerOptions;

class RedisBrokerFailure : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!RedisProcess::Available()) {
      if (std::getenv("REALTIME_REQUIRE_REDIS")) FAIL() << "redis-server not found on PATH";
      GTEST_SKIP() << "redis-server not found on PATH";
    }
  }
  BrokerMessage Msg(const std::string& json) { return {{"app_1", "development"}, "t.restart", json}; }
};

TEST_F(RedisBrokerFailure, ReconnectsAndResubscribesAfterRedisRestart) {
  RedisProcess redis({"--requirepass", "s3cret"});
  ASSERT_TRUE(redis.Start());
  std::string where = "127.0.0.1:" + std::to_string(redis.port()) + "/2";

  Inbox in_a("t."), in_b("t.");
  RedisBroker a("redis://default:s3cret@" + where, NewId("a"));  // AUTH user password
  RedisBroker b("redis://:s3cret@" + where, NewId("b"));         // AUTH password
  b.SetInterest(TopicKey({"app_1", "development"}, "t.restart"), true);
  ASSERT_TRUE(a.Start(in_a.Handler()).ok());
  ASSERT_TRUE(b.Start(in_b.Handler()).ok());
  ASSERT_TRUE(a.Stats().connected);
  ASSERT_TRUE(b.Stats().connected);

  a.Publish(Msg(R"({"phase":"before"})"));
  ASSERT_TRUE(in_b.WaitFor(1));

  redis.Kill();
  EXPECT_TRUE(WaitUntil([&] { return !a.Stats().connected && !b.Stats().connected; }, 5s));
  ASSERT_TRUE(redis.Start());

  // Publish until B has one of the messages sent after the restart (up to ~10 s): messages
  // flushed before B has re-subscribed are lost, as Pub/Sub promises nothing more.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  int sent = 0;
  while (in_b.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    a.Publish(Msg("{\"phase\":\"after\",\"n\":" + std::to_string(sent++) + "}"));
    in_b.WaitFor(2, 200ms);
  }
  ASSERT_GE(in_b.size(), 2u) << "no delivery after the restart; sent " << sent;
  EXPECT_EQ(in_b.Messages()[1].event_json.rfind(R"({"phase":"after")", 0), 0u);
  EXPECT_TRUE(WaitUntil([&] { return a.Stats().connected && b.Stats().connected; }, 5s));
  EXPECT_GT(a.Stats().reconnects, 0u);
  EXPECT_GT(b.Stats().reconnects, 0u);
  EXPECT_EQ(in_a.size(), 0u);

  // Killed again while stopping: Stop must not hang on a dead server.
  redis.Kill();
  a.Stop();
  b.Stop();
}

TEST_F(RedisBrokerFailure, QueuesWhileDisconnectedThenFlushesNewestInOrder) {
  RedisProcess redis;
  ASSERT_TRUE(redis.Start());
  // alice exists but is disabled: her broker cannot log in until she is enabled.
  ASSERT_EQ(redis.Command({"ACL", "SETUSER", "alice", "off", ">pw", "~*", "&*", "+@all"}), "OK");
  std::string where = "127.0.0.1:" + std::to_string(redis.port());

  Inbox in_a("t."), in_b("t.");
  RedisBroker b("redis://" + where, NewId("b"));
  b.SetInterest(broker::kAllEvents, true);
  ASSERT_TRUE(b.Start(in_b.Handler()).ok());
  ASSERT_TRUE(b.Stats().connected);

  RedisBrokerOptions options;
  options.url = "redis://alice:pw@" + where;
  options.instance_id = NewId("a");
  options.max_queued = 3;
  options.connect_timeout = 300ms;
  options.backoff_max = 200ms;
  RedisBroker a(options);
  ASSERT_TRUE(a.Start(in_a.Handler()).ok());  // not an error: it keeps retrying
  EXPECT_FALSE(a.Stats().connected);

  for (int i = 0; i < 5; ++i) a.Publish(Msg("{\"seq\":" + std::to_string(i) + "}"));
  EXPECT_EQ(a.Stats().dropped, 2u);  // the queue keeps the newest 3
  EXPECT_EQ(a.Stats().published, 0u);

  ASSERT_EQ(redis.Command({"ACL", "SETUSER", "alice", "on"}), "OK");
  ASSERT_TRUE(in_b.WaitFor(3, 10s));
  auto got = in_b.Messages();
  ASSERT_EQ(got.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(got[i].event_json, "{\"seq\":" + std::to_string(i + 2) + "}");
  EXPECT_TRUE(WaitUntil([&] { return a.Stats().connected; }, 5s));
  EXPECT_EQ(a.Stats().published, 3u);
  EXPECT_EQ(a.Stats().reconnects, 0u);  // never connected before: not a reconnection
}

TEST_F(RedisBrokerFailure, UndecodableMessagesAreCountedAsDropped) {
  RedisProcess redis;
  ASSERT_TRUE(redis.Start());
  Inbox in_b("t.");
  RedisBroker b("redis://127.0.0.1:" + std::to_string(redis.port()), NewId("b"));
  ASSERT_TRUE(b.Start(in_b.Handler()).ok());
  EXPECT_EQ(redis.Command({"PUBLISH", "realtime:control", "not a broker message"}), "1");
  EXPECT_TRUE(WaitUntil([&] { return b.Stats().dropped == 1; }, 5s));
  EXPECT_EQ(in_b.size(), 0u);
  EXPECT_EQ(b.Stats().received, 0u);
}

TEST_F(RedisBrokerFailure, StartWithUnreachableRedisReturnsAndStopsPromptly) {
  RedisProcess never;  // a free port nobody listens on
  Inbox in("t.");
  RedisBrokerOptions options;
  options.url = "redis://127.0.0.1:" + std::to_string(never.port());
  options.instance_id = NewId("a");
  options.connect_timeout = 200ms;
  RedisBroker a(options);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(a.Start(in.Handler()).ok());
  a.Publish(Msg("{}"));
  EXPECT_FALSE(a.Stats().connected);
  a.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_EQ(a.Stats().dropped, 1u);  // still queued at Stop
}

}  // namespace
}  // namespace rt::testing
