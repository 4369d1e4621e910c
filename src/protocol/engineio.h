// Engine.IO v4 packet and payload codec (docs/engine.io-protocol/v4-current.md), pure.
//
// A packet is a type digit and data: 0 open, 1 close, 2 ping, 3 pong, 4 message, 5 upgrade,
// 6 noop. Over WebSocket each packet is one frame (a binary frame is a binary message packet).
// Over HTTP long-polling several packets are joined with the record separator \x1e, binary
// messages as "b" + base64.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rt::protocol::eio {

enum class PacketType : char {
  kOpen = '0',
  kClose = '1',
  kPing = '2',
  kPong = '3',
  kMessage = '4',
  kUpgrade = '5',
  kNoop = '6',
};

struct Packet {
  PacketType type = PacketType::kMessage;
  std::string data;
  bool binary = false;  // a binary message
};

inline constexpr char kSeparator = '\x1e';

// Parses one text packet (WebSocket text frame or one polling chunk). nullopt if invalid.
std::optional<Packet> ParseTextPacket(std::string_view text);
// Parses a polling request body (packets separated by \x1e; "b…" = base64 binary). nullopt if
// any packet is invalid.
std::optional<std::vector<Packet>> ParsePayload(std::string_view body);
// Encodes one packet for a polling payload ("4hello", "bAQID").
std::string EncodeForPolling(const Packet& p);
// Encodes a text packet ("4hello").
std::string EncodeText(PacketType type, std::string_view data = {});

// The open packet's JSON.
std::string HandshakeJson(const std::string& sid, bool can_upgrade, int ping_interval_ms, int ping_timeout_ms,
                          int max_payload);

std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace rt::protocol::eio
