// The SSRF policy of webhook delivery: which IP addresses a webhook may be sent to, and the
// parser that accepts a webhook URL.
//
// Addresses are checked after DNS resolution, on the very endpoint the client connects to (see
// webhooks/http_client.h), so a host name that resolves to 127.0.0.1 or to a cloud metadata
// service is refused like the literal address would be, and DNS rebinding cannot slip through.
//
// Pure functions: no I/O, no state; safe from any thread. Failure: ParseWebhookUrl returns
// kValidation with a message fit for an API client; the other functions cannot fail.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace boost::asio::ip {
class address;
}  // namespace boost::asio::ip

namespace rt::webhooks {

enum class AddressClass {
  kPublic,       // anything not listed below
  kLoopback,     // 127/8, ::1
  kPrivate,      // 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), fc00::/7, fec0::/10 (old site-local)
  kLinkLocal,    // 169.254/16, fe80::/10
  kMetadata,     // cloud metadata services: 169.254.169.254, 169.254.170.2 (AWS ECS), fd00:ec2::254
  kUnspecified,  // 0/8, ::
  kMulticast,    // 224/4, ff00::/8
  kReserved,     // 240/4, 255.255.255.255, 192.0.0/24, 198.18/15, the TEST-NETs 192.0.2/24,
                 // 198.51.100/24, 203.0.113/24, 2001:db8::/32 (documentation), 100::/64 (discard),
                 // 64:ff9b:1::/48 (local-use NAT64)
};

// IPv6 addresses that embed an IPv4 address are classified by the embedded address:
// IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, and 6to4 2002::/16
// (the latter only when the embedded address is not public; a 6to4 address is otherwise public).
AddressClass Classify(const boost::asio::ip::address& address);

// Classifies a textual address (no brackets, no port); kValidation when it is not an IP address.
Result<AddressClass> ClassifyText(std::string_view ip);

// "public", "loopback", "private", "link-local", "metadata", "unspecified", "multicast", "reserved".
std::string_view AddressClassName(AddressClass c);

// Whether a webhook may connect to an address of class c.
//  - allow_private = false (production default): only kPublic.
//  - allow_private = true (REALTIME_WEBHOOK_ALLOW_PRIVATE, for development and private networks):
//    also kLoopback, kPrivate and kLinkLocal. Metadata services stay refused (reaching them is the
//    classic SSRF credential theft and no receiver lives there), and so do kUnspecified (0.0.0.0
//    silently means "this host"), kMulticast and kReserved (nothing to POST to).
bool Allowed(AddressClass c, bool allow_private);

// A webhook URL, split for the HTTP client.
struct WebhookUrl {
  std::string scheme;  // "http" or "https" (lower case)
  std::string host;    // lower-case host name, or an IP literal without brackets ("::1")
  std::string port;    // decimal, "80"/"443" when the URL has none
  std::string target;  // encoded path and query, at least "/"

  bool tls() const { return scheme == "https"; }
  bool default_port() const { return port == (tls() ? "443" : "80"); }
  // The Host header value: host (bracketed when IPv6) plus ":port" when not the default.
  std::string HostHeader() const;
  // scheme://host:port (IPv6 bracketed), the key of the connection pool and a safe log label.
  std::string Origin() const;
};

inline constexpr size_t kMaxWebhookUrlLength = 2048;

// Accepts absolute http:// and https:// URLs with a non-empty host. Rejects (kValidation): other
// schemes, userinfo (user:pass@), an empty host, percent-encoded or unusual characters in a host
// name, IPvFuture literals, a fragment, an empty, zero, non-numeric or > 65535 port, and URLs
// longer than kMaxWebhookUrlLength. Host names are not resolved here: any name is accepted and the
// address policy applies to what it resolves to at send time.
Result<WebhookUrl> ParseWebhookUrl(std::string_view url);

}  // namespace rt::webhooks
