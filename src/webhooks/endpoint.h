// Webhook endpoints: the event types of spec/23-api-webhooks.md, how a routed event maps to one,
// and the validation of an endpoint definition (POST /api/webhooks). See docs/webhooks.md.
//
// Event types: document.updated (sync creates and updates), document.deleted, presence.updated
// (presence joins and leaves), socket.message (events published by clients or REST),
// socket.connect / socket.disconnect (connections binding and closing), database.event (CDC and
// outbox), and `*` for all of them. Beyond the spec an endpoint may list topic patterns
// (`topics: ["session.*"]`, the token glob syntax): an event is delivered when its type is listed
// OR its topic matches a pattern. Direct messages (`direct:*`) are never delivered.
//
// Thread safety: pure functions and plain values.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/result.h"
#include "events/event.h"

namespace rt::webhooks {

inline constexpr std::array<std::string_view, 7> kEventTypes = {
    "document.updated", "document.deleted", "presence.updated", "socket.message",
    "socket.connect",   "socket.disconnect", "database.event"};

// Signature schemes: the spec's X-Webhook-Signature, or Standard Webhooks (webhook-* headers).
inline constexpr std::string_view kSchemeRealtime = "realtime";
inline constexpr std::string_view kSchemeStandard = "standard";

bool IsEventType(std::string_view type);

// The webhook event type of an event, or "" for events no type covers (direct messages).
std::string_view EventTypeOf(const events::RealtimeEvent& e);

// What POST /api/webhooks accepts, validated.
struct EndpointSpec {
  std::string url;
  std::string secret;
  std::vector<std::string> events;  // event types, possibly "*"
  std::vector<std::string> topics;  // topic patterns
  std::string signature_scheme = std::string(kSchemeRealtime);
  int max_concurrency = 10;       // deliveries in flight to this endpoint per worker, 1..100
  std::string ordering = "none";  // "none" | "fifo" (one at a time, in event order)
  std::string description;
  bool active = true;
};

// Where an endpoint may point (checked at creation; the resolved address is checked again at
// every send by the HTTP client).
struct UrlRules {
  bool allow_http = false;     // development, or REALTIME_WEBHOOK_ALLOW_HTTP=true
  bool allow_private = false;  // REALTIME_WEBHOOK_ALLOW_PRIVATE=true
};

// ValidationError naming the field for anything malformed: url (absolute http(s), https unless
// allow_http, no credentials, not a literal loopback/private/link-local/metadata address or
// `localhost` unless allow_private), secret (8-256 characters; `whsec_` + base64 for the
// standard scheme), events (known types; events or topics must not both be empty), topics
// (1-200 characters each, at most 50), signatureScheme, maxConcurrency, ordering, description.
Result<EndpointSpec> ParseEndpointSpec(const boost::json::value& body, const UrlRules& rules);

// Checks only the URL (also used for a stored endpoint at send time).
Status ValidateEndpointUrl(std::string_view url, const UrlRules& rules);

// True when an endpoint with these types and patterns wants this event (type as EventTypeOf).
bool EndpointWants(const std::vector<std::string>& types, const std::vector<std::string>& topic_patterns,
                   std::string_view event_type, std::string_view topic);

}  // namespace rt::webhooks
