#include "events/event.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "events/routed_event.h"
#include "protocol/ws_frame.h"

namespace rt::events {
namespace {

RawEventInput Raw(const char* payload) {
  RawEventInput in;
  in.topic = "session.status";
  in.payload = boost::json::parse(payload).as_object();
  return in;
}

TEST(Normalizer, AssignsIdTimestampAndDefaultType) {
  auto e = Normalize(Raw(R"({"a":1})"), {}, 1710000000000);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->id.rfind("evt_", 0), 0u);
  EXPECT_EQ(e->type, "socket.publish");
  EXPECT_EQ(e->metadata.timestamp, 1710000000000);
  EXPECT_EQ(SerializeEvent(*e), "{\"id\":\"" + e->id +
                                    "\",\"topic\":\"session.status\",\"source\":\"socket\",\"type\":\"socket.publish\","
                                    "\"payload\":{\"a\":1},\"metadata\":{\"timestamp\":1710000000000}}");
}

TEST(Normalizer, DatabaseAndSyncMetadataAndLimits) {
  RawEventInput in = Raw(R"({"id":7})");
  in.source = Source::kDatabase;
  in.type = "database.update";
  in.table = "sessions";
  in.operation = "update";
  auto e = Normalize(in, {}, 5);
  ASSERT_TRUE(e.ok());
  auto back = ParseEvent(SerializeEvent(*e));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->metadata.table, "sessions");
  EXPECT_EQ(back->metadata.operation, "update");
  EXPECT_EQ(back->source, Source::kDatabase);

  EXPECT_EQ(Normalize(Raw(R"({"x":"0123456789"})"), {10}, 0).error().code, ErrorCode::kPayloadTooLarge);
  RawEventInput empty = Raw("{}");
  empty.topic.clear();
  EXPECT_EQ(Normalize(empty, {}, 0).error().code, ErrorCode::kValidation);
  EXPECT_FALSE(ParseEvent(R"({"id":"x"})").ok());
}

TEST(ReturnMode, StripsDataOrDiffOnSyncEventsOnly) {
  RawEventInput in = Raw(R"({"service":"s","documentId":"d","revision":2,"data":{"a":1},"diff":{"changed":{}}})");
  in.source = Source::kSync;
  in.revision = 2;
  auto e = Normalize(in, {}, 1);
  EXPECT_FALSE(ApplyReturnMode(*e, ReturnMode::kFull).contains("diff"));
  EXPECT_TRUE(ApplyReturnMode(*e, ReturnMode::kFull).contains("data"));
  EXPECT_FALSE(ApplyReturnMode(*e, ReturnMode::kDiff).contains("data"));
  EXPECT_TRUE(ApplyReturnMode(*e, ReturnMode::kDiff).contains("diff"));
  EXPECT_EQ(ApplyReturnMode(*e, ReturnMode::kBoth).size(), 5u);

  RoutedEvent routed({"default", "development"}, *e, SerializeEvent(*e));
  const auto& diff_frame = routed.Frame(Wire::kNativeWs, ReturnMode::kDiff);
  EXPECT_EQ(diff_frame->find("\"data\""), diff_frame->rfind("\"data\""));  // only the envelope's "data" key
  EXPECT_NE(diff_frame->find("\"diff\""), std::string::npos);
  EXPECT_EQ(&routed.Frame(Wire::kNativeWs, ReturnMode::kDiff), &diff_frame);  // serialized once

  in.source = Source::kSocket;
  auto s = Normalize(in, {}, 1);
  EXPECT_EQ(ApplyReturnMode(*s, ReturnMode::kDiff).size(), 5u);  // non-sync untouched
  RoutedEvent socket_event({"default", "development"}, *s, SerializeEvent(*s));
  EXPECT_EQ(socket_event.Frame(Wire::kNativeWs, ReturnMode::kFull).get(),
            socket_event.Frame(Wire::kNativeWs, ReturnMode::kDiff).get());  // one shared variant
  std::string sio = *socket_event.Frame(Wire::kSocketIo, ReturnMode::kFull);
  EXPECT_EQ(sio.substr(sio.find("42[")), "42[\"event\"," + socket_event.envelope_json() + "]");
}

TEST(PublishRefusal, SyncTopicsAreTheSyncServicesAndPresenceAndDirectThePlatforms) {
  EXPECT_EQ(PublishRefusal("sync.session.updated", Source::kSocket, false),
            "Topic sync.session.updated is reserved: sync events are published by the sync service");
  EXPECT_EQ(PublishRefusal("sync.session.updated", Source::kDatabase, false).has_value(), true);
  EXPECT_FALSE(PublishRefusal("sync.session.updated", Source::kSync, false));  // the sync service
  EXPECT_FALSE(PublishRefusal("sync.x", Source::kSocket, true));              // the platform itself
  for (const char* t : {"presence:chat", "direct:abc"}) {
    auto why = PublishRefusal(t, Source::kSocket, false);
    ASSERT_TRUE(why) << t;
    EXPECT_TRUE(why->starts_with(std::string("Topic ") + t + " is reserved: ")) << *why;
    EXPECT_TRUE(PublishRefusal(t, Source::kSync, false)) << t;  // not the sync service's either
    EXPECT_FALSE(PublishRefusal(t, Source::kSocket, true)) << t;
  }
  for (const char* t : {"sync", "syncx.a", "chat:sync.x", "session.status", "presence", "directory:a"})
    EXPECT_FALSE(PublishRefusal(t, Source::kSocket, false)) << t;
}

}  // namespace
}  // namespace rt::events
