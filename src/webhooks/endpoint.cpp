#include "webhooks/endpoint.h"

#include <algorithm>

#include <boost/asio/ip/address.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "auth/permissions.h"
#include "webhooks/address_policy.h"
#include "webhooks/signature.h"

namespace rt::webhooks {
namespace {

constexpr size_t kMaxTopics = 50;

Result<std::vector<std::string>> StringList(const boost::json::object& o, std::string_view key, bool* present) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(key);
  *present = v != nullptr && !v->is_null();
  if (!*present) return out;
  if (!v->is_array()) return Error::Validation(std::string(key) + " must be an array of strings");
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) return Error::Validation(std::string(key) + " must be an array of strings");
    std::string s(item.get_string());
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  return out;
}

Result<std::string> OptionalString(const boost::json::object& o, std::string_view key, std::string fallback) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_string()) return Error::Validation(std::string(key) + " must be a string");
  return std::string(v->get_string());
}

}  // namespace

bool IsEventType(std::string_view type) {
  return std::find(kEventTypes.begin(), kEventTypes.end(), type) != kEventTypes.end();
}

std::string_view EventTypeOf(const events::RealtimeEvent& e) {
  switch (e.source) {
    case events::Source::kDatabase:
      return "database.event";
    case events::Source::kSync:
      if (e.type == "sync.deleted") return "document.deleted";
      if (e.type.starts_with("presence.")) return "presence.updated";
      return "document.updated";  // sync.created counts as an update (from nothing)
    case events::Source::kSocket:
      if (e.topic.starts_with("direct:")) return {};
      if (e.topic.starts_with("presence:") || e.type.starts_with("presence.")) return "presence.updated";
      if (e.type == "socket.connect" || e.type == "socket.disconnect") return e.type;
      return "socket.message";
  }
  return {};
}

bool EndpointWants(const std::vector<std::string>& types, const std::vector<std::string>& topic_patterns,
                   std::string_view event_type, std::string_view topic) {
  if (event_type.empty()) return false;  // direct messages
  for (const auto& t : types)
    if (t == "*" || t == event_type) return true;
  if (topic.starts_with("presence:") || topic.starts_with("direct:")) return false;  // reserved: by type only
  for (const auto& p : topic_patterns)
    if (auth::GlobMatch(p, topic)) return true;
  return false;
}

Status ValidateEndpointUrl(std::string_view url, const UrlRules& rules) {
  auto parsed = ParseWebhookUrl(url);
  if (!parsed.ok()) return Error::Validation("url: " + parsed.error().message);
  if (parsed->scheme != "https" && !rules.allow_http)
    return Error::Validation("url must use https (set REALTIME_WEBHOOK_ALLOW_HTTP=true to allow http)");
  std::string host = parsed->host;
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!rules.allow_private && (host == "localhost" || host.ends_with(".localhost")))
    return Error::Validation("url must not point to localhost (set REALTIME_WEBHOOK_ALLOW_PRIVATE=true to allow it)");
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (!ec) {
    AddressClass c = Classify(address);
    if (!Allowed(c, rules.allow_private))
      return Error::Validation("url must not point to a " + std::string(AddressClassName(c)) + " address (" + host +
                               (Allowed(c, true) ? "); set REALTIME_WEBHOOK_ALLOW_PRIVATE=true to allow it" : ")"));
  }
  return Ok();
}

Result<EndpointSpec> ParseEndpointSpec(const boost::json::value& body, const UrlRules& rules) {
  if (!body.is_object()) return Error::Validation("Request body must be a JSON object");
  const auto& o = body.get_object();
  for (const auto& [key, _] : o) {
    static constexpr std::string_view kKnown[] = {"url",      "secret",         "events",   "topics",     "active",
                                                  "signatureScheme", "maxConcurrency", "ordering", "description"};
    if (std::find(std::begin(kKnown), std::end(kKnown), std::string_view(key)) == std::end(kKnown))
      return Error::Validation("Unknown field: " + std::string(key));
  }
  EndpointSpec spec;
  const auto* url = o.if_contains("url");
  if (url == nullptr || !url->is_string() || url->get_string().empty())
    return Error::Validation("url is required (an https URL)");
  spec.url = std::string(url->get_string());
  RT_TRY(ValidateEndpointUrl(spec.url, rules));

  auto scheme = OptionalString(o, "signatureScheme", std::string(kSchemeRealtime));
  if (!scheme.ok()) return scheme.take_error();
  if (*scheme != kSchemeRealtime && *scheme != kSchemeStandard)
    return Error::Validation("signatureScheme must be \"realtime\" or \"standard\"");
  spec.signature_scheme = *scheme;

  const auto* secret = o.if_contains("secret");
  if (secret == nullptr || !secret->is_string() || secret->get_string().empty())
    return Error::Validation("secret is required (the shared secret for HMAC-SHA256 signing)");
  spec.secret = std::string(secret->get_string());
  if (spec.secret.size() < 8 || spec.secret.size() > 256)
    return Error::Validation("secret must be 8-256 characters");
  if (spec.signature_scheme == kSchemeStandard) {
    if (Status st = ValidateStandardSecret(spec.secret); !st.ok())
      return Error::Validation("secret: " + st.error().message);
  }

  bool has_events = false, has_topics = false;
  auto events = StringList(o, "events", &has_events);
  if (!events.ok()) return events.take_error();
  for (const auto& e : *events)
    if (e != "*" && !IsEventType(e))
      return Error::Validation("events: unknown event type \"" + e +
                               "\" (document.updated, document.deleted, presence.updated, socket.message, "
                               "socket.connect, socket.disconnect, database.event, or *)");
  spec.events = std::move(*events);
  auto topics = StringList(o, "topics", &has_topics);
  if (!topics.ok()) return topics.take_error();
  if (topics->size() > kMaxTopics) return Error::Validation("topics: at most 50 patterns");
  for (const auto& t : *topics)
    if (t.empty() || t.size() > 200) return Error::Validation("topics: each pattern must be 1-200 characters");
  spec.topics = std::move(*topics);
  if (!has_events && !has_topics) return Error::Validation("events is required (an array of event types)");
  if (spec.events.empty() && spec.topics.empty())
    return Error::Validation("events must list at least one event type (or topics one pattern)");

  if (const auto* a = o.if_contains("active"); a != nullptr && !a->is_null()) {
    if (!a->is_bool()) return Error::Validation("active must be a boolean");
    spec.active = a->get_bool();
  }
  if (const auto* c = o.if_contains("maxConcurrency"); c != nullptr && !c->is_null()) {
    if (!c->is_int64() && !c->is_uint64()) return Error::Validation("maxConcurrency must be an integer 1-100");
    int64_t n = c->is_int64() ? c->get_int64() : static_cast<int64_t>(std::min<uint64_t>(c->get_uint64(), 1000));
    if (n < 1 || n > 100) return Error::Validation("maxConcurrency must be an integer 1-100");
    spec.max_concurrency = static_cast<int>(n);
  }
  auto ordering = OptionalString(o, "ordering", "none");
  if (!ordering.ok()) return ordering.take_error();
  if (*ordering != "none" && *ordering != "fifo") return Error::Validation("ordering must be \"none\" or \"fifo\"");
  spec.ordering = *ordering;
  auto description = OptionalString(o, "description", "");
  if (!description.ok()) return description.take_error();
  if (description->size() > 500) return Error::Validation("description must be at most 500 characters");
  spec.description = *description;
  return spec;
}

}  // namespace rt::webhooks
