#include "protocol/engineio.h"

#include <openssl/evp.h>

namespace rt::protocol::eio {

std::optional<Packet> ParseTextPacket(std::string_view text) {
  if (text.empty() || text[0] < '0' || text[0] > '6') return std::nullopt;
  return Packet{static_cast<PacketType>(text[0]), std::string(text.substr(1)), false};
}

std::optional<std::vector<Packet>> ParsePayload(std::string_view body) {
  std::vector<Packet> out;
  while (true) {
    size_t sep = body.find(kSeparator);
    std::string_view chunk = body.substr(0, sep);
    if (!chunk.empty() && chunk[0] == 'b') {
      auto bytes = Base64Decode(chunk.substr(1));
      if (!bytes) return std::nullopt;
      out.push_back({PacketType::kMessage, std::move(*bytes), true});
    } else {
      auto p = ParseTextPacket(chunk);
      if (!p) return std::nullopt;
      out.push_back(std::move(*p));
    }
    if (sep == std::string_view::npos) break;
    body.remove_prefix(sep + 1);
  }
  return out;
}

std::string EncodeForPolling(const Packet& p) {
  if (p.binary) return "b" + Base64Encode(p.data);
  std::string out;
  out.reserve(p.data.size() + 1);
  out += static_cast<char>(p.type);
  out += p.data;
  return out;
}

std::string EncodeText(PacketType type, std::string_view data) {
  std::string out;
  out.reserve(data.size() + 1);
  out += static_cast<char>(type);
  out += data;
  return out;
}

std::string HandshakeJson(const std::string& sid, bool can_upgrade, int ping_interval_ms, int ping_timeout_ms,
                          int max_payload) {
  return "{\"sid\":\"" + sid + "\",\"upgrades\":" + (can_upgrade ? "[\"websocket\"]" : "[]") +
         ",\"pingInterval\":" + std::to_string(ping_interval_ms) + ",\"pingTimeout\":" +
         std::to_string(ping_timeout_ms) + ",\"maxPayload\":" + std::to_string(max_payload) + "}";
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  // EVP_DecodeBlock counts padding as zero bytes.
  if (!text.empty() && text.back() == '=') --len;
  if (text.size() > 1 && text[text.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

}  // namespace rt::protocol::eio
