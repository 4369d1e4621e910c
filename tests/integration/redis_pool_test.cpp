// RedisPool (the blocking client of the sync document cache) against a private redis-server:
// AUTH + SELECT from the URL, scripts surviving SCRIPT FLUSH and restarts, pipelining, recovery
// after a restart, and kUnavailable while Redis is down.
#include "broker/redis_pool.h"

#include <gtest/gtest.h>

#include <thread>

#include "redis_process.h"

namespace rt::testing {
namespace {

using namespace std::chrono_literals;

class RedisPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!RedisProcess::Available()) {
      if (std::getenv("REALTIME_REQUIRE_REDIS")) FAIL() << "redis-server not found on PATH";
      GTEST_SKIP() << "redis-server not found on PATH";
    }
  }
};

TEST_F(RedisPoolTest, AuthSelectScriptsAndPipelines) {
  RedisProcess redis({"--requirepass", "pw"});
  ASSERT_TRUE(redis.Start());
  auto pool = broker::RedisPool::Create({"redis://:pw@127.0.0.1:" + std::to_string(redis.port()) + "/3", 2});
  ASSERT_TRUE(pool.ok()) << pool.error().message;
  ASSERT_TRUE((*pool)->Command({"SET", "k", "v"}).ok());
  auto db = (*pool)->Command({"CLIENT", "INFO"});
  ASSERT_TRUE(db.ok());
  EXPECT_NE(db->str.find("db=3"), std::string::npos) << db->str;

  broker::RedisScript script("return redis.call('GET', KEYS[1]) .. ARGV[1]");
  EXPECT_EQ(script.sha1.size(), 40u);
  auto r = (*pool)->Eval(script, {"k"}, {"!"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->str, "v!");
  ASSERT_TRUE((*pool)->Command({"SCRIPT", "FLUSH"}).ok());
  EXPECT_EQ((*pool)->Eval(script, {"k"}, {"?"})->str, "v?") << "reloaded after NOSCRIPT";
  broker::RedisScript broken("return redis.call('NOPE')");
  auto failed = (*pool)->Eval(broken, {}, {});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kInternal);

  auto replies = (*pool)->Pipeline({{"INCR", "n"}, {"INCR", "n"}, {"GET", "missing"}, {"HGET", "k", "f"}});
  ASSERT_TRUE(replies.ok());
  EXPECT_EQ((*replies)[1].integer, 2);
  EXPECT_EQ((*replies)[2].type, broker::RespReply::Type::kNil);
  EXPECT_TRUE((*replies)[3].is_error()) << "WRONGTYPE is a reply, not a failure";
}

TEST_F(RedisPoolTest, WrongPasswordAndDownAreUnavailable) {
  RedisProcess redis({"--requirepass", "pw"});
  ASSERT_TRUE(redis.Start());
  auto wrong = broker::RedisPool::Create({"redis://:nope@127.0.0.1:" + std::to_string(redis.port()), 1});
  EXPECT_EQ((*wrong)->Command({"PING"}).error().code, ErrorCode::kUnavailable);
  auto down = broker::RedisPool::Create({"redis://127.0.0.1:1", 1, 200ms, 200ms});
  EXPECT_EQ((*down)->Command({"PING"}).error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(broker::RedisPool::Create({"rediss://127.0.0.1"}).error().code, ErrorCode::kValidation);
}

TEST_F(RedisPoolTest, RecoversAfterARestart) {
  RedisProcess redis;
  ASSERT_TRUE(redis.Start());
  auto pool = broker::RedisPool::Create({"redis://127.0.0.1:" + std::to_string(redis.port()), 4, 500ms, 500ms});
  ASSERT_TRUE((*pool)->Command({"PING"}).ok());
  redis.Kill();
  EXPECT_EQ((*pool)->Command({"PING"}).error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE(redis.Start());
  EXPECT_TRUE((*pool)->Command({"SET", "after", "1"}).ok()) << "a fresh connection after the failure";
  std::this_thread::sleep_for(2100ms);  // idle connections get a PING before use
  redis.Kill();
  ASSERT_TRUE(redis.Start());
  std::this_thread::sleep_for(2100ms);
  EXPECT_TRUE((*pool)->Command({"PING"}).ok()) << "a stale idle connection is replaced without a failed command";
}

}  // namespace
}  // namespace rt::testing
