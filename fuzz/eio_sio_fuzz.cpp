// Engine.IO payloads and Socket.IO packets, binary attachments included
// (src/protocol/engineio.*, src/protocol/socketio.*).
// Input: an HTTP long-polling body (packets joined by \x1e, "b<base64>" for binary ones).
// Checks: every parsed payload re-encodes and parses back to the same packets; base64
// decode(encode(x)) == x; each message packet goes through the Socket.IO parser as
// SioConnection does (a packet announcing N attachments takes the next N binary packets), and a
// parsed packet satisfies what SioConnection relies on (EVENT data is an array starting with a
// string, CONNECT data an object, ACK has an id, at most 10 attachments) and survives
// Encode -> Parse unchanged.
#include <vector>

#include "core/json.h"
#include "fuzz/fuzz_util.h"
#include "protocol/engineio.h"
#include "protocol/socketio.h"

namespace eio = rt::protocol::eio;
namespace sio = rt::protocol::sio;

namespace {

void CheckSocketIo(const sio::Packet& p) {
  using sio::Type;
  FUZZ_CHECK(p.attachments >= 0 && p.attachments <= 10, "attachment count out of range");
  FUZZ_CHECK(!p.nsp.empty() && p.nsp[0] == '/', "namespace must start with /");
  switch (p.type) {
    case Type::kConnect: FUZZ_CHECK(p.data.is_object(), "CONNECT data must be an object"); break;
    case Type::kDisconnect: FUZZ_CHECK(p.data.is_null(), "DISCONNECT carries no data"); break;
    case Type::kEvent:
    case Type::kBinaryEvent:
      FUZZ_CHECK(p.data.is_array() && !p.data.get_array().empty() && p.data.get_array()[0].is_string(),
                 "EVENT data must start with the event name");
      break;
    case Type::kAck:
    case Type::kBinaryAck: FUZZ_CHECK(p.id && p.data.is_array(), "ACK needs an id and an array"); break;
    case Type::kConnectError: FUZZ_CHECK(false, "CONNECT_ERROR accepted from a client"); break;
  }
  if (p.type != Type::kBinaryEvent && p.type != Type::kBinaryAck) FUZZ_CHECK(p.attachments == 0, "attachments on text type");

  // Encode -> Parse round trip (CONNECT without data parses as {}: encode it as such).
  std::string json = p.data_text;
  if (p.type == Type::kConnect && json.empty()) json = "{}";
  std::string text = sio::Encode(p.type, p.nsp, p.id, json, p.attachments);
  auto back = sio::Parse(text);
  FUZZ_CHECK(back.has_value(), "re-encoded Socket.IO packet rejected: " + text);
  FUZZ_CHECK(back->type == p.type && back->nsp == p.nsp && back->id == p.id && back->attachments == p.attachments,
             "Socket.IO header changed in the round trip: " + text);
  FUZZ_CHECK(fuzz::SemanticEqual(back->data, p.data), "Socket.IO data changed in the round trip: " + text);
}

bool SamePacket(const eio::Packet& a, const eio::Packet& b) {
  return a.type == b.type && a.data == b.data && a.binary == b.binary;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::RunGuarded([&] {
    std::string_view body = fuzz::AsText(data, size);

    // Base64 round trip on raw bytes.
    auto decoded = eio::Base64Decode(eio::Base64Encode(body));
    FUZZ_CHECK(decoded && *decoded == body, "base64 round trip");

    // A WebSocket text frame is one packet.
    if (auto one = eio::ParseTextPacket(body)) {
      FUZZ_CHECK(eio::EncodeText(one->type, one->data) == body, "text packet round trip");
    }

    auto packets = eio::ParsePayload(body);
    if (!packets) return;
    FUZZ_CHECK(!packets->empty(), "a parsed payload has at least one packet");
    std::string joined;
    for (size_t i = 0; i < packets->size(); ++i) {
      if (i) joined += eio::kSeparator;
      joined += eio::EncodeForPolling((*packets)[i]);
    }
    auto again = eio::ParsePayload(joined);
    FUZZ_CHECK(again && again->size() == packets->size(), "payload round trip: packet count");
    for (size_t i = 0; i < packets->size(); ++i)
      FUZZ_CHECK(SamePacket((*again)[i], (*packets)[i]), "payload round trip: packet " + std::to_string(i));

    // The Socket.IO layer over the message packets, with attachment reassembly.
    std::optional<sio::Packet> partial;
    size_t pending_attachments = 0;
    for (const auto& pk : *packets) {
      if (pk.type != eio::PacketType::kMessage) continue;
      if (pk.binary) {
        if (!partial) break;  // unexpected attachment: the session closes
        if (--pending_attachments == 0) partial.reset();
        continue;
      }
      if (partial) break;  // text while attachments were expected: the session closes
      auto p = sio::Parse(pk.data);
      if (!p) break;  // invalid packet: the session closes
      CheckSocketIo(*p);
      if ((p->type == sio::Type::kBinaryEvent || p->type == sio::Type::kBinaryAck) && p->attachments > 0) {
        pending_attachments = static_cast<size_t>(p->attachments);
        partial = std::move(p);
      }
    }
  });
  return 0;
}
