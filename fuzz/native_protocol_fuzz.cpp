// The /ws client message parser and reply builders (src/protocol/native_protocol.*), and the
// JSON text helpers under them (src/core/json.*).
// Input: one client text message.
// Checks: the parser returns exactly one of message/error; a requestId is echoed as valid JSON of
// the type received; every reply built from parsed fields (error messages included) is valid JSON
// carrying those fields unchanged; fields a handler requires are present; any JSON value survives
// Serialize -> Parse with the same meaning (numbers printed JS-style).
#include "core/json.h"
#include "fuzz/fuzz_util.h"
#include "protocol/native_protocol.h"

namespace native = rt::protocol::native;
namespace json = rt::json;

namespace {

// A reply must be a JSON object with the given type, string fields as given, and the requestId.
void CheckReply(const std::string& text, std::string_view type,
                std::initializer_list<std::pair<std::string_view, std::string_view>> fields,
                const std::optional<std::string>& rid) {
  auto v = json::Parse(text);
  FUZZ_CHECK(v.ok() && v->is_object(), "reply is not a JSON object: " + text);
  const auto& o = v->get_object();
  auto* t = json::GetString(o, "type");
  FUZZ_CHECK(t && *t == type, "reply type");
  for (const auto& [k, want] : fields) {
    auto* got = json::GetString(o, k);
    FUZZ_CHECK(got && std::string_view(*got) == want, "reply field " + std::string(k));
  }
  if (rid) {
    auto* echoed = o.if_contains("requestId");
    auto original = json::Parse(*rid);
    FUZZ_CHECK(echoed && original.ok() && *echoed == *original, "requestId not echoed");
    FUZZ_CHECK(echoed->is_string() || echoed->is_int64() || echoed->is_uint64(), "requestId type");
  } else {
    FUZZ_CHECK(!o.contains("requestId"), "requestId invented");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::RunGuarded([&] {
    std::string_view text = fuzz::AsText(data, size);

    // JSON text round trip.
    if (auto v = json::Parse(text); v.ok()) {
      std::string out = json::Serialize(*v);
      auto back = json::Parse(out);
      FUZZ_CHECK(back.ok(), "Serialize produced invalid JSON: " + out);
      FUZZ_CHECK(fuzz::SemanticEqual(*v, *back), "Serialize -> Parse changed the value: " + out);
      FUZZ_CHECK(json::Serialize(*back) == out, "Serialize is not stable: " + out);
    }

    native::ParseResult r = native::ParseClientMessage(text);
    FUZZ_CHECK(r.message.has_value() != r.error.has_value(), "exactly one of message and error");
    if (r.error) {
      const auto& e = *r.error;
      FUZZ_CHECK(e.code != nullptr && !e.message.empty(), "error without code or message");
      CheckReply(native::ErrorMessage(e.code, e.message, e.request_id), "error", {{"code", e.code}, {"message", e.message}},
                 e.request_id);
      return;
    }
    const auto& m = *r.message;
    const auto& rid = m.request_id;
    using native::Type;
    switch (m.type) {
      case Type::kAuth: FUZZ_CHECK(!m.token.empty(), "auth without token"); break;
      case Type::kSubscribe:
        FUZZ_CHECK(!m.topic.empty(), "subscribe without topic");
        CheckReply(native::Subscribed("sub_1", m.topic, rid), "subscribed", {{"subscriptionId", "sub_1"}, {"topic", m.topic}},
                   rid);
        break;
      case Type::kUnsubscribe:
        FUZZ_CHECK(!m.subscription_id.empty(), "unsubscribe without id");
        CheckReply(native::Unsubscribed(m.subscription_id, rid), "unsubscribed", {{"subscriptionId", m.subscription_id}},
                   rid);
        break;
      case Type::kPublish:
        FUZZ_CHECK(!m.topic.empty(), "publish without topic");
        CheckReply(native::Published("evt_1", rid), "published", {{"id", "evt_1"}}, rid);
        break;
      case Type::kPing: CheckReply(native::Pong(rid), "pong", {}, rid); break;
      case Type::kWhoami:
        CheckReply(native::Whoami("s1", "app", "dev", "user", rid), "whoami",
                   {{"socketId", "s1"}, {"applicationId", "app"}, {"environment", "dev"}, {"subject", "user"}}, rid);
        break;
      case Type::kJoin:
        FUZZ_CHECK(!m.channel.empty(), "join without channel");
        CheckReply(native::Joined(m.channel, "\"members\":[],\"memberCount\":0", rid), "joined", {{"channel", m.channel}}, rid);
        break;
      case Type::kLeave:
        FUZZ_CHECK(!m.channel.empty(), "leave without channel");
        CheckReply(native::Left(m.channel, rid), "left", {{"channel", m.channel}}, rid);
        break;
      case Type::kChannelPublish:
        FUZZ_CHECK(!m.channel.empty() && !m.event_type.empty(), "channel.publish without channel or event");
        CheckReply(native::Sent("evt_2", rid), "sent", {{"id", "evt_2"}}, rid);
        break;
      case Type::kDirect:
        FUZZ_CHECK(!m.target.empty() && !m.event_type.empty(), "direct without socketId or event");
        CheckReply(native::Authenticated(m.target, m.event_type, m.target, rid), "authenticated",
                   {{"applicationId", m.target}, {"environment", m.event_type}}, rid);
        break;
    }
  });
  return 0;
}
