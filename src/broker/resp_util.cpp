// The pure parts of resp_connection.h: URL parsing and command encoding (no I/O).
#include <boost/url/parse.hpp>
#include <charconv>

#include "broker/resp_connection.h"

namespace rt::broker {
namespace {

// Parses a decimal integer that must fill all of s and lie in [lo, hi].
bool ParseInt(std::string_view s, int lo, int hi, int* out) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) return false;
  *out = v;
  return true;
}

}  // namespace

std::string RedisEndpoint::Describe() const {
  std::string h = host.find(':') == std::string::npos ? host : "[" + host + "]";
  return h + ":" + std::to_string(port) + "/" + std::to_string(db);
}

Result<RedisEndpoint> ParseRedisUrl(std::string_view url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return Error::Validation("invalid Redis URL (expected redis://[user:password@]host[:port][/db])");
  RedisEndpoint ep;
  if (u->scheme() == "rediss") {
    ep.tls = true;
  } else if (u->scheme() != "redis") {
    return Error::Validation("invalid Redis URL scheme '" + std::string(u->scheme()) + "' (expected redis://)");
  }
  std::string host = u->host_address();
  if (!host.empty()) ep.host = std::move(host);
  if (u->has_port()) {
    int port = 0;
    if (!ParseInt(u->port(), 1, 65535, &port)) return Error::Validation("invalid port in Redis URL");
    ep.port = static_cast<uint16_t>(port);
  }
  // A user without a password is ignored (no AUTH), as the readiness probe does.
  if (u->has_password()) {
    ep.user = u->user();
    ep.password = u->password();
  }
  std::string path = u->path();
  if (path.size() > 1) {
    if (!ParseInt(std::string_view(path).substr(1), 0, 1 << 20, &ep.db)) {
      return Error::Validation("invalid database number in Redis URL: " + path.substr(1));
    }
  }
  return ep;
}

void AppendCommand(std::string* out, const std::vector<std::string>& args) {
  size_t size = 16;
  for (const auto& a : args) size += a.size() + 16;
  out->reserve(out->size() + size);
  *out += '*';
  *out += std::to_string(args.size());
  *out += "\r\n";
  for (const auto& a : args) {
    *out += '$';
    *out += std::to_string(a.size());
    *out += "\r\n";
    *out += a;
    *out += "\r\n";
  }
}

std::string EncodeCommand(const std::vector<std::string>& args) {
  std::string out;
  AppendCommand(&out, args);
  return out;
}

}  // namespace rt::broker
