// RespConnection against the Redis of REALTIME_TEST_REDIS_URL: handshake, pipelining, reply
// types, failures. Each test runs its own io_context on the test thread.
#include "broker/resp_connection.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <optional>

#include "backends.h"
#include "core/ids.h"

namespace rt::testing {
namespace {

using broker::RespConnection;
using broker::RespReply;
using namespace std::chrono_literals;

class RespConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RT_REQUIRE_BROKER_BACKEND(BrokerBackend::kRedis);
    auto ep = broker::ParseRedisUrl(RedisUrl());
    ASSERT_TRUE(ep.ok());
    endpoint_ = *ep;
  }

  // Connects conn and runs the io_context until the handshake is over.
  Status Connect(RespConnection& conn, broker::RedisEndpoint ep) {
    std::optional<Status> result;
    conn.Connect(ep, 2s, [&](Status s) { result = std::move(s); });
    while (!result && ioc_.run_one_for(5s)) {
    }
    return result ? *result : Status(Error::Internal("no Connect result"));
  }

  boost::asio::io_context ioc_;
  broker::RedisEndpoint endpoint_;
};

TEST_F(RespConnectionTest, PipelinedCommandsCompleteInOrderWithEveryReplyType) {
  RespConnection conn(ioc_);
  // Queued before Connect: sent after the handshake.
  std::string key = NewId("resp");
  std::vector<RespReply> replies;
  auto keep = [&](Result<RespReply> r) {
    ASSERT_TRUE(r.ok());
    replies.push_back(std::move(*r));
  };
  conn.Command({"SET", key, "v\r\n1"}, keep);
  ASSERT_TRUE(Connect(conn, endpoint_).ok());
  EXPECT_TRUE(conn.connected());
  conn.Command({"GET", key}, keep);
  conn.Command({"GET", key + ":missing"}, keep);
  for (int i = 0; i < 100; ++i) conn.Command({"INCR", key + ":n"}, i == 99 ? keep : RespConnection::ReplyCallback());
  conn.Command({"NO-SUCH-COMMAND"}, keep);
  conn.Command({"MGET", key, key + ":missing"}, keep);
  conn.Command({"DEL", key, key + ":n"}, [&](Result<RespReply> r) {
    keep(std::move(r));
    conn.Close();  // lets run() return
  });
  EXPECT_GT(conn.pending(), 0u);
  ioc_.run_for(5s);

  ASSERT_EQ(replies.size(), 7u);
  EXPECT_EQ(replies[0].type, RespReply::Type::kStatus);
  EXPECT_EQ(replies[0].str, "OK");
  EXPECT_EQ(replies[1].type, RespReply::Type::kString);
  EXPECT_EQ(replies[1].str, "v\r\n1");
  EXPECT_EQ(replies[2].type, RespReply::Type::kNil);
  EXPECT_EQ(replies[3].type, RespReply::Type::kInteger);
  EXPECT_EQ(replies[3].integer, 100);
  EXPECT_TRUE(replies[4].is_error());
  ASSERT_EQ(replies[5].type, RespReply::Type::kArray);
  ASSERT_EQ(replies[5].elements.size(), 2u);
  EXPECT_EQ(replies[5].elements[1].type, RespReply::Type::kNil);
  EXPECT_EQ(replies[6].integer, 2);
}

TEST_F(RespConnectionTest, SelectsTheDatabaseFromTheUrl) {
  auto ep = endpoint_;
  ep.db = 5;
  RespConnection conn(ioc_);
  ASSERT_TRUE(Connect(conn, ep).ok());
  std::string db;
  conn.Command({"CLIENT", "INFO"}, [&](Result<RespReply> r) {
    ASSERT_TRUE(r.ok());
    db = r->str;
    conn.Close();
  });
  ioc_.run_for(5s);
  EXPECT_NE(db.find(" db=5 "), std::string::npos) << db;
}

TEST_F(RespConnectionTest, FailedAuthAndRefusedConnectionAreUnavailable) {
  auto ep = endpoint_;
  ep.password = "wrong";  // the test server has no password: AUTH is an error
  RespConnection auth(ioc_);
  auto s = Connect(auth, ep);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(s.error().message.find("AUTH"), std::string::npos) << s.error().message;
  EXPECT_FALSE(auth.connected());

  ep = endpoint_;
  ep.port = 1;  // nothing listens there
  RespConnection refused(ioc_);
  s = Connect(refused, ep);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
}

TEST_F(RespConnectionTest, LossFailsPendingCommandsThenCallsTheCloseHandler) {
  RespConnection conn(ioc_);
  ASSERT_TRUE(Connect(conn, endpoint_).ok());
  std::vector<std::string> events;
  conn.SetCloseHandler([&](const Error& e) { events.push_back("closed: " + e.message); });
  // Redis answers QUIT, closes the connection and never answers the PING pipelined behind it.
  conn.Command({"QUIT"}, [&](Result<RespReply> r) { events.push_back(r.ok() ? "quit ok" : "quit failed"); });
  conn.Command({"PING"}, [&](Result<RespReply> r) { events.push_back(r.ok() ? "ping ok" : "ping failed"); });
  ioc_.run_for(5s);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0], "quit ok");
  EXPECT_EQ(events[1], "ping failed");
  EXPECT_EQ(events[2].rfind("closed: ", 0), 0u) << events[2];
  EXPECT_FALSE(conn.connected());
  // After the loss, a new command fails (posted, not inline).
  bool failed = false;
  conn.Command({"PING"}, [&](Result<RespReply> r) { failed = !r.ok(); });
  EXPECT_FALSE(failed);
  ioc_.restart();
  ioc_.run_for(1s);
  EXPECT_TRUE(failed);
}

}  // namespace
}  // namespace rt::testing
