#include "protocol/native_protocol.h"

#include "core/json.h"

namespace rt::protocol::native {
namespace {

ProtocolError Bad(const char* c, std::string m, const std::optional<std::string>& rid) { return {c, std::move(m), rid}; }

void AppendRequestId(std::string& out, const std::optional<std::string>& rid) {
  if (!rid) return;
  out += ",\"requestId\":";
  out += *rid;  // already JSON
}

std::string Simple(std::string_view type, std::initializer_list<std::pair<std::string_view, std::string_view>> fields,
                   const std::optional<std::string>& rid) {
  std::string out = "{\"type\":";
  json::AppendQuoted(out, type);
  for (const auto& [k, v] : fields) {
    out += ',';
    json::AppendQuoted(out, k);
    out += ':';
    json::AppendQuoted(out, v);
  }
  AppendRequestId(out, rid);
  out += '}';
  return out;
}

// Reads a required non-empty string field.
const boost::json::string* RequiredString(const boost::json::object& o, std::string_view key) {
  auto* s = json::GetString(o, key);
  return s && !s->empty() ? s : nullptr;
}

}  // namespace

ParseResult ParseClientMessage(std::string_view text) {
  auto parsed = json::Parse(text);
  if (!parsed.ok()) return {std::nullopt, Bad(code::kInvalidJson, "Message is not valid JSON", std::nullopt)};
  if (!parsed->is_object())
    return {std::nullopt, Bad(code::kInvalidMessage, "Message must be a JSON object with a type", std::nullopt)};
  const auto& o = parsed->get_object();
  ClientMessage m;
  if (auto* rid = o.if_contains("requestId")) {
    // Kept as JSON text so the reply echoes the same type (string or integer).
    if (rid->is_string() && rid->get_string().size() <= 128) m.request_id = json::Serialize(*rid);
    else if (rid->is_int64() || rid->is_uint64()) m.request_id = json::Serialize(*rid);
  }
  auto* type = json::GetString(o, "type");
  if (!type) return {std::nullopt, Bad(code::kInvalidMessage, "Message needs a string field 'type'", m.request_id)};

  if (*type == "ping") {
    m.type = Type::kPing;
  } else if (*type == "whoami") {
    m.type = Type::kWhoami;
  } else if (*type == "join" || *type == "leave") {
    auto* c = RequiredString(o, "channel");
    if (!c) return {std::nullopt, Bad(code::kInvalidMessage, std::string(*type) + " needs a string 'channel'", m.request_id)};
    m.type = *type == "join" ? Type::kJoin : Type::kLeave;
    m.channel = std::string(*c);
  } else if (*type == "channel.publish" || *type == "direct") {
    bool direct = *type == "direct";
    auto* target = RequiredString(o, direct ? "socketId" : "channel");
    auto* ev = RequiredString(o, "event");
    if (!target || !ev)
      return {std::nullopt, Bad(code::kInvalidMessage,
                                std::string(*type) + (direct ? " needs 'socketId' and 'event'" : " needs 'channel' and 'event'"),
                                m.request_id)};
    m.type = direct ? Type::kDirect : Type::kChannelPublish;
    (direct ? m.target : m.channel) = std::string(*target);
    m.event_type = std::string(*ev);
    if (auto* d = o.if_contains("data")) m.data = *d;
  } else if (*type == "auth") {
    auto* t = RequiredString(o, "token");
    if (!t) return {std::nullopt, Bad(code::kInvalidMessage, "auth needs a 'token'", m.request_id)};
    m.type = Type::kAuth;
    m.token = std::string(*t);
  } else if (*type == "subscribe") {
    auto* t = RequiredString(o, "topic");
    if (!t) return {std::nullopt, Bad(code::kInvalidMessage, "subscribe needs a string 'topic'", m.request_id)};
    m.type = Type::kSubscribe;
    m.topic = std::string(*t);
    if (auto* f = o.if_contains("filter")) m.filter = *f;
    if (auto* rm = o.if_contains("returnMode"); rm && !rm->is_null()) {
      if (!rm->is_string())
        return {std::nullopt, Bad(code::kInvalidMessage, "returnMode must be full, diff or both", m.request_id)};
      m.return_mode = std::string(rm->get_string());
    }
  } else if (*type == "unsubscribe") {
    auto* s = RequiredString(o, "subscriptionId");
    if (!s) return {std::nullopt, Bad(code::kInvalidMessage, "unsubscribe needs a 'subscriptionId'", m.request_id)};
    m.type = Type::kUnsubscribe;
    m.subscription_id = std::string(*s);
  } else if (*type == "publish") {
    auto* t = RequiredString(o, "topic");
    if (!t) return {std::nullopt, Bad(code::kInvalidMessage, "publish needs a string 'topic'", m.request_id)};
    m.type = Type::kPublish;
    m.topic = std::string(*t);
    auto* p = o.if_contains("payload");
    if (!p || !p->is_object())
      return {std::nullopt, Bad(code::kInvalidPayload, "publish needs 'payload' to be a JSON object", m.request_id)};
    m.payload = p->get_object();
    for (const char* k : {"eventType", "event"}) {
      if (auto* et = o.if_contains(k); et && !et->is_null()) {
        if (!et->is_string() || et->get_string().empty())
          return {std::nullopt, Bad(code::kInvalidMessage, "eventType must be a non-empty string", m.request_id)};
        m.event_type = std::string(et->get_string());
      }
    }
  } else {
    return {std::nullopt, Bad(code::kUnknownType, "Unknown message type '" + std::string(json::Utf8Prefix(*type, 64)) + "'",
                              m.request_id)};
  }
  return {std::move(m), std::nullopt};
}

std::string Subscribed(const std::string& sid, const std::string& topic, const std::optional<std::string>& rid) {
  return Simple("subscribed", {{"subscriptionId", sid}, {"topic", topic}}, rid);
}
std::string Unsubscribed(const std::string& sid, const std::optional<std::string>& rid) {
  return Simple("unsubscribed", {{"subscriptionId", sid}}, rid);
}
std::string Published(const std::string& id, const std::optional<std::string>& rid) {
  return Simple("published", {{"id", id}}, rid);
}
std::string Pong(const std::optional<std::string>& rid) { return Simple("pong", {}, rid); }
std::string Authenticated(const std::string& app, const std::string& env, const std::string& subject,
                          const std::optional<std::string>& rid) {
  return Simple("authenticated", {{"applicationId", app}, {"environment", env}, {"subject", subject}}, rid);
}
std::string Joined(const std::string& channel, const std::string& member_fields, const std::optional<std::string>& rid) {
  std::string out = "{\"type\":\"joined\",\"channel\":";
  json::AppendQuoted(out, channel);
  out += ',';
  out += member_fields;
  AppendRequestId(out, rid);
  out += '}';
  return out;
}
std::string Left(const std::string& channel, const std::optional<std::string>& rid) {
  return Simple("left", {{"channel", channel}}, rid);
}
std::string Sent(const std::string& id, const std::optional<std::string>& rid) { return Simple("sent", {{"id", id}}, rid); }
std::string SubscriptionRevoked(const std::string& sid, const std::string& topic, const std::string& reason) {
  return Simple("unsubscribed", {{"subscriptionId", sid}, {"topic", topic}, {"reason", reason}}, std::nullopt);
}
std::string ChannelRevoked(const std::string& channel, const std::string& reason) {
  return Simple("left", {{"channel", channel}, {"reason", reason}}, std::nullopt);
}
std::string Whoami(const std::string& socket_id, const std::string& app, const std::string& env,
                   const std::string& subject, const std::optional<std::string>& rid) {
  return Simple("whoami", {{"socketId", socket_id}, {"applicationId", app}, {"environment", env}, {"subject", subject}},
                rid);
}
std::string ErrorMessage(std::string_view c, std::string_view message, const std::optional<std::string>& rid) {
  return Simple("error", {{"code", c}, {"message", message}}, rid);
}

}  // namespace rt::protocol::native
