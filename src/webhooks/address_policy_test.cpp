// The SSRF address policy and the webhook URL parser (pure; no network).
#include "webhooks/address_policy.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>

namespace rt::webhooks {
namespace {

AddressClass C(const char* ip) {
  auto r = ClassifyText(ip);
  EXPECT_TRUE(r.ok()) << ip;
  return r.ok() ? *r : AddressClass::kPublic;
}

TEST(AddressPolicy, Ipv4Classes) {
  struct Case {
    const char* ip;
    AddressClass want;
  };
  const Case cases[] = {
      {"8.8.8.8", AddressClass::kPublic},           {"1.1.1.1", AddressClass::kPublic},
      {"127.0.0.1", AddressClass::kLoopback},       {"127.255.255.254", AddressClass::kLoopback},
      {"10.0.0.1", AddressClass::kPrivate},         {"10.255.255.255", AddressClass::kPrivate},
      {"172.16.0.1", AddressClass::kPrivate},       {"172.31.255.255", AddressClass::kPrivate},
      {"172.15.255.255", AddressClass::kPublic},    {"172.32.0.0", AddressClass::kPublic},
      {"192.168.1.1", AddressClass::kPrivate},      {"192.169.0.1", AddressClass::kPublic},
      {"100.64.0.1", AddressClass::kPrivate},       {"100.127.255.255", AddressClass::kPrivate},
      {"100.63.255.255", AddressClass::kPublic},    {"100.128.0.0", AddressClass::kPublic},
      {"169.254.1.1", AddressClass::kLinkLocal},    {"169.254.169.254", AddressClass::kMetadata},
      {"169.254.170.2", AddressClass::kMetadata},   {"169.254.170.3", AddressClass::kLinkLocal},
      {"0.0.0.0", AddressClass::kUnspecified},      {"0.1.2.3", AddressClass::kUnspecified},
      {"224.0.0.1", AddressClass::kMulticast},      {"239.255.255.255", AddressClass::kMulticast},
      {"240.0.0.1", AddressClass::kReserved},       {"255.255.255.255", AddressClass::kReserved},
      {"192.0.0.8", AddressClass::kReserved},       {"198.18.0.1", AddressClass::kReserved},
      {"198.19.255.255", AddressClass::kReserved},  {"198.20.0.0", AddressClass::kPublic},
      {"192.0.2.1", AddressClass::kReserved},       {"198.51.100.7", AddressClass::kReserved},
      {"203.0.113.9", AddressClass::kReserved},     {"223.255.255.255", AddressClass::kPublic},
  };
  for (const auto& c : cases) EXPECT_EQ(C(c.ip), c.want) << c.ip;
}

TEST(AddressPolicy, Ipv6Classes) {
  struct Case {
    const char* ip;
    AddressClass want;
  };
  const Case cases[] = {
      {"2606:4700:4700::1111", AddressClass::kPublic},
      {"::1", AddressClass::kLoopback},
      {"::", AddressClass::kUnspecified},
      {"fc00::1", AddressClass::kPrivate},
      {"fdff:ffff::1", AddressClass::kPrivate},
      {"fec0::1", AddressClass::kPrivate},
      {"fe80::1", AddressClass::kLinkLocal},
      {"febf::1", AddressClass::kLinkLocal},
      {"ff02::1", AddressClass::kMulticast},
      {"fd00:ec2::254", AddressClass::kMetadata},
      {"fd00:ec2::255", AddressClass::kPrivate},
      {"2001:db8::1", AddressClass::kReserved},
      {"100::1", AddressClass::kReserved},
      // IPv4 embedded in IPv6: mapped, compatible, NAT64, 6to4.
      {"::ffff:127.0.0.1", AddressClass::kLoopback},
      {"::ffff:169.254.169.254", AddressClass::kMetadata},
      {"::ffff:10.1.2.3", AddressClass::kPrivate},
      {"::ffff:8.8.8.8", AddressClass::kPublic},
      {"::127.0.0.1", AddressClass::kLoopback},
      {"::10.0.0.1", AddressClass::kPrivate},
      {"64:ff9b::127.0.0.1", AddressClass::kLoopback},
      {"64:ff9b::a9fe:a9fe", AddressClass::kMetadata},
      {"64:ff9b::8.8.8.8", AddressClass::kPublic},
      {"64:ff9b:1::1", AddressClass::kReserved},
      {"2002:7f00:1::1", AddressClass::kLoopback},
      {"2002:0808:0808::1", AddressClass::kPublic},
  };
  for (const auto& c : cases) EXPECT_EQ(C(c.ip), c.want) << c.ip;
}

TEST(AddressPolicy, ClassifyTakesAsioAddresses) {
  EXPECT_EQ(Classify(boost::asio::ip::make_address("127.0.0.1")), AddressClass::kLoopback);
  EXPECT_EQ(Classify(boost::asio::ip::address_v6::loopback()), AddressClass::kLoopback);
  EXPECT_FALSE(ClassifyText("localhost").ok());
  EXPECT_FALSE(ClassifyText("").ok());
}

TEST(AddressPolicy, AllowedAndNames) {
  EXPECT_TRUE(Allowed(AddressClass::kPublic, false));
  for (auto c : {AddressClass::kLoopback, AddressClass::kPrivate, AddressClass::kLinkLocal, AddressClass::kMetadata,
                 AddressClass::kUnspecified, AddressClass::kMulticast, AddressClass::kReserved}) {
    EXPECT_FALSE(Allowed(c, false)) << AddressClassName(c);
  }
  for (auto c : {AddressClass::kPublic, AddressClass::kLoopback, AddressClass::kPrivate, AddressClass::kLinkLocal}) {
    EXPECT_TRUE(Allowed(c, true)) << AddressClassName(c);
  }
  for (auto c : {AddressClass::kMetadata, AddressClass::kUnspecified, AddressClass::kMulticast,
                 AddressClass::kReserved}) {
    EXPECT_FALSE(Allowed(c, true)) << AddressClassName(c);
  }
  EXPECT_EQ(AddressClassName(AddressClass::kLinkLocal), "link-local");
  EXPECT_EQ(AddressClassName(AddressClass::kMetadata), "metadata");
  EXPECT_EQ(AddressClassName(AddressClass::kPublic), "public");
}

TEST(WebhookUrl, ParsesHttpAndHttps) {
  auto a = ParseWebhookUrl("https://Example.COM/hooks/in?x=1&y=%20z");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->scheme, "https");
  EXPECT_EQ(a->host, "example.com");
  EXPECT_EQ(a->port, "443");
  EXPECT_EQ(a->target, "/hooks/in?x=1&y=%20z");
  EXPECT_TRUE(a->tls());
  EXPECT_EQ(a->HostHeader(), "example.com");
  EXPECT_EQ(a->Origin(), "https://example.com:443");

  auto b = ParseWebhookUrl("HTTP://hooks.internal:8080");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->scheme, "http");
  EXPECT_EQ(b->port, "8080");
  EXPECT_EQ(b->target, "/");
  EXPECT_EQ(b->HostHeader(), "hooks.internal:8080");

  auto c = ParseWebhookUrl("http://127.0.0.1:80/x");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->HostHeader(), "127.0.0.1");  // default port omitted

  auto q = ParseWebhookUrl("https://h.example?only=query");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->target, "/?only=query");

  auto z = ParseWebhookUrl("http://h:0080/");
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->port, "80");
}

TEST(WebhookUrl, BracketedIpv6) {
  auto v6 = ParseWebhookUrl("https://[2001:db8::1]:8443/in");
  ASSERT_TRUE(v6.ok()) << v6.error().message;
  EXPECT_EQ(v6->host, "2001:db8::1");
  EXPECT_EQ(v6->port, "8443");
  EXPECT_EQ(v6->HostHeader(), "[2001:db8::1]:8443");
  EXPECT_EQ(v6->Origin(), "https://[2001:db8::1]:8443");

  auto lo = ParseWebhookUrl("http://[::1]/");
  ASSERT_TRUE(lo.ok());
  EXPECT_EQ(lo->host, "::1");
  EXPECT_EQ(lo->HostHeader(), "[::1]");
}

TEST(WebhookUrl, Rejects) {
  const char* bad[] = {
      "",
      "example.com/hook",
      "/relative",
      "ftp://example.com/",
      "file:///etc/passwd",
      "gopher://example.com:70/",
      "javascript:alert(1)",
      "https://user:pass@example.com/",
      "https://user@example.com/",
      "https:///path",
      "https://",
      "http:/path",
      "https://example.com/#frag",
      "https://example.com/x#",
      "https://example.com:0/",
      "https://example.com:65536/",
      "https://example.com:99999999999/",
      "https://example.com:/",
      "https://example.com:-1/",
      "https://exa%6dple.com/",
      "https://exa!mple.com/",
      "https://[v1.fe]/",
      "https://[::1/",
      "https://example.com/a b",
      "https://example.com/\r\nX: y",
  };
  for (const char* url : bad) {
    auto r = ParseWebhookUrl(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation) << url;
    EXPECT_EQ(r.error().message.rfind("invalid webhook URL: ", 0), 0u) << r.error().message;
  }
  EXPECT_NE(ParseWebhookUrl("https://example.com/#frag").error().message.find("fragment"), std::string::npos);
}

TEST(WebhookUrl, LengthLimit) {
  std::string base = "https://example.com/";
  std::string ok = base + std::string(kMaxWebhookUrlLength - base.size(), 'a');
  EXPECT_TRUE(ParseWebhookUrl(ok).ok());
  auto too_long = ParseWebhookUrl(ok + "a");
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message.find("longer than 2048"), std::string::npos);
}

}  // namespace
}  // namespace rt::webhooks
