#include "protocol/socketio.h"

#include <gtest/gtest.h>

namespace rt::protocol::sio {
namespace {

// Found by fuzz/eio_sio_fuzz.cpp: "0null" passed as a CONNECT with null data, and
// SioConnection::HandlePacket calls get_object() on CONNECT data (undefined behaviour).
TEST(SocketIo, ConnectDataMustBeAnObjectOrAbsent) {
  for (const char* bad : {"0null", "0/admin,null", "0[]", "0\"x\""}) EXPECT_FALSE(Parse(bad).has_value()) << bad;
  auto absent = Parse("0/admin,");
  ASSERT_TRUE(absent.has_value());
  EXPECT_EQ(absent->nsp, "/admin");
  EXPECT_TRUE(absent->data.is_object());
  auto with_auth = Parse(R"(0{"token":"t"})");
  ASSERT_TRUE(with_auth.has_value());
  EXPECT_TRUE(with_auth->data.get_object().contains("token"));
}

TEST(SocketIo, BinaryEventHeaderAndRoundTrip) {
  auto p = Parse(R"(52-/chat,7["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->type, Type::kBinaryEvent);
  EXPECT_EQ(p->attachments, 2);
  EXPECT_EQ(p->nsp, "/chat");
  EXPECT_EQ(p->id, 7u);
  EXPECT_EQ(Encode(p->type, p->nsp, p->id, p->data_text, p->attachments),
            R"(52-/chat,7["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  EXPECT_FALSE(Parse(R"(511-["x"])").has_value());  // more than 10 attachments
  EXPECT_FALSE(Parse(R"(21-["x"])").has_value());  // attachments only on binary types
}

}  // namespace
}  // namespace rt::protocol::sio
