// RFC 6455 WebSocket framing for the server side, as a pure codec (no sockets).
//
// Server frames are unmasked, so one encoded frame can be shared byte-for-byte by every
// recipient: the fan-out path encodes an event once and queues the same buffer everywhere.
// FrameParser consumes client bytes incrementally and yields whole messages (fragments are
// reassembled; control frames may interleave). Violations produce a close code:
//   1002 protocol error (unmasked frame, reserved bits, unknown opcode, bad control frame,
//        continuation without a start), 1007 invalid UTF-8 in a text message or close reason,
//   1009 message larger than the limit.
//
// Thread safety: a FrameParser belongs to one connection; the free functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rt::protocol::ws {

enum class Opcode : uint8_t { kContinuation = 0, kText = 1, kBinary = 2, kClose = 8, kPing = 9, kPong = 10 };

// Close codes used by the platform (see docs/protocol.md).
namespace close_code {
inline constexpr uint16_t kNormal = 1000;
inline constexpr uint16_t kGoingAway = 1001;
inline constexpr uint16_t kProtocolError = 1002;
inline constexpr uint16_t kInvalidData = 1007;
inline constexpr uint16_t kPolicy = 1008;
inline constexpr uint16_t kTooBig = 1009;
inline constexpr uint16_t kInternal = 1011;
inline constexpr uint16_t kServiceRestart = 1012;
inline constexpr uint16_t kIdleTimeout = 4000;
inline constexpr uint16_t kUnauthorized = 4001;
inline constexpr uint16_t kSlowConsumer = 4008;
inline constexpr uint16_t kFlooding = 4029;
}  // namespace close_code

// Appends a complete server frame (FIN set, unmasked).
void AppendFrame(std::string& out, Opcode op, std::string_view payload);
std::string EncodeFrame(Opcode op, std::string_view payload);
std::string EncodeClose(uint16_t code, std::string_view reason);

// The payload of a complete frame produced by AppendFrame/EncodeFrame.
std::string_view FramePayload(const std::string& frame);

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
std::string AcceptKey(std::string_view client_key);

bool IsValidUtf8(std::string_view s);

struct Message {
  enum Kind { kText, kBinary, kPing, kPong, kClose } kind = kText;
  std::string data;         // payload (for kClose: the reason)
  uint16_t close_code = 0;  // kClose only (1005 when the peer sent none)
};

struct ParseError {
  uint16_t close_code = 0;  // 0 = no error
  std::string reason;
};

class FrameParser {
 public:
  explicit FrameParser(size_t max_message_bytes) : max_message_(max_message_bytes) {}

  // Consumes all of `in` (keeping any partial frame internally) and appends complete messages.
  // Returns an error with a close code on a protocol violation; the connection must then close.
  ParseError Feed(std::string_view in, std::vector<Message>& out);

  // Bytes held for an incomplete frame or message (for memory accounting).
  size_t buffered() const { return pending_.capacity() + message_.capacity(); }
  // Releases buffer capacity when idle (no partial frame or message).
  void Shrink();

 private:
  ParseError ProcessFrame(bool fin, Opcode op, std::string_view payload, std::vector<Message>& out);

  const size_t max_message_;
  std::string pending_;  // unconsumed bytes of an incomplete frame
  std::string message_;  // fragments of a message in progress
  Opcode message_op_ = Opcode::kContinuation;
  bool in_message_ = false;
};

}  // namespace rt::protocol::ws
