#include "monitor/socket_journal.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace rt::monitor {
namespace {

const Scope kApp{"app1", "development"};
const Scope kOther{"app1", "production"};

events::ClientInfo Ws(std::string ip = "10.0.0.1") { return {"websocket", "", std::move(ip), "test-agent/1.0"}; }

TEST(SocketJournal, RecordsALiveConnectionWithItsChannelsAndSubscriptions) {
  SocketJournal j({"inst_1"});
  j.OnConnect("s1", kApp, "alice", {"socket.io", "polling", "127.0.0.1", "agent"});
  j.OnSubscribe("s1", "sub_1", "orders.created", boost::json::parse(R"({"campusId":12})"), "diff");
  j.OnSubscribe("s1", "sub_2", "orders.updated", nullptr, "full");
  j.OnJoin("s1", "room1");
  j.OnTransport("s1", "websocket");

  auto r = j.Find("s1");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->live());
  EXPECT_EQ(r->engine_transport, "websocket");
  EXPECT_EQ(r->instance, "inst_1");
  ASSERT_EQ(r->subscriptions.size(), 2u);
  EXPECT_EQ(r->subscriptions[0].filter_json, R"({"campusId":12})");
  EXPECT_EQ(r->subscriptions[1].filter_json, "");

  auto o = SocketJournal::ToJson(*r, false);
  EXPECT_EQ(o.at("socketId"), "s1");
  EXPECT_EQ(o.at("transport"), "socket.io");
  EXPECT_EQ(o.at("engineTransport"), "websocket");
  EXPECT_EQ(o.at("remoteAddress"), "127.0.0.1");
  EXPECT_EQ(o.at("userAgent"), "agent");
  EXPECT_EQ(o.at("subject"), "alice");
  EXPECT_EQ(o.at("channels"), boost::json::parse(R"(["room1"])"));
  const auto& subs = o.at("subscriptions").as_array();
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0].at("filter"), boost::json::parse(R"({"campusId":12})"));
  EXPECT_EQ(subs[0].at("returnMode"), "diff");
  EXPECT_TRUE(subs[1].at("filter").is_null());
  EXPECT_FALSE(o.contains("closedAt"));
  EXPECT_FALSE(o.contains("subscriptionHistory"));

  j.OnLeave("s1", "room1");
  EXPECT_TRUE(j.Find("s1")->channels.empty());
}

TEST(SocketJournal, KeepsEndedSubscriptionsPerConnectionUpToItsBound) {
  SocketJournal j({"i", 100, 64u << 20, 2});
  j.OnConnect("s1", kApp, "alice", Ws());
  j.OnSubscribe("s1", "keep", "t.keep", nullptr, "full");
  for (int i = 0; i < 5; ++i) {
    std::string id = "sub_" + std::to_string(i);
    j.OnSubscribe("s1", id, "t", nullptr, "full");
    j.OnUnsubscribe("s1", id, "unsubscribed");
  }
  auto r = j.Find("s1");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->subscriptions.size(), 3u);  // the active one and the two newest ended ones
  EXPECT_EQ(r->subscriptions[0].subscription_id, "keep");
  EXPECT_EQ(r->subscriptions[0].unsubscribed_at, 0);
  EXPECT_EQ(r->subscriptions[1].subscription_id, "sub_3");
  EXPECT_EQ(r->subscriptions[2].subscription_id, "sub_4");
  EXPECT_NE(r->subscriptions[2].unsubscribed_at, 0);
  EXPECT_EQ(r->subscriptions[2].end_reason, "unsubscribed");
  EXPECT_EQ(r->history_dropped, 3u);

  // Closing ends the active subscriptions at closedAt; the record keeps them.
  j.OnDisconnect("s1", 1000, "");
  r = j.Find("s1");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->live());
  EXPECT_EQ(r->close_reason, "client closed");
  ASSERT_EQ(r->subscriptions.size(), 2u);  // still at most two ended ones: those that ended last
  EXPECT_EQ(r->subscriptions[0].subscription_id, "keep");
  EXPECT_EQ(r->subscriptions[0].unsubscribed_at, r->closed_at);
  EXPECT_EQ(r->subscriptions[0].end_reason, "disconnected");
  EXPECT_EQ(r->subscriptions[1].subscription_id, "sub_4");
  EXPECT_EQ(r->history_dropped, 4u);
  auto o = SocketJournal::ToJson(*r, true);
  EXPECT_EQ(o.at("closeReason"), "client closed");
  EXPECT_EQ(o.at("subscriptionHistory").as_array().size(), 2u);
  EXPECT_TRUE(o.at("subscriptions").as_array().empty());
}

TEST(SocketJournal, SubscriptionAndConnectionIntervalsAnswerForAPastInstant) {
  SubscriptionRecord s;
  s.subscribed_at = 1000;
  EXPECT_FALSE(s.ActiveAt(999));
  EXPECT_TRUE(s.ActiveAt(1000));
  EXPECT_TRUE(s.ActiveAt(5000));
  s.unsubscribed_at = 2000;
  EXPECT_TRUE(s.ActiveAt(1999));
  EXPECT_FALSE(s.ActiveAt(2000));
  ConnectionRecord c;
  c.connected_at = 1000;
  c.closed_at = 3000;
  EXPECT_TRUE(c.ConnectedAt(2999));
  EXPECT_FALSE(c.ConnectedAt(3000));
  EXPECT_FALSE(c.ConnectedAt(500));
}

TEST(SocketJournal, TheClosedRingKeepsTheNewestWithinItsCountAndBytes) {
  SocketJournal j({"i", 3, 64u << 20, 100});
  for (int i = 0; i < 5; ++i) {
    std::string id = "s" + std::to_string(i);
    j.OnConnect(id, kApp, "bob", Ws());
    j.OnDisconnect(id, 4008, "slow consumer: send queue limit exceeded");
  }
  EXPECT_FALSE(j.Find("s0").has_value());
  EXPECT_FALSE(j.Find("s1").has_value());
  for (const char* id : {"s2", "s3", "s4"}) {
    auto r = j.Find(id);
    ASSERT_TRUE(r.has_value()) << id;
    EXPECT_EQ(r->close_reason, "slow consumer");
    EXPECT_EQ(r->close_code, 4008);
  }
  EXPECT_EQ(j.stats().closed, 3u);
  EXPECT_EQ(j.stats().live, 0u);
  auto mine = j.BySubject(kApp, "bob");  // newest first
  ASSERT_EQ(mine.size(), 3u);
  EXPECT_EQ(mine[0].socket_id, "s4");

  // A byte bound smaller than two records keeps only the newest.
  SocketJournal small({"i", 100, 600, 100});
  for (const char* id : {"a", "b", "c"}) {
    small.OnConnect(id, kApp, "x", Ws());
    small.OnSubscribe(id, "sub", std::string(200, 't'), nullptr, "full");
    small.OnDisconnect(id, 1001, "");
  }
  EXPECT_EQ(small.stats().closed, 1u);
  EXPECT_TRUE(small.Find("c").has_value());
  EXPECT_FALSE(small.Find("b").has_value());
}

TEST(SocketJournal, AReconnectedSocketIdIsFoundLiveThenItsNewestClosedRecord) {
  SocketJournal j({"i"});
  j.OnConnect("s1", kApp, "a", Ws());
  j.OnDisconnect("s1", 1006, "connection lost");
  j.OnConnect("s1", kApp, "a", Ws("10.0.0.2"));
  EXPECT_TRUE(j.Find("s1")->live());
  j.OnDisconnect("s1", 1012, "server restart");
  EXPECT_EQ(j.Find("s1")->close_reason, "server shutdown");
}

TEST(SocketJournal, QueriesAndTrafficAreScoped) {
  SocketJournal j({"i"});
  std::vector<std::string> mine, theirs;
  j.AddListener(kApp, [&](const TrafficItem& item) {
    mine.push_back(item.type);
    return true;
  });
  j.AddListener(kOther, [&](const TrafficItem& item) {
    theirs.push_back(item.json);
    return true;
  });
  j.OnConnect("s1", kApp, "alice", Ws());
  j.OnSubscribe("s1", "sub_1", "t", nullptr, "full");
  j.OnConnect("s2", kOther, "alice", Ws());
  j.OnBroadcast(kApp, "", "room", "msg", "evt_1");
  j.OnDisconnect("s1", 1000, "");

  EXPECT_EQ(mine, (std::vector<std::string>{"connect", "subscribe", "broadcast", "disconnect"}));
  ASSERT_EQ(theirs.size(), 1u);
  auto item = boost::json::parse(theirs[0]).as_object();
  EXPECT_EQ(item.at("type"), "connect");
  EXPECT_EQ(item.at("socketId"), "s2");
  EXPECT_EQ(item.at("environment"), "production");
  EXPECT_TRUE(item.at("at").is_int64());

  ASSERT_EQ(j.Live(kOther).size(), 1u);
  EXPECT_EQ(j.Live(kOther)[0].socket_id, "s2");
  EXPECT_TRUE(j.Live(kApp).empty());
  EXPECT_EQ(j.BySubject(kApp, "alice").size(), 1u);  // s1, closed
  EXPECT_EQ(j.BySubject(kOther, "alice").size(), 1u);
  EXPECT_TRUE(j.BySubject(Scope{"app2", "development"}, "alice").empty());
}

TEST(SocketJournal, AListenerThatFallsBehindIsDroppedAndTheOthersContinue) {
  SocketJournal j({"i"});
  size_t slow_calls = 0;
  size_t fast_calls = 0;
  constexpr size_t kSlowBound = 3;  // a reader that never drains its 3-line queue
  j.AddListener(kApp, [&](const TrafficItem&) { return ++slow_calls <= kSlowBound; });
  uint64_t fast = j.AddListener(kApp, [&](const TrafficItem&) {
    ++fast_calls;
    return true;
  });
  for (int i = 0; i < 10; ++i) j.OnConnect("s" + std::to_string(i), kApp, "", Ws());
  EXPECT_EQ(slow_calls, kSlowBound + 1);  // the refused item, then never asked again
  EXPECT_EQ(fast_calls, 10u);
  EXPECT_EQ(j.stats().listeners, 1u);
  EXPECT_EQ(j.stats().listeners_dropped, 1u);
  EXPECT_EQ(j.stats().live, 10u);  // the gateways' records are unaffected

  j.RemoveListener(fast);
  j.RemoveListener(fast);  // idempotent
  j.OnConnect("late", kApp, "", Ws());
  EXPECT_EQ(fast_calls, 10u);
  EXPECT_EQ(j.stats().listeners, 0u);
}

TEST(SocketJournal, UnknownSocketsAreIgnored) {
  SocketJournal j({"i"});
  j.OnSubscribe("nobody", "sub", "t", nullptr, "full");
  j.OnUnsubscribe("nobody", "sub", "unsubscribed");
  j.OnJoin("nobody", "c");
  j.OnDisconnect("nobody", 1000, "");
  EXPECT_FALSE(j.Find("nobody").has_value());
  EXPECT_EQ(j.stats().closed, 0u);
}

TEST(ClassifyClose, NamesWhyAConnectionEnded) {
  EXPECT_STREQ(ClassifyClose(1000, ""), "client closed");
  EXPECT_STREQ(ClassifyClose(1005, ""), "client closed");
  EXPECT_STREQ(ClassifyClose(1006, "connection lost"), "connection lost");
  EXPECT_STREQ(ClassifyClose(4008, "slow consumer: send queue limit exceeded"), "slow consumer");
  EXPECT_STREQ(ClassifyClose(4001, "token expired"), "token expired");
  EXPECT_STREQ(ClassifyClose(4001, "signing key revoked"), "token revoked");
  EXPECT_STREQ(ClassifyClose(4000, "idle timeout"), "ping timeout");
  EXPECT_STREQ(ClassifyClose(1012, "server restart"), "server shutdown");
  EXPECT_STREQ(ClassifyClose(4029, "flooding"), "flooding");
  EXPECT_STREQ(ClassifyClose(1009, ""), "protocol error");
  // Socket.IO: no close code, the Engine.IO / Socket.IO reason.
  EXPECT_STREQ(ClassifyClose(0, "transport close"), "client closed");
  EXPECT_STREQ(ClassifyClose(0, "forced close"), "client closed");
  EXPECT_STREQ(ClassifyClose(0, "client namespace disconnect"), "client closed");
  EXPECT_STREQ(ClassifyClose(0, "ping timeout"), "ping timeout");
  EXPECT_STREQ(ClassifyClose(0, "slow consumer: polling queue limit exceeded"), "slow consumer");
  EXPECT_STREQ(ClassifyClose(0, "token revoked: token expired"), "token expired");
  EXPECT_STREQ(ClassifyClose(0, "token revoked: application deleted"), "token revoked");
  EXPECT_STREQ(ClassifyClose(0, "flooding"), "flooding");
  EXPECT_STREQ(ClassifyClose(0, "server shutdown"), "server shutdown");
  EXPECT_STREQ(ClassifyClose(0, "transport error"), "connection lost");
  EXPECT_STREQ(ClassifyClose(0, "parse error"), "protocol error");
  EXPECT_STREQ(ClassifyClose(0, "connect timeout"), "other");
}

}  // namespace
}  // namespace rt::monitor
