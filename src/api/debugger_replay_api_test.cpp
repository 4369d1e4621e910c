#include "api/debugger_replay_api.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace rt::api {
namespace {

boost::json::object Obj(const char* text) { return boost::json::parse(text).as_object(); }

std::string Merged(const char* target, const char* patch) {
  boost::json::object t = Obj(target);
  DeepMerge(t, Obj(patch));
  return boost::json::serialize(t);
}

TEST(ReplayDeepMerge, ObjectsMergeRecursivelyOtherValuesReplace) {
  EXPECT_EQ(Merged(R"({"a":1,"b":{"c":2,"d":{"e":3,"f":4}},"g":[1,2]})", R"({"b":{"d":{"e":30}},"g":[9],"h":true})"),
            R"({"a":1,"b":{"c":2,"d":{"e":30,"f":4}},"g":[9],"h":true})");
  // A scalar replaces an object and an object replaces a scalar; null is a value, not a deletion.
  EXPECT_EQ(Merged(R"({"a":{"x":1},"b":2,"c":3})", R"({"a":5,"b":{"y":1},"c":null})"),
            R"({"a":5,"b":{"y":1},"c":null})");
  EXPECT_EQ(Merged(R"({"a":1})", R"({})"), R"({"a":1})");
  EXPECT_EQ(Merged(R"({})", R"({"a":{"b":{}}})"), R"({"a":{"b":{}}})");
}

TEST(ReplayRequestParsing, AcceptsEveryModeAndTheAllowedOverrides) {
  const std::pair<const char*, ReplayMode> modes[] = {{"dry-run", ReplayMode::kDryRun},
                                                      {"router", ReplayMode::kRouter},
                                                      {"websocket", ReplayMode::kWebSocket},
                                                      {"webhook", ReplayMode::kWebhook}};
  for (const auto& [name, mode] : modes) {
    auto r = ParseReplayRequest(Obj((std::string(R"({"traceId":"trace_1","mode":")") + name + "\"}").c_str()));
    ASSERT_TRUE(r.ok()) << name << ": " << r.error().message;
    EXPECT_EQ(r->mode, mode);
    EXPECT_EQ(ReplayModeName(mode), std::string(name));
    EXPECT_EQ(r->trace_id, "trace_1");
    EXPECT_TRUE(r->overrides.empty());
  }
  auto r = ParseReplayRequest(Obj(R"({"traceId":"t","mode":"router","overrides":{"payload":{"status":"ended"},
      "type":"x.y","metadata":{"table":"sessions","operation":null,"revision":7}}})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(
      boost::json::serialize(r->overrides),
      R"({"payload":{"status":"ended"},"type":"x.y","metadata":{"table":"sessions","operation":null,"revision":7}})");
  EXPECT_TRUE(ParseReplayRequest(Obj(R"({"traceId":"t","mode":"router","overrides":null})")).ok());
}

TEST(ReplayRequestParsing, BadBodiesAreValidationErrors) {
  for (const char* bad : {
           R"({})",
           R"({"mode":"router"})",
           R"({"traceId":"","mode":"router"})",
           R"({"traceId":5,"mode":"router"})",
           R"({"traceId":"t"})",
           R"({"traceId":"t","mode":"replay"})",
           R"({"traceId":"t","mode":"DRY-RUN"})",
           R"({"traceId":"t","mode":1})",
           R"({"traceId":"t","mode":"router","extra":1})",
           R"({"traceId":"t","mode":"router","overrides":[1]})",
           R"({"traceId":"t","mode":"router","overrides":"x"})",
           R"({"traceId":"t","mode":"router","overrides":{"topic":"other"}})",
           R"({"traceId":"t","mode":"router","overrides":{"source":"database"}})",
           R"({"traceId":"t","mode":"router","overrides":{"id":"evt_x"}})",
           R"({"traceId":"t","mode":"router","overrides":{"payload":[1]}})",
           R"({"traceId":"t","mode":"router","overrides":{"payload":null}})",
           R"({"traceId":"t","mode":"router","overrides":{"type":""}})",
           R"({"traceId":"t","mode":"router","overrides":{"type":3}})",
           R"({"traceId":"t","mode":"router","overrides":{"metadata":1}})",
           R"({"traceId":"t","mode":"router","overrides":{"metadata":{"replayOf":"evt_x"}}})",
           R"({"traceId":"t","mode":"router","overrides":{"metadata":{"timestamp":1}}})",
           R"({"traceId":"t","mode":"router","overrides":{"metadata":{"from":"sock"}}})",
           R"({"traceId":"t","mode":"router","overrides":{"metadata":{"table":1}}})",
           R"({"traceId":"t","mode":"router","overrides":{"metadata":{"revision":1.5}}})",
           R"({"traceId":"t","mode":"router","overrides":{"metadata":{"revision":18446744073709551615}}})",
       }) {
    auto r = ParseReplayRequest(Obj(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation) << bad;
    EXPECT_FALSE(r.error().message.empty());
  }
}

store::TraceRow Trace() {
  store::TraceRow t;
  t.trace_id = "trace_abc";
  t.event_id = "evt_abc";
  t.topic = "session.status";
  t.source = "database";
  t.type = "database.update";
  t.payload = R"({"sessionId":"abc123","status":"active","meta":{"campusId":12,"tags":["a"]}})";
  t.timestamp = 1710000000000;
  return t;
}

TEST(ReplayInput, TheTracedEventWithTheOverridesMergedAndReplayOf) {
  auto req = ParseReplayRequest(Obj(R"({"traceId":"trace_abc","mode":"websocket","overrides":{
      "payload":{"status":"ended","meta":{"tags":["b"]}},"metadata":{"table":"sessions","revision":3}}})"));
  ASSERT_TRUE(req.ok());
  auto in = ReplayInput(Trace(), *req);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->topic, "session.status");
  EXPECT_EQ(in->source, events::Source::kDatabase);
  EXPECT_EQ(in->type, "database.update");
  EXPECT_EQ(boost::json::serialize(in->payload),
            R"({"sessionId":"abc123","status":"ended","meta":{"campusId":12,"tags":["b"]}})");
  EXPECT_EQ(in->table, "sessions");
  EXPECT_EQ(in->operation, std::nullopt);
  EXPECT_EQ(in->revision, 3);
  EXPECT_EQ(in->replay_of, "evt_abc");
  EXPECT_EQ(in->replay_mode, "websocket");
  EXPECT_FALSE(in->id.has_value());  // a new id
  EXPECT_FALSE(in->internal);

  // The envelope carries replayOf and replayMode, and they survive another instance's parse.
  auto e = events::Normalize(std::move(*in), {}, 42);
  ASSERT_TRUE(e.ok());
  EXPECT_NE(e->id, "evt_abc");
  std::string json = events::SerializeEvent(*e);
  EXPECT_NE(json.find(R"("metadata":{"timestamp":42,"table":"sessions","revision":3,"replayOf":"evt_abc",)"
                      R"("replayMode":"websocket"}})"),
            std::string::npos)
      << json;
  auto parsed = events::ParseEvent(json);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->metadata.replay_of, "evt_abc");
  EXPECT_TRUE(events::SocketsOnly(*parsed));
}

TEST(ReplayInput, WithoutOverridesTheOriginalAndOnlyWebsocketIsSocketsOnly) {
  for (const char* mode : {"dry-run", "router", "webhook"}) {
    auto req = ParseReplayRequest(Obj((std::string(R"({"traceId":"t","mode":")") + mode + "\"}").c_str()));
    ASSERT_TRUE(req.ok());
    auto in = ReplayInput(Trace(), *req);
    ASSERT_TRUE(in.ok());
    EXPECT_EQ(boost::json::serialize(in->payload), Trace().payload);
    EXPECT_EQ(in->table, std::nullopt);
    EXPECT_EQ(in->replay_mode, mode);
    auto e = events::Normalize(std::move(*in), {}, 1);
    ASSERT_TRUE(e.ok());
    EXPECT_FALSE(events::SocketsOnly(*e)) << mode;
  }
  store::TraceRow bad = Trace();
  bad.source = "mars";
  auto req = ParseReplayRequest(Obj(R"({"traceId":"t","mode":"router"})"));
  EXPECT_FALSE(ReplayInput(bad, *req).ok());
}

}  // namespace
}  // namespace rt::api
