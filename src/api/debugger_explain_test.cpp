#include "api/debugger_explain.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace rt::api {
namespace {

store::TraceRow Row(const char* decisions = "{}") {
  store::TraceRow r;
  r.trace_id = "trace_1";
  r.instance = "inst_a";
  r.event_id = "evt_1";
  r.application_id = "app";
  r.environment = "development";
  r.topic = "orders";
  r.source = "socket";
  r.type = "order.created";
  r.payload = R"({"kind":"a"})";
  r.timestamp = 1000;
  r.decisions = decisions;
  return r;
}

monitor::ConnectionRecord Conn() {
  monitor::ConnectionRecord c;
  c.socket_id = "sock_1";
  c.scope = {"app", "development"};
  c.instance = "inst_a";
  c.connected_at = 500;
  c.subscriptions.push_back({"sub_1", "orders", R"({"kind":"a"})", "full", 600, 0, ""});
  return c;
}

std::string Reason(const boost::json::object& o) { return std::string(o.at("reason").as_string()); }

TEST(Explain, TheFirstBlockingCheckInOrder) {
  auto c = Conn();
  EXPECT_EQ(Reason(ExplainDelivery({Row()}, c)), "delivered");
  EXPECT_EQ(ExplainDelivery({Row()}, c).at("checks").as_array().back().at("evidence"), "inferred");

  auto late = Conn();
  late.connected_at = 1001;
  EXPECT_EQ(Reason(ExplainDelivery({Row()}, late)), "not_connected");

  auto closed = Conn();
  closed.closed_at = 900;
  closed.close_reason = "token expired";
  auto r = ExplainDelivery({Row()}, closed);
  EXPECT_EQ(Reason(r), "disconnected");
  EXPECT_NE(std::string(r.at("message").as_string()).find("token expired"), std::string::npos);

  auto ended = Conn();
  ended.subscriptions[0].unsubscribed_at = 1000;  // unsubscribed at that very instant: not active
  EXPECT_EQ(Reason(ExplainDelivery({Row()}, ended)), "not_subscribed");
  auto later = Conn();
  later.subscriptions[0].subscribed_at = 1001;
  EXPECT_EQ(Reason(ExplainDelivery({Row()}, later)), "not_subscribed");

  auto other_env = Conn();
  other_env.scope.environment = "staging";
  EXPECT_EQ(Reason(ExplainDelivery({Row()}, other_env)), "wrong_environment");

  auto filtered = Conn();
  filtered.subscriptions[0].filter_json = R"({"kind":"b"})";
  EXPECT_EQ(Reason(ExplainDelivery({Row()}, filtered)), "filter_mismatch");
  auto no_filter = Conn();
  no_filter.subscriptions[0].filter_json = "";
  EXPECT_EQ(Reason(ExplainDelivery({Row()}, no_filter)), "delivered");
}

TEST(Explain, SlowConsumerFromTheTraceOrFromTheConnectionsEnd) {
  auto c = Conn();
  auto dropped = ExplainDelivery({Row(R"({"decisions":[{"subscriptionId":"sub_1","verdict":"dropped"}],"omitted":0})")}, c);
  EXPECT_EQ(Reason(dropped), "slow_consumer");
  auto delivered = ExplainDelivery({Row(R"({"decisions":[{"subscriptionId":"sub_1","verdict":"delivered"}],"omitted":0})")}, c);
  EXPECT_EQ(Reason(delivered), "delivered");
  EXPECT_EQ(delivered.at("checks").as_array().back().at("evidence"), "trace");
  auto closed_slow = Conn();
  closed_slow.closed_at = 1200;
  closed_slow.close_reason = "slow consumer";
  EXPECT_EQ(Reason(ExplainDelivery({Row()}, closed_slow)), "slow_consumer");
}

TEST(Explain, ConnectionRecordsSurviveTheWire) {
  auto c = Conn();
  c.closed_at = 77;
  c.close_code = 4008;
  c.close_reason = "slow consumer";
  c.subject = "alice";
  c.channels.push_back({"room", 3});
  auto back = ConnectionFromWire(boost::json::value(ConnectionToWire(c)));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(boost::json::serialize(ConnectionToWire(*back)), boost::json::serialize(ConnectionToWire(c)));
  EXPECT_FALSE(ConnectionFromWire(boost::json::parse(R"({"nope":1})")).has_value());
}

}  // namespace
}  // namespace rt::api
