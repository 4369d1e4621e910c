// Socket.IO v5 packet codec (docs/socket.io-protocol/v5-current.md), pure.
//
//   <type>[<attachments>-][<namespace>,][<ack id>][JSON]
// types: 0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK.
// Validation follows the reference parser: EVENT data must be a non-empty array whose first
// element is a string; ACK data an array; CONNECT data an object (or absent); attachments only
// on binary types; the ack id digits only. Anything else is invalid and closes the connection.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace rt::protocol::sio {

enum class Type : char {
  kConnect = '0',
  kDisconnect = '1',
  kEvent = '2',
  kAck = '3',
  kConnectError = '4',
  kBinaryEvent = '5',
  kBinaryAck = '6',
};

struct Packet {
  Type type = Type::kEvent;
  std::string nsp = "/";
  std::optional<uint64_t> id;
  int attachments = 0;
  boost::json::value data;  // null when absent
  std::string data_text;    // the JSON text as received (for echoing byte-for-byte)
};

// Parses a packet from an Engine.IO message; nullopt if invalid.
std::optional<Packet> Parse(std::string_view text);

// Encodes a packet whose data is already JSON text (may be empty).
std::string Encode(Type type, std::string_view nsp, std::optional<uint64_t> id, std::string_view json,
                   int attachments = 0);

}  // namespace rt::protocol::sio
