#include "protocol/socketio.h"

#include "core/json.h"

namespace rt::protocol::sio {
namespace {

constexpr int kMaxAttachments = 10;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<Packet> Parse(std::string_view s) {
  if (s.empty() || s[0] < '0' || s[0] > '6') return std::nullopt;
  Packet p;
  p.type = static_cast<Type>(s[0]);
  size_t i = 1;
  bool binary = p.type == Type::kBinaryEvent || p.type == Type::kBinaryAck;
  if (binary) {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == start || i >= s.size() || s[i] != '-' || i - start > 3) return std::nullopt;
    p.attachments = std::stoi(std::string(s.substr(start, i - start)));
    if (p.attachments > kMaxAttachments) return std::nullopt;
    ++i;
  }
  if (i < s.size() && s[i] == '/') {
    size_t comma = s.find(',', i);
    size_t end = comma == std::string_view::npos ? s.size() : comma;
    p.nsp = std::string(s.substr(i, end - i));
    i = comma == std::string_view::npos ? s.size() : comma + 1;
  }
  if (i < s.size() && IsDigit(s[i])) {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i - start > 15) return std::nullopt;
    p.id = std::stoull(std::string(s.substr(start, i - start)));
  }
  std::string_view rest = s.substr(i);
  if (!rest.empty()) {
    auto v = json::Parse(rest);
    if (!v.ok()) return std::nullopt;
    p.data = std::move(*v);
    p.data_text = std::string(rest);
  }
  switch (p.type) {
    case Type::kConnect:
      // Absent data is {}; present data must be an object: "40null" once passed as null and
      // SioConnection called get_object() on it (undefined behaviour; found by fuzzing).
      if (rest.empty()) p.data = boost::json::object();
      if (!p.data.is_object()) return std::nullopt;
      break;
    case Type::kDisconnect:
      if (!rest.empty()) return std::nullopt;
      break;
    case Type::kEvent:
    case Type::kBinaryEvent:
      if (!p.data.is_array() || p.data.get_array().empty() || !p.data.get_array()[0].is_string()) return std::nullopt;
      break;
    case Type::kAck:
    case Type::kBinaryAck:
      if (!p.id || !p.data.is_array()) return std::nullopt;
      break;
    case Type::kConnectError:
      return std::nullopt;  // only servers send it
  }
  return p;
}

std::string Encode(Type type, std::string_view nsp, std::optional<uint64_t> id, std::string_view json,
                   int attachments) {
  std::string out;
  out.reserve(json.size() + nsp.size() + 24);
  out += static_cast<char>(type);
  if (type == Type::kBinaryEvent || type == Type::kBinaryAck) {
    out += std::to_string(attachments);
    out += '-';
  }
  if (!nsp.empty() && nsp != "/") {
    out += nsp;
    out += ',';
  }
  if (id) out += std::to_string(*id);
  out += json;
  return out;
}

}  // namespace rt::protocol::sio
