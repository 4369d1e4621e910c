#include "broker/broker.h"

#include <gtest/gtest.h>

namespace rt::broker {
namespace {

BrokerMessage Sample() { return {{"app_1", "production"}, "orders.created", R"({"id":"evt_1","data":{"n":1}})"}; }

TEST(BrokerCodec, RoundTripsEveryField) {
  std::string wire = EncodeBrokerMessage("inst-a", Sample());
  EXPECT_EQ(wire, "v1\ninst-a\napp_1\nproduction\norders.created\n{\"id\":\"evt_1\",\"data\":{\"n\":1}}");
  std::string origin;
  BrokerMessage m;
  ASSERT_TRUE(DecodeBrokerMessage(wire, &origin, &m));
  EXPECT_EQ(origin, "inst-a");
  EXPECT_EQ(m.scope, (Scope{"app_1", "production"}));
  EXPECT_EQ(m.topic, "orders.created");
  EXPECT_EQ(m.event_json, Sample().event_json);
}

TEST(BrokerCodec, EventJsonMayContainNewlinesAndAnyBytes) {
  BrokerMessage in = Sample();
  in.event_json = "{\"text\":\"line1\nline2\"}\n\r";
  in.event_json += '\0';
  in.event_json += '\xff';
  std::string origin;
  BrokerMessage out;
  ASSERT_TRUE(DecodeBrokerMessage(EncodeBrokerMessage("o", in), &origin, &out));
  EXPECT_EQ(out.event_json, in.event_json);
}

TEST(BrokerCodec, EmptyEventJsonRoundTrips) {
  BrokerMessage in = Sample();
  in.event_json.clear();
  std::string origin;
  BrokerMessage out;
  ASSERT_TRUE(DecodeBrokerMessage(EncodeBrokerMessage("o", in), &origin, &out));
  EXPECT_EQ(out.event_json, "");
}

TEST(BrokerCodec, RejectsBadInput) {
  const char* bad[] = {
      "",                            // nothing
      "v1",                          // no fields
      "v1\no\napp\nenv\ntopic",      // no newline before the event
      "v2\no\napp\nenv\ntopic\n{}",  // unknown version
      "V1\no\napp\nenv\ntopic\n{}",  // version is case-sensitive
      "v1\n\napp\nenv\ntopic\n{}",   // empty origin
      "v1\no\n\nenv\ntopic\n{}",     // empty application
      "v1\no\napp\n\ntopic\n{}",     // empty environment
      "v1\no\napp\nenv\n\n{}",       // empty topic
      "{\"id\":\"evt_1\"}",          // a bare event (not a broker message)
      "hello world",                 // garbage
  };
  for (const char* wire : bad) {
    std::string origin = "untouched";
    BrokerMessage m;
    EXPECT_FALSE(DecodeBrokerMessage(wire, &origin, &m)) << wire;
    EXPECT_EQ(origin, "untouched") << wire;
  }
}

}  // namespace
}  // namespace rt::broker
