#include "webhooks/address_policy.h"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <array>
#include <charconv>
#include <cstdint>

namespace rt::webhooks {
namespace {

// True when the top `bits` bits of a and b agree.
bool InPrefix(uint32_t a, uint32_t net, int bits) {
  uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

constexpr uint32_t V4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) { return a << 24 | b << 16 | c << 8 | d; }

AddressClass ClassifyV4(uint32_t a) {
  if (a == V4(169, 254, 169, 254) || a == V4(169, 254, 170, 2)) return AddressClass::kMetadata;
  if (InPrefix(a, V4(0, 0, 0, 0), 8)) return AddressClass::kUnspecified;
  if (InPrefix(a, V4(127, 0, 0, 0), 8)) return AddressClass::kLoopback;
  if (InPrefix(a, V4(10, 0, 0, 0), 8) || InPrefix(a, V4(172, 16, 0, 0), 12) ||
      InPrefix(a, V4(192, 168, 0, 0), 16) || InPrefix(a, V4(100, 64, 0, 0), 10)) {
    return AddressClass::kPrivate;
  }
  if (InPrefix(a, V4(169, 254, 0, 0), 16)) return AddressClass::kLinkLocal;
  if (InPrefix(a, V4(224, 0, 0, 0), 4)) return AddressClass::kMulticast;
  if (InPrefix(a, V4(240, 0, 0, 0), 4) ||  // includes 255.255.255.255
      InPrefix(a, V4(192, 0, 0, 0), 24) || InPrefix(a, V4(198, 18, 0, 0), 15) ||
      InPrefix(a, V4(192, 0, 2, 0), 24) || InPrefix(a, V4(198, 51, 100, 0), 24) ||
      InPrefix(a, V4(203, 0, 113, 0), 24)) {
    return AddressClass::kReserved;
  }
  return AddressClass::kPublic;
}

uint32_t Embedded(const std::array<unsigned char, 16>& b, size_t at) {
  return uint32_t{b[at]} << 24 | uint32_t{b[at + 1]} << 16 | uint32_t{b[at + 2]} << 8 | b[at + 3];
}

bool Zero(const std::array<unsigned char, 16>& b, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) {
    if (b[i] != 0) return false;
  }
  return true;
}

AddressClass ClassifyV6(const std::array<unsigned char, 16>& b) {
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible; :: and ::1 are handled by the v4 table
  // as 0/8 -> unspecified, and explicitly below for ::1).
  if (Zero(b, 0, 10) && b[10] == 0xff && b[11] == 0xff) return ClassifyV4(Embedded(b, 12));
  if (Zero(b, 0, 15) && b[15] == 1) return AddressClass::kLoopback;
  if (Zero(b, 0, 12)) return ClassifyV4(Embedded(b, 12));
  // 64:ff9b::/96 (NAT64 well-known prefix) and 64:ff9b:1::/48 (local-use NAT64).
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
    if (Zero(b, 4, 12)) return ClassifyV4(Embedded(b, 12));
    if (b[4] == 0x00 && b[5] == 0x01) return AddressClass::kReserved;
  }
  // fd00:ec2::254, the AWS metadata service over IPv6 (inside fc00::/7, so checked first).
  static constexpr std::array<unsigned char, 16> kAwsMetadata = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0,
                                                                 0,    0,    0,    0,    0, 0, 0x02, 0x54};
  if (b == kAwsMetadata) return AddressClass::kMetadata;
  if ((b[0] & 0xfe) == 0xfc) return AddressClass::kPrivate;                      // fc00::/7
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;    // fe80::/10
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return AddressClass::kPrivate;      // fec0::/10
  if (b[0] == 0xff) return AddressClass::kMulticast;                             // ff00::/8
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return AddressClass::kReserved;
  if (b[0] == 0x01 && Zero(b, 1, 8)) return AddressClass::kReserved;             // 100::/64
  if (b[0] == 0x20 && b[1] == 0x02) {                                            // 2002::/16, 6to4
    AddressClass embedded = ClassifyV4(Embedded(b, 2));
    if (embedded != AddressClass::kPublic) return embedded;
  }
  return AddressClass::kPublic;
}

bool HostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_';
}

Error Invalid(std::string why) { return Error::Validation("invalid webhook URL: " + std::move(why)); }

}  // namespace

AddressClass Classify(const boost::asio::ip::address& address) {
  if (address.is_v4()) return ClassifyV4(address.to_v4().to_uint());
  return ClassifyV6(address.to_v6().to_bytes());
}

Result<AddressClass> ClassifyText(std::string_view ip) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(ip, ec);
  if (ec) return Error::Validation("not an IP address: " + std::string(ip));
  return Classify(address);
}

std::string_view AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic: return "public";
    case AddressClass::kLoopback: return "loopback";
    case AddressClass::kPrivate: return "private";
    case AddressClass::kLinkLocal: return "link-local";
    case AddressClass::kMetadata: return "metadata";
    case AddressClass::kUnspecified: return "unspecified";
    case AddressClass::kMulticast: return "multicast";
    case AddressClass::kReserved: return "reserved";
  }
  return "reserved";
}

bool Allowed(AddressClass c, bool allow_private) {
  switch (c) {
    case AddressClass::kPublic: return true;
    case AddressClass::kLoopback:
    case AddressClass::kPrivate:
    case AddressClass::kLinkLocal: return allow_private;
    case AddressClass::kMetadata:
    case AddressClass::kUnspecified:
    case AddressClass::kMulticast:
    case AddressClass::kReserved: return false;
  }
  return false;
}

std::string WebhookUrl::HostHeader() const {
  std::string h = host.find(':') == std::string::npos ? host : "[" + host + "]";
  if (!default_port()) h += ":" + port;
  return h;
}

std::string WebhookUrl::Origin() const {
  std::string h = host.find(':') == std::string::npos ? host : "[" + host + "]";
  return scheme + "://" + h + ":" + port;
}

Result<WebhookUrl> ParseWebhookUrl(std::string_view url) {
  if (url.size() > kMaxWebhookUrlLength) {
    return Invalid("longer than " + std::to_string(kMaxWebhookUrlLength) + " characters");
  }
  auto u = boost::urls::parse_absolute_uri(url);  // absolute-URI: a fragment is a parse error
  if (!u) {
    auto with_fragment = boost::urls::parse_uri(url);
    if (with_fragment && with_fragment->has_fragment()) return Invalid("a fragment (#...) is not allowed");
    return Invalid("not an absolute URL");
  }
  WebhookUrl out;
  switch (u->scheme_id()) {
    case boost::urls::scheme::http: out.scheme = "http"; break;
    case boost::urls::scheme::https: out.scheme = "https"; break;
    default: return Invalid("the scheme must be http or https");
  }
  if (!u->has_authority()) return Invalid("no host");
  if (u->has_userinfo()) return Invalid("credentials (user:password@) are not allowed");
  switch (u->host_type()) {
    case boost::urls::host_type::ipv4: out.host = u->host_address(); break;
    case boost::urls::host_type::ipv6: out.host = u->host_address(); break;
    case boost::urls::host_type::name: {
      std::string_view encoded = u->encoded_host();
      if (encoded.empty()) return Invalid("no host");
      for (char c : encoded) {
        if (!HostNameChar(c)) return Invalid("unsupported character in the host name");
      }
      out.host.reserve(encoded.size());
      for (char c : encoded) out.host += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      break;
    }
    default: return Invalid("unsupported host");
  }
  if (u->has_port()) {
    std::string_view p = u->port();
    int port = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size() || port < 1 || port > 65535) {
      return Invalid("bad port");
    }
    out.port = std::to_string(port);  // drops leading zeros
  } else {
    out.port = out.tls() ? "443" : "80";
  }
  out.target = u->encoded_path().empty() ? "/" : std::string(u->encoded_path());
  if (u->has_query()) {
    out.target += '?';
    out.target += u->encoded_query();
  }
  return out;
}

}  // namespace rt::webhooks
