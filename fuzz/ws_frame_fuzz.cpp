// WebSocket frame decoder (src/protocol/ws_frame.*).
// Input: byte 0 picks the message limit, byte 1 the chunking, the rest is the client's byte
// stream. Checks: the parser gives the same messages and the same error whether the stream
// arrives at once or in small chunks; messages respect the limit, text is valid UTF-8, control
// payloads are <= 125 bytes; every message re-encoded as masked client frames (data messages
// fragmented, with a ping in between) parses back to itself; server frames (EncodeFrame,
// EncodeClose) carry their payload and a close reason stays valid UTF-8.
#include <vector>

#include "fuzz/fuzz_util.h"
#include "protocol/ws_frame.h"

namespace ws = rt::protocol::ws;

namespace {

std::string ClientFrame(bool fin, uint8_t op, std::string_view payload, uint32_t mask_seed) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | op));
  size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((static_cast<uint64_t>(n) >> (8 * i)) & 0xff));
  }
  char mask[4] = {static_cast<char>(mask_seed), static_cast<char>(mask_seed >> 8), static_cast<char>(mask_seed >> 16),
                  static_cast<char>(mask_seed >> 24)};
  out.append(mask, 4);
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(payload[i] ^ mask[i & 3]));
  return out;
}

bool SameMessage(const ws::Message& a, const ws::Message& b) {
  return a.kind == b.kind && a.data == b.data && a.close_code == b.close_code;
}

// The client frames that carry m (data messages split in two fragments around a ping).
std::string Reencode(const ws::Message& m, uint32_t seed) {
  switch (m.kind) {
    case ws::Message::kPing: return ClientFrame(true, 9, m.data, seed);
    case ws::Message::kPong: return ClientFrame(true, 10, m.data, seed);
    case ws::Message::kClose: {
      if (m.close_code == 1005) return ClientFrame(true, 8, "", seed);
      std::string body{static_cast<char>(m.close_code >> 8), static_cast<char>(m.close_code & 0xff)};
      return ClientFrame(true, 8, body + m.data, seed);
    }
    case ws::Message::kText:
    case ws::Message::kBinary: {
      uint8_t op = m.kind == ws::Message::kText ? 1 : 2;
      size_t half = m.data.size() / 2;
      std::string_view d(m.data);
      return ClientFrame(false, op, d.substr(0, half), seed) + ClientFrame(true, 9, "mid", seed * 31) +
             ClientFrame(true, 0, d.substr(half), seed * 17);
    }
  }
  return {};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  fuzz::RunGuarded([&] {
    const size_t limit = size_t{16} << (data[0] % 8);  // 16 .. 2048 bytes
    const uint8_t chunk_seed = data[1];
    std::string_view stream = fuzz::AsText(data + 2, size - 2);

    ws::FrameParser whole(limit);
    std::vector<ws::Message> all;
    ws::ParseError whole_err = whole.Feed(stream, all);

    ws::FrameParser chunked(limit);
    std::vector<ws::Message> pieces;
    ws::ParseError chunk_err;
    for (size_t pos = 0, k = 0; pos < stream.size() && !chunk_err.close_code; ++k) {
      size_t n = 1 + (static_cast<size_t>(chunk_seed) * (k + 1) + k) % 7;
      chunk_err = chunked.Feed(stream.substr(pos, n), pieces);
      pos += n;
    }
    FUZZ_CHECK(whole_err.close_code == chunk_err.close_code, "error differs when the stream is chunked");
    FUZZ_CHECK(whole_err.reason == chunk_err.reason, "error reason differs when the stream is chunked");
    FUZZ_CHECK(all.size() == pieces.size(), "message count differs when the stream is chunked");
    for (size_t i = 0; i < all.size(); ++i) FUZZ_CHECK(SameMessage(all[i], pieces[i]), "message differs when chunked");
    if (!whole_err.close_code) chunked.Shrink(), whole.Shrink();

    uint32_t seed = 0x9e3779b9u ^ chunk_seed;
    for (const auto& m : all) {
      seed = seed * 1664525u + 1013904223u;
      bool control = m.kind == ws::Message::kPing || m.kind == ws::Message::kPong || m.kind == ws::Message::kClose;
      if (control) FUZZ_CHECK(m.data.size() <= 125, "control payload over 125 bytes");
      else FUZZ_CHECK(m.data.size() <= limit, "message over the limit");
      if (m.kind == ws::Message::kText || m.kind == ws::Message::kClose)
        FUZZ_CHECK(ws::IsValidUtf8(m.data), "text message or close reason is not UTF-8");

      ws::FrameParser again(limit);
      std::vector<ws::Message> back;
      ws::ParseError err = again.Feed(Reencode(m, seed), back);
      FUZZ_CHECK(err.close_code == 0, "re-encoded message rejected: " + err.reason);
      bool data_msg = !control;
      FUZZ_CHECK(back.size() == (data_msg ? 2u : 1u), "re-encoded message count");
      FUZZ_CHECK(SameMessage(back.back(), m), "re-encoded message differs");

      std::string frame = ws::EncodeFrame(data_msg ? ws::Opcode::kBinary : ws::Opcode::kPing, m.data);
      FUZZ_CHECK(ws::FramePayload(frame) == m.data, "server frame payload");
      if (m.kind == ws::Message::kText) {
        std::string close = ws::EncodeClose(ws::close_code::kPolicy, m.data);
        std::string_view body = ws::FramePayload(close);
        FUZZ_CHECK(body.size() >= 2 && body.size() <= 125, "close frame body size");
        FUZZ_CHECK(ws::IsValidUtf8(body.substr(2)), "server close reason is not UTF-8");
      }
    }
  });
  return 0;
}
