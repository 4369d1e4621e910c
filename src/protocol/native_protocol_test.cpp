#include "protocol/native_protocol.h"

#include <gtest/gtest.h>

namespace rt::protocol::native {
namespace {

std::string CodeOf(std::string_view text) {
  auto r = ParseClientMessage(text);
  return r.error ? r.error->code : "ok";
}

TEST(NativeProtocol, ParsesEveryClientMessage) {
  auto sub = ParseClientMessage(R"({"type":"subscribe","topic":"a.b","filter":{"x":1},"returnMode":"diff","requestId":7})");
  ASSERT_TRUE(sub.message);
  EXPECT_EQ(sub.message->type, Type::kSubscribe);
  EXPECT_EQ(sub.message->topic, "a.b");
  EXPECT_TRUE(sub.message->filter.is_object());
  EXPECT_EQ(sub.message->return_mode, "diff");
  EXPECT_EQ(Subscribed("sub_1", "a.b", sub.message->request_id),
            R"({"type":"subscribed","subscriptionId":"sub_1","topic":"a.b","requestId":7})");

  auto pub = ParseClientMessage(R"({"type":"publish","topic":"t","payload":{"a":1},"eventType":"chat.message","requestId":"r1"})");
  ASSERT_TRUE(pub.message);
  EXPECT_EQ(pub.message->event_type, "chat.message");
  EXPECT_EQ(Published("evt_1", pub.message->request_id), R"({"type":"published","id":"evt_1","requestId":"r1"})");
  EXPECT_EQ(CodeOf(R"({"type":"ping"})"), "ok");
  EXPECT_EQ(CodeOf(R"({"type":"auth","token":"x"})"), "ok");
  EXPECT_EQ(CodeOf(R"({"type":"unsubscribe","subscriptionId":"sub_1"})"), "ok");
}

TEST(NativeProtocol, EveryBadMessageHasACode) {
  EXPECT_EQ(CodeOf("garbage"), "INVALID_JSON");
  EXPECT_EQ(CodeOf("[1,2]"), "INVALID_MESSAGE");
  EXPECT_EQ(CodeOf(R"({"topic":"x"})"), "INVALID_MESSAGE");
  EXPECT_EQ(CodeOf(R"({"type":5})"), "INVALID_MESSAGE");
  EXPECT_EQ(CodeOf(R"({"type":"dance"})"), "UNKNOWN_TYPE");
  EXPECT_EQ(CodeOf(R"({"type":"subscribe"})"), "INVALID_MESSAGE");
  EXPECT_EQ(CodeOf(R"({"type":"subscribe","topic":""})"), "INVALID_MESSAGE");
  EXPECT_EQ(CodeOf(R"({"type":"subscribe","topic":"x","returnMode":3})"), "INVALID_MESSAGE");
  EXPECT_EQ(CodeOf(R"({"type":"unsubscribe"})"), "INVALID_MESSAGE");
  EXPECT_EQ(CodeOf(R"({"type":"publish","topic":"x"})"), "INVALID_PAYLOAD");
  EXPECT_EQ(CodeOf(R"({"type":"publish","topic":"x","payload":[1]})"), "INVALID_PAYLOAD");
  EXPECT_EQ(CodeOf(R"({"type":"auth"})"), "INVALID_MESSAGE");
  auto r = ParseClientMessage(R"({"type":"dance","requestId":"q"})");
  EXPECT_EQ(ErrorMessage(r.error->code, r.error->message, r.error->request_id),
            R"({"type":"error","code":"UNKNOWN_TYPE","message":"Unknown message type 'dance'","requestId":"q"})");
}

// Found by fuzz/native_protocol_fuzz.cpp: the unknown type was quoted cut at 64 bytes even inside
// a UTF-8 sequence, so the error reply was invalid UTF-8 (browsers then close with 1007).
TEST(NativeProtocol, UnknownTypeIsQuotedWithoutCuttingACharacter) {
  auto r = ParseClientMessage(R"({"type":")" + std::string(63, 't') + "\xe6\x97\xa5" + R"("})");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message, "Unknown message type '" + std::string(63, 't') + "'");
}

}  // namespace
}  // namespace rt::protocol::native
