#include "protocol/ws_frame.h"

#include <gtest/gtest.h>

namespace rt::protocol::ws {
namespace {

std::string ClientFrame(uint8_t first, std::string_view payload, bool mask = true) {
  std::string f;
  f.push_back(static_cast<char>(first));
  size_t n = payload.size();
  uint8_t m = mask ? 0x80 : 0;
  if (n < 126) {
    f.push_back(static_cast<char>(m | n));
  } else if (n <= 0xffff) {
    f.push_back(static_cast<char>(m | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xff));
  } else {
    f.push_back(static_cast<char>(m | 127));
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  }
  const char key[4] = {0x12, 0x34, 0x56, 0x78};
  if (mask) f.append(key, 4);
  for (size_t i = 0; i < n; ++i) f.push_back(mask ? static_cast<char>(payload[i] ^ key[i & 3]) : payload[i]);
  return f;
}

TEST(WsFrame, AcceptKeyFromRfc6455) {
  EXPECT_EQ(AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WsFrame, EncodesServerFramesOfEveryLength) {
  EXPECT_EQ(EncodeFrame(Opcode::kText, "hi"), std::string("\x81\x02hi", 4));
  EXPECT_EQ(EncodeFrame(Opcode::kText, std::string(126, 'a')).substr(0, 4), std::string("\x81\x7e\x00\x7e", 4));
  EXPECT_EQ(EncodeFrame(Opcode::kBinary, std::string(70000, 'a')).size(), 70000u + 10);
  EXPECT_EQ(EncodeClose(4008, "slow"), std::string("\x88\x06\x0f\xa8slow", 8));
}

TEST(WsFrame, ParsesMessagesSplitAnywhere) {
  std::string stream = ClientFrame(0x81, "hello") + ClientFrame(0x89, "p") + ClientFrame(0x01, "frag") +
                       ClientFrame(0x8a, "") + ClientFrame(0x80, "ment") + ClientFrame(0x82, std::string(300, 'x'));
  for (size_t chunk : {1ul, 3ul, 7ul, stream.size()}) {
    FrameParser p(1 << 20);
    std::vector<Message> out;
    for (size_t i = 0; i < stream.size(); i += chunk) {
      ASSERT_EQ(p.Feed(std::string_view(stream).substr(i, chunk), out).close_code, 0) << chunk;
    }
    ASSERT_EQ(out.size(), 5u);
    EXPECT_EQ(out[0].data, "hello");
    EXPECT_EQ(out[1].kind, Message::kPing);
    EXPECT_EQ(out[2].kind, Message::kPong);  // control frames interleave with fragments
    EXPECT_EQ(out[3].data, "fragment");
    EXPECT_EQ(out[4].kind, Message::kBinary);
    EXPECT_EQ(out[4].data.size(), 300u);
  }
}

TEST(WsFrame, ReportsEveryViolationWithItsCloseCode) {
  auto code = [](const std::string& bytes, size_t limit = 1 << 20) {
    FrameParser p(limit);
    std::vector<Message> out;
    return p.Feed(bytes, out).close_code;
  };
  EXPECT_EQ(code(ClientFrame(0x81, "x", false)), 1002);                   // unmasked
  EXPECT_EQ(code(ClientFrame(0xc1, "x")), 1002);                          // RSV1
  EXPECT_EQ(code(ClientFrame(0x83, "x")), 1002);                          // reserved opcode
  EXPECT_EQ(code(ClientFrame(0x80, "x")), 1002);                          // continuation without start
  EXPECT_EQ(code(ClientFrame(0x09, "x")), 1002);                          // fragmented ping
  EXPECT_EQ(code(ClientFrame(0x89, std::string(126, 'x'))), 1002);       // control > 125
  EXPECT_EQ(code(ClientFrame(0x01, "a") + ClientFrame(0x81, "b")), 1002);  // new message mid-fragment
  EXPECT_EQ(code(ClientFrame(0x81, "\xff\xfe")), 1007);                   // invalid UTF-8
  EXPECT_EQ(code(ClientFrame(0x81, std::string(2000, 'x')), 1000), 1009);  // too big
  EXPECT_EQ(code(ClientFrame(0x88, std::string("\x03\xe7", 2))), 1002);    // close code 999
  FrameParser p(100);
  std::vector<Message> out;
  EXPECT_EQ(p.Feed(ClientFrame(0x88, std::string("\x0f\xa0hi", 4)), out).close_code, 0);
  EXPECT_EQ(out[0].close_code, 4000);
  EXPECT_EQ(out[0].data, "hi");
}

TEST(WsFrame, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
}

// Found by fuzz/ws_frame_fuzz.cpp: the reason was cut at 123 bytes even inside a UTF-8 sequence,
// and a close frame with an invalid UTF-8 reason makes the client fail the connection.
TEST(WsFrame, CloseReasonIsCutAtACharacterBoundary) {
  std::string reason = std::string(122, 'r') + "\xc3\xa9 and more";  // é spans bytes 122-123
  std::string frame = EncodeClose(close_code::kPolicy, reason);
  std::string_view body = FramePayload(frame);
  EXPECT_EQ(body.substr(2), std::string(122, 'r'));
  EXPECT_TRUE(IsValidUtf8(body.substr(2)));
  EXPECT_EQ(FramePayload(EncodeClose(close_code::kNormal, std::string(200, 'x'))).size(), 125u);
}

}  // namespace
}  // namespace rt::protocol::ws
