#include "protocol/ws_frame.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "core/json.h"

namespace rt::protocol::ws {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

ParseError Violation(uint16_t code, std::string reason) { return {code, std::move(reason)}; }

bool IsControl(Opcode op) { return static_cast<uint8_t>(op) >= 8; }

bool KnownOpcode(uint8_t op) { return op <= 2 || (op >= 8 && op <= 10); }

bool ValidCloseCode(uint16_t c) {
  if (c >= 3000 && c <= 4999) return true;
  return c >= 1000 && c <= 1014 && c != 1004 && c != 1005 && c != 1006;
}

}  // namespace

void AppendFrame(std::string& out, Opcode op, std::string_view payload) {
  out.push_back(static_cast<char>(0x80 | static_cast<uint8_t>(op)));
  size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xffff) {
    out.push_back(126);
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(127);
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((static_cast<uint64_t>(n) >> (8 * i)) & 0xff));
  }
  out.append(payload);
}

std::string EncodeFrame(Opcode op, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 10);
  AppendFrame(out, op, payload);
  return out;
}

std::string EncodeClose(uint16_t code, std::string_view reason) {
  std::string body;
  body.push_back(static_cast<char>(code >> 8));
  body.push_back(static_cast<char>(code & 0xff));
  body.append(json::Utf8Prefix(reason, 123));  // a close reason must be valid UTF-8
  return EncodeFrame(Opcode::kClose, body);
}

std::string_view FramePayload(const std::string& frame) {
  if (frame.size() < 2) return {};
  uint8_t len = static_cast<uint8_t>(frame[1]) & 0x7f;
  size_t header = len < 126 ? 2 : len == 126 ? 4 : 10;
  return std::string_view(frame).substr(std::min(header, frame.size()));
}

std::string AcceptKey(std::string_view client_key) {
  std::string input(client_key);
  input += kGuid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  unsigned char out[64];
  int len = EVP_EncodeBlock(out, digest, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<char*>(out), static_cast<size_t>(len));
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) len = 2, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0) len = 3, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0) len = 4, cp = c & 0x07;
    else return false;
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

void FrameParser::Shrink() {
  if (pending_.empty()) std::string().swap(pending_);
  if (!in_message_) std::string().swap(message_);
}

ParseError FrameParser::Feed(std::string_view in, std::vector<Message>& out) {
  std::string_view data = in;
  if (!pending_.empty()) {
    pending_.append(in);
    data = pending_;
  }
  size_t pos = 0;
  ParseError err;
  while (true) {
    std::string_view rest = data.substr(pos);
    if (rest.size() < 2) break;
    uint8_t b0 = static_cast<uint8_t>(rest[0]), b1 = static_cast<uint8_t>(rest[1]);
    if (b0 & 0x70) return Violation(close_code::kProtocolError, "reserved bits set");
    if (!KnownOpcode(b0 & 0x0f)) return Violation(close_code::kProtocolError, "unknown opcode");
    if (!(b1 & 0x80)) return Violation(close_code::kProtocolError, "client frames must be masked");
    uint64_t len = b1 & 0x7f;
    size_t header = 2;
    if (len == 126) {
      if (rest.size() < 4) break;
      len = (static_cast<uint64_t>(static_cast<uint8_t>(rest[2])) << 8) | static_cast<uint8_t>(rest[3]);
      header = 4;
    } else if (len == 127) {
      if (rest.size() < 10) break;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | static_cast<uint8_t>(rest[2 + i]);
      header = 10;
      if (len >> 63) return Violation(close_code::kProtocolError, "invalid length");
    }
    Opcode op = static_cast<Opcode>(b0 & 0x0f);
    bool fin = b0 & 0x80;
    if (IsControl(op) && (len > 125 || !fin)) return Violation(close_code::kProtocolError, "bad control frame");
    if (!IsControl(op) && len + message_.size() > max_message_)
      return Violation(close_code::kTooBig, "message too big");
    if (rest.size() < header + 4 + len) break;
    const char* mask = rest.data() + header;
    std::string payload(rest.substr(header + 4, len));
    for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(payload[i] ^ mask[i & 3]);
    pos += header + 4 + len;
    err = ProcessFrame(fin, op, payload, out);
    if (err.close_code) return err;
  }
  if (pos == data.size()) {
    pending_.clear();
  } else if (data.data() == pending_.data()) {
    pending_.erase(0, pos);
  } else {
    pending_.assign(data.substr(pos));
  }
  return {};
}

ParseError FrameParser::ProcessFrame(bool fin, Opcode op, std::string_view payload, std::vector<Message>& out) {
  switch (op) {
    case Opcode::kPing: out.push_back({Message::kPing, std::string(payload)}); return {};
    case Opcode::kPong: out.push_back({Message::kPong, std::string(payload)}); return {};
    case Opcode::kClose: {
      Message m{Message::kClose, {}, 1005};
      if (payload.size() == 1) return Violation(close_code::kProtocolError, "bad close frame");
      if (payload.size() >= 2) {
        m.close_code = static_cast<uint16_t>((static_cast<uint8_t>(payload[0]) << 8) | static_cast<uint8_t>(payload[1]));
        if (!ValidCloseCode(m.close_code)) return Violation(close_code::kProtocolError, "invalid close code");
        m.data = std::string(payload.substr(2));
        if (!IsValidUtf8(m.data)) return Violation(close_code::kInvalidData, "invalid UTF-8 in close reason");
      }
      out.push_back(std::move(m));
      return {};
    }
    case Opcode::kContinuation:
      if (!in_message_) return Violation(close_code::kProtocolError, "continuation without a message");
      message_.append(payload);
      break;
    case Opcode::kText:
    case Opcode::kBinary:
      if (in_message_) return Violation(close_code::kProtocolError, "new message before the previous ended");
      in_message_ = true;
      message_op_ = op;
      message_.assign(payload);
      break;
  }
  if (!fin) return {};
  in_message_ = false;
  if (message_op_ == Opcode::kText && !IsValidUtf8(message_))
    return Violation(close_code::kInvalidData, "invalid UTF-8 in text message");
  out.push_back({message_op_ == Opcode::kText ? Message::kText : Message::kBinary, std::move(message_)});
  message_.clear();
  return {};
}

}  // namespace rt::protocol::ws
