#include "api/debugger_traces_api.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace rt::api {
namespace {

net::HttpRequest Req(net::HeaderList query) {
  net::HttpRequest r;
  r.query = std::move(query);
  return r;
}

store::TraceRow Row(const char* instance, int64_t subs, int64_t delivered, int64_t filtered, bool remote) {
  store::TraceRow t;
  t.trace_id = "trace_abc";
  t.instance = instance;
  t.event_id = "evt_abc";
  t.topic = "orders";
  t.source = "socket";
  t.type = "order.created";
  t.payload = R"({"n":1})";
  t.timestamp = 1710000000000;
  t.remote = remote;
  t.subscriber_count = subs;
  t.delivered_count = delivered;
  t.filtered_count = filtered;
  return t;
}

TEST(DebuggerTraces, ParsesTheQueryWithDefaultsAndLimits) {
  Scope s{"app_a", "staging"};
  auto d = ParseTraceQuery(Req({}), s);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->application_id, "app_a");
  EXPECT_EQ(d->environment, "staging");
  EXPECT_EQ(d->limit, 50);
  EXPECT_EQ(d->offset, 0);
  EXPECT_FALSE(d->topic);
  EXPECT_FALSE(d->source);
  auto q = ParseTraceQuery(Req({{"topic", "orders"}, {"source", "sync"}, {"limit", "1000"}, {"offset", "7"}}), s);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(*q->topic, "orders");
  EXPECT_EQ(*q->source, "sync");
  EXPECT_EQ(q->limit, 1000);
  EXPECT_EQ(q->offset, 7);
  using Param = std::pair<std::string, std::string>;
  for (const Param& bad : std::vector<Param>{Param("limit", "0"), Param("limit", "1001"), Param("limit", "ten"),
                                             Param("offset", "-1"), Param("source", "email")}) {
    auto r = ParseTraceQuery(Req(net::HeaderList{bad}), s);
    ASSERT_FALSE(r.ok()) << bad.first << "=" << bad.second;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation);
  }
}

TEST(DebuggerTraces, ListAndDetailShapes) {
  auto list = TraceJson(Row("", 3, 2, 1, false));
  EXPECT_EQ(list, boost::json::parse(R"({"traceId":"trace_abc","eventId":"evt_abc","topic":"orders",
      "source":"socket","type":"order.created","payload":{"n":1},"timestamp":1710000000000,
      "routingResult":{"subscriberCount":3,"deliveredCount":2,"filteredCount":1}})")
                      .as_object());
  auto detail = TraceDetailJson({Row("inst_1", 2, 1, 1, false), Row("inst_2", 1, 1, 0, true)});
  EXPECT_EQ(detail.at("routingResult"),
            boost::json::parse(R"({"subscriberCount":3,"deliveredCount":2,"filteredCount":1})"));
  EXPECT_EQ(detail.at("instances"), boost::json::parse(R"([
      {"subscriberCount":2,"deliveredCount":1,"filteredCount":1,"instance":"inst_1","remote":false},
      {"subscriberCount":1,"deliveredCount":1,"filteredCount":0,"instance":"inst_2","remote":true}])"));
  EXPECT_EQ(detail.at("payload"), boost::json::parse(R"({"n":1})"));
}

}  // namespace
}  // namespace rt::api
