// Pure parts of the Redis client (no server): URL parsing, command encoding, and the start-up
// checks of RedisBroker that fail before any network I/O.
#include "broker/resp_connection.h"

#include <gtest/gtest.h>

#include "broker/redis_broker.h"

namespace rt::broker {
namespace {

TEST(RedisUrl, DefaultsAndFullForm) {
  auto plain = ParseRedisUrl("redis://localhost");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->host, "localhost");
  EXPECT_EQ(plain->port, 6379);
  EXPECT_EQ(plain->db, 0);
  EXPECT_TRUE(plain->password.empty());
  EXPECT_FALSE(plain->tls);

  auto full = ParseRedisUrl("redis://alice:s%40cret@10.0.0.5:7000/3");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->host, "10.0.0.5");
  EXPECT_EQ(full->port, 7000);
  EXPECT_EQ(full->user, "alice");
  EXPECT_EQ(full->password, "s@cret");
  EXPECT_EQ(full->db, 3);
  EXPECT_EQ(full->Describe(), "10.0.0.5:7000/3");  // no credentials
}

TEST(RedisUrl, PasswordOnlyIpv6AndTls) {
  auto pw = ParseRedisUrl("redis://:pw@127.0.0.1:56379");
  ASSERT_TRUE(pw.ok());
  EXPECT_EQ(pw->user, "");
  EXPECT_EQ(pw->password, "pw");

  auto v6 = ParseRedisUrl("redis://[::1]:6380/1");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->Describe(), "[::1]:6380/1");

  auto tls = ParseRedisUrl("rediss://host");
  ASSERT_TRUE(tls.ok());
  EXPECT_TRUE(tls->tls);
}

TEST(RedisUrl, RejectsBadUrls) {
  for (const char* url : {"", "localhost:6379", "http://localhost", "redis://host:0", "redis://host:70000",
                          "redis://host:abc", "redis://host/x", "redis://host/-1", "redis://host/1/2"}) {
    auto r = ParseRedisUrl(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation) << url;
  }
}

TEST(RespEncode, ArrayOfBulkStrings) {
  EXPECT_EQ(EncodeCommand({"PING"}), "*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(EncodeCommand({"SET", "k", ""}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
  // Binary-safe: CR, LF and NUL travel inside a bulk string.
  std::string bin("a\r\n\0b", 5);
  EXPECT_EQ(EncodeCommand({"PUBLISH", "c", bin}),
            std::string("*3\r\n$7\r\nPUBLISH\r\n$1\r\nc\r\n$5\r\na\r\n\0b\r\n", 35));
  std::string out = "prefix";
  AppendCommand(&out, {"GET", "k"});
  EXPECT_EQ(out, "prefix*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
}

TEST(RedisBrokerStart, RejectsTlsAndBadUrlsWithoutNetwork) {
  RedisBroker tls("rediss://127.0.0.1:6379", "inst");
  auto s = tls.Start([](BrokerMessage&&) {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kValidation);
  EXPECT_NE(s.error().message.find("TLS"), std::string::npos);

  RedisBroker bad("nonsense", "inst");
  EXPECT_FALSE(bad.Start([](BrokerMessage&&) {}).ok());
  bad.Stop();
  bad.Stop();
  EXPECT_EQ(bad.Name(), "redis");

  RedisBroker anonymous("redis://127.0.0.1:6379", "");
  EXPECT_FALSE(anonymous.Start([](BrokerMessage&&) {}).ok());
}

TEST(RedisBrokerPublish, DropsMessagesTheWireFormatCannotCarry) {
  RedisBroker b("redis://127.0.0.1:6379", "inst");  // never started: nothing touches the network
  b.Publish({{"app", "development"}, "bad\ntopic", "{}"});
  b.Publish({{"", "development"}, "topic", "{}"});
  EXPECT_EQ(b.Stats().dropped, 2u);
  b.Publish({{"app", "development"}, "topic", "{}"});  // queued until Start
  EXPECT_EQ(b.Stats().dropped, 2u);
  EXPECT_FALSE(b.Stats().connected);
  b.Stop();
  EXPECT_EQ(b.Stats().dropped, 3u);  // still queued at Stop
}

}  // namespace
}  // namespace rt::broker
