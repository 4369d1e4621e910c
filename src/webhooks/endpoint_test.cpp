#include "webhooks/endpoint.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "webhooks/delivery.h"
#include "webhooks/signature.h"

namespace rt::webhooks {
namespace {

boost::json::value J(std::string_view text) { return *json::Parse(text); }

constexpr UrlRules kProduction{false, false};
constexpr UrlRules kDevelopment{true, true};

TEST(WebhookEndpoint, ParsesTheSpecExample) {
  auto spec = ParseEndpointSpec(
      J(R"({"url":"https://example.com/webhook","secret":"your-webhook-secret","events":["database.event","document.updated"]})"),
      kProduction);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->url, "https://example.com/webhook");
  EXPECT_EQ(spec->secret, "your-webhook-secret");
  EXPECT_EQ(spec->events, (std::vector<std::string>{"database.event", "document.updated"}));
  EXPECT_TRUE(spec->topics.empty());
  EXPECT_EQ(spec->signature_scheme, "realtime");
  EXPECT_EQ(spec->max_concurrency, 10);
  EXPECT_EQ(spec->ordering, "none");
  EXPECT_TRUE(spec->active);
}

TEST(WebhookEndpoint, AcceptsTopicsAndOptions) {
  auto spec = ParseEndpointSpec(J(R"({"url":"https://h.example/x","secret":"12345678","topics":["session.*"],
      "maxConcurrency":3,"ordering":"fifo","active":false,"description":"d"})"),
                                kProduction);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_TRUE(spec->events.empty());
  EXPECT_EQ(spec->topics, (std::vector<std::string>{"session.*"}));
  EXPECT_EQ(spec->max_concurrency, 3);
  EXPECT_EQ(spec->ordering, "fifo");
  EXPECT_FALSE(spec->active);
}

TEST(WebhookEndpoint, RefusesBadInput) {
  const char* bad[] = {
      R"([])",
      R"({"secret":"12345678","events":["*"]})",
      R"({"url":"ftp://x.example/","secret":"12345678","events":["*"]})",
      R"({"url":"https://user:pw@x.example/","secret":"12345678","events":["*"]})",
      R"({"url":"https://x.example/","events":["*"]})",
      R"({"url":"https://x.example/","secret":"short","events":["*"]})",
      R"({"url":"https://x.example/","secret":"12345678"})",
      R"({"url":"https://x.example/","secret":"12345678","events":[]})",
      R"({"url":"https://x.example/","secret":"12345678","events":["nope"]})",
      R"({"url":"https://x.example/","secret":"12345678","events":"document.updated"})",
      R"({"url":"https://x.example/","secret":"12345678","events":[1]})",
      R"({"url":"https://x.example/","secret":"12345678","events":["*"],"maxConcurrency":0})",
      R"({"url":"https://x.example/","secret":"12345678","events":["*"],"maxConcurrency":101})",
      R"({"url":"https://x.example/","secret":"12345678","events":["*"],"ordering":"lifo"})",
      R"({"url":"https://x.example/","secret":"12345678","events":["*"],"signatureScheme":"x"})",
      R"({"url":"https://x.example/","secret":"12345678","events":["*"],"signatureScheme":"standard"})",
      R"({"url":"https://x.example/","secret":"12345678","events":["*"],"extra":1})",
      R"({"url":"https://x.example/","secret":"12345678","events":["*"],"active":"yes"})",
  };
  for (const char* body : bad) {
    auto spec = ParseEndpointSpec(J(body), kProduction);
    EXPECT_FALSE(spec.ok()) << body;
    if (!spec.ok()) {
      EXPECT_EQ(spec.error().code, ErrorCode::kValidation) << body;
      EXPECT_FALSE(spec.error().message.empty());
    }
  }
}

TEST(WebhookEndpoint, UrlRulesFollowTheEnvironment) {
  EXPECT_FALSE(ValidateEndpointUrl("http://x.example/", kProduction).ok());
  EXPECT_TRUE(ValidateEndpointUrl("http://x.example/", kDevelopment).ok());
  for (const char* url : {"https://127.0.0.1/", "https://10.1.2.3/", "https://192.168.0.1/", "https://172.16.0.1/",
                          "https://[::1]/", "https://localhost:8443/", "https://[fe80::1]/",
                          "https://[::ffff:127.0.0.1]/"}) {
    EXPECT_FALSE(ValidateEndpointUrl(url, kProduction).ok()) << url;
    EXPECT_TRUE(ValidateEndpointUrl(url, UrlRules{false, true}).ok()) << url;
  }
  // Cloud metadata, unspecified and multicast addresses: never, whatever the setting.
  for (const char* url : {"https://169.254.169.254/latest", "https://0.0.0.0/", "https://224.0.0.1/"}) {
    EXPECT_FALSE(ValidateEndpointUrl(url, kProduction).ok()) << url;
    EXPECT_FALSE(ValidateEndpointUrl(url, UrlRules{false, true}).ok()) << url;
  }
  EXPECT_TRUE(ValidateEndpointUrl("https://93.184.216.34/hook", kProduction).ok());
}

TEST(WebhookEndpoint, EventTypesOfRoutedEvents) {
  events::RealtimeEvent e;
  e.source = events::Source::kSync;
  e.type = "sync.updated";
  EXPECT_EQ(EventTypeOf(e), "document.updated");
  e.type = "sync.created";
  EXPECT_EQ(EventTypeOf(e), "document.updated");
  e.type = "sync.deleted";
  EXPECT_EQ(EventTypeOf(e), "document.deleted");
  e.source = events::Source::kDatabase;
  e.type = "database.update";
  EXPECT_EQ(EventTypeOf(e), "database.event");
  e.source = events::Source::kSocket;
  e.topic = "chat.room";
  e.type = "socket.publish";
  EXPECT_EQ(EventTypeOf(e), "socket.message");
  e.topic = "presence:room";
  e.type = "presence.join";
  EXPECT_EQ(EventTypeOf(e), "presence.updated");
  e.topic = "direct:abc";
  e.type = "message";
  EXPECT_EQ(EventTypeOf(e), "");
}

TEST(WebhookEndpoint, EndpointWantsByTypeOrTopic) {
  std::vector<std::string> none;
  EXPECT_TRUE(EndpointWants({"*"}, none, "socket.message", "a.b"));
  EXPECT_TRUE(EndpointWants({"socket.message"}, none, "socket.message", "a.b"));
  EXPECT_FALSE(EndpointWants({"document.updated"}, none, "socket.message", "a.b"));
  EXPECT_TRUE(EndpointWants(none, {"session.*"}, "socket.message", "session.status"));
  EXPECT_FALSE(EndpointWants(none, {"session.*"}, "socket.message", "orders.new"));
  EXPECT_FALSE(EndpointWants({"*"}, none, "", "direct:abc"));           // direct messages: never
  EXPECT_FALSE(EndpointWants(none, {"*"}, "presence.updated", "presence:room"));  // reserved: by type only
  EXPECT_TRUE(EndpointWants({"presence.updated"}, none, "presence.updated", "presence:room"));
}

TEST(WebhookDelivery, SignedHeadersCarryBothSchemes) {
  Endpoint ep;
  ep.id = "wh_1";
  ep.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  ep.signature_scheme = "realtime";
  DeliveryRequest req{"log_1", "socket.message", R"({"id":"evt_1","topic":"t"})", 2};
  auto h = SignedHeaders(ep, req, 1710000000123);
  auto find = [&h](std::string_view name) -> std::string {
    for (const auto& [k, v] : h)
      if (k == name) return v;
    return "<none>";
  };
  EXPECT_EQ(find("X-Webhook-Signature"), SignatureHeader(ep.secret, 1710000000123, req.body));
  EXPECT_EQ(find("X-Webhook-Timestamp"), "1710000000123");
  EXPECT_EQ(find("X-Webhook-Endpoint-Id"), "wh_1");
  EXPECT_EQ(find("X-Webhook-Delivery-Id"), "log_1");
  EXPECT_EQ(find("X-Webhook-Attempt"), "2");
  EXPECT_EQ(find("Content-Type"), "application/json");
  EXPECT_EQ(find("webhook-signature"), "<none>");
  ep.signature_scheme = "standard";
  h = SignedHeaders(ep, req, 1710000000123);
  EXPECT_EQ(find("webhook-id"), "log_1");
  EXPECT_EQ(find("webhook-timestamp"), "1710000000");
  EXPECT_EQ(find("webhook-signature"), StandardSignature(ep.secret, "log_1", 1710000000, req.body));
  EXPECT_EQ(find("webhook-signature").rfind("v1,", 0), 0u);
}

}  // namespace
}  // namespace rt::webhooks
