#include "gateway/native_session.h"

#include <utility>

#include "auth/permissions.h"
#include "events/filter.h"
#include "gateway/native_gateway.h"

namespace rt::gateway {

namespace native = protocol::native;
namespace close_code = protocol::ws::close_code;

NativeSession::NativeSession(NativeGateway& gateway, size_t shard, std::string token,
                             std::optional<std::string> env_hint)
    : gateway_(gateway),
      shard_(shard),
      initial_token_(std::move(token)),
      env_hint_(std::move(env_hint)),
      tokens_(gateway.options_.burst),
      last_refill_(std::chrono::steady_clock::now()) {
  gateway_.counters_.sessions.fetch_add(1);
}

NativeSession::~NativeSession() { gateway_.counters_.sessions.fetch_sub(1); }

void NativeSession::OnOpen(net::WsConnection& conn) {
  conn_ = &conn;
  if (!initial_token_.empty()) {
    Authenticate(std::exchange(initial_token_, {}), std::nullopt);
    return;
  }
  conn.RunAfter(gateway_.options_.auth_timeout, [this] {
    if (authenticated_ || closed_) return;
    gateway_.counters_.auth_failures.fetch_add(1);
    SendError(native::code::kUnauthorized, "Authentication timeout: send {\"type\":\"auth\",\"token\":...}",
              std::nullopt);
    conn_->Close(close_code::kUnauthorized, "authentication timeout");
  });
}

bool NativeSession::Authenticate(const std::string& token, const std::optional<std::string>& rid) {
  auto principal = gateway_.tokens_.Authenticate(token, /*allow_reload=*/false);
  std::string why;
  if (!principal.ok()) {
    why = principal.error().message;
  } else if (principal->application_id.empty()) {
    why = "Token has no audience (application id)";
  } else if (env_hint_ && env_hint_ != "development" && env_hint_ != "staging" && env_hint_ != "production") {
    why = "Invalid environment '" + *env_hint_ + "'";
  } else if (env_hint_ && principal->environment && *principal->environment != *env_hint_) {
    why = "Token is limited to environment " + *principal->environment;
  }
  if (!why.empty()) {
    gateway_.counters_.auth_failures.fetch_add(1);
    SendError(native::code::kUnauthorized, why, rid);
    conn_->Close(close_code::kUnauthorized, "unauthorized");
    return false;
  }
  principal_ = std::move(*principal);
  scope_ = {principal_.application_id, principal_.environment.value_or(env_hint_.value_or("development"))};
  authenticated_ = true;
  return true;
}

void NativeSession::OnMessage(net::WsConnection&, protocol::ws::Message&& message) {
  if (closed_) return;
  if (!TakeToken()) {
    SendError(native::code::kRateLimited, "Too many messages: slow down", std::nullopt);
    return Strike();
  }
  if (message.kind != protocol::ws::Message::kText) {
    SendError(native::code::kInvalidMessage, "Binary messages are not supported: send JSON text", std::nullopt);
    return Strike();
  }
  native::ParseResult parsed = native::ParseClientMessage(message.data);
  if (parsed.error) {
    SendError(parsed.error->code, parsed.error->message, parsed.error->request_id);
    return Strike();
  }
  native::ClientMessage& m = *parsed.message;
  if (m.type == native::Type::kPing) return conn_->SendText(native::Pong(m.request_id));
  if (m.type == native::Type::kAuth) {
    if (authenticated_) return SendError(native::code::kInvalidMessage, "Already authenticated", m.request_id);
    if (Authenticate(m.token, m.request_id))
      conn_->SendText(native::Authenticated(scope_.application_id, scope_.environment, principal_.subject,
                                            m.request_id));
    return;
  }
  if (!authenticated_) {
    SendError(native::code::kUnauthorized, "Authenticate first: send {\"type\":\"auth\",\"token\":...}", m.request_id);
    return Strike();
  }
  switch (m.type) {
    case native::Type::kSubscribe: return HandleSubscribe(m);
    case native::Type::kUnsubscribe: return HandleUnsubscribe(m);
    case native::Type::kPublish: return HandlePublish(m);
    default: return;
  }
}

bool NativeSession::MayUseTopic(const std::string& topic, const char* permission,
                                const std::optional<std::string>& rid) {
  if (Status st = gateway_.topics_.CheckUse(scope_, topic); !st.ok()) {
    bool unknown = st.error().code == ErrorCode::kNotFound;
    SendError(unknown ? native::code::kTopicNotRegistered : native::code::kInvalidTopic, st.error().message, rid);
    return false;
  }
  if (!principal_.Has(permission)) {
    SendError(native::code::kForbidden, std::string("Token lacks the '") + permission + "' permission", rid);
    return false;
  }
  if (!principal_.MayUseTopic(topic)) {
    SendError(native::code::kForbidden, "Token's topics do not allow '" + topic + "'", rid);
    return false;
  }
  return true;
}

void NativeSession::HandleSubscribe(native::ClientMessage& m) {
  if (!MayUseTopic(m.topic, "subscribe", m.request_id)) return Strike();
  auto mode = events::ReturnMode::kFull;
  if (m.return_mode) {
    auto parsed = events::ParseReturnMode(*m.return_mode);
    if (!parsed) {
      SendError(native::code::kInvalidMessage, "returnMode must be full, diff or both", m.request_id);
      return Strike();
    }
    mode = *parsed;
  }
  auto filter = events::Filter::Compile(m.filter);
  if (!filter.ok()) {
    SendError(native::code::kInvalidFilter, filter.error().message, m.request_id);
    return Strike();
  }
  if (gateway_.hub_.CountFor(shard_, this) >= gateway_.options_.max_subscriptions) {
    return SendError(native::code::kLimitExceeded,
                     "Too many subscriptions on this connection (max " +
                         std::to_string(gateway_.options_.max_subscriptions) + ")",
                     m.request_id);
  }
  std::string id = gateway_.hub_.Subscribe(shard_, this, scope_, m.topic, std::move(*filter), mode);
  conn_->SendText(native::Subscribed(id, m.topic, m.request_id));
}

void NativeSession::HandleUnsubscribe(const native::ClientMessage& m) {
  if (!gateway_.hub_.Unsubscribe(shard_, this, m.subscription_id))
    return SendError(native::code::kNotFound, "No subscription " + m.subscription_id + " on this connection",
                     m.request_id);
  conn_->SendText(native::Unsubscribed(m.subscription_id, m.request_id));
}

void NativeSession::HandlePublish(native::ClientMessage& m) {
  if (!MayUseTopic(m.topic, "publish", m.request_id)) return Strike();
  events::RawEventInput in;
  in.topic = m.topic;
  in.source = events::Source::kSocket;
  in.type = std::move(m.event_type);
  in.payload = std::move(m.payload);
  auto id = gateway_.router_.Publish(scope_, std::move(in));
  if (!id.ok()) {
    const Error& e = id.error();
    const char* c = e.code == ErrorCode::kPayloadTooLarge ? native::code::kPayloadTooLarge
                    : e.code == ErrorCode::kNotFound      ? native::code::kTopicNotRegistered
                    : e.code == ErrorCode::kValidation    ? native::code::kInvalidMessage
                                                          : native::code::kInternal;
    SendError(c, e.message, m.request_id);
    return Strike();
  }
  conn_->SendText(native::Published(*id, m.request_id));
}

bool NativeSession::TakeToken() {
  if (gateway_.options_.rate_per_second <= 0) return true;
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - last_refill_).count();
  last_refill_ = now;
  tokens_ = std::min(gateway_.options_.burst, tokens_ + elapsed * gateway_.options_.rate_per_second);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

void NativeSession::Strike() {
  auto now = std::chrono::steady_clock::now();
  strikes_.push_back(now);
  size_t stale = 0;
  while (stale < strikes_.size() && now - strikes_[stale] > gateway_.options_.strike_window) ++stale;
  strikes_.erase(strikes_.begin(), strikes_.begin() + static_cast<long>(stale));
  if (static_cast<int>(strikes_.size()) > gateway_.options_.max_strikes && !closed_) {
    gateway_.counters_.flood_closes.fetch_add(1);
    closed_ = true;
    conn_->Close(close_code::kFlooding, "flooding: too many invalid or rate-limited messages");
  }
}

void NativeSession::SendError(std::string_view code, std::string_view message, const std::optional<std::string>& rid) {
  gateway_.counters_.errors_sent.fetch_add(1, std::memory_order_relaxed);
  conn_->SendText(native::ErrorMessage(code, message, rid));
}

void NativeSession::OnClose(net::WsConnection&, uint16_t, const std::string&) {
  closed_ = true;
  gateway_.hub_.RemoveAll(shard_, this);
}

}  // namespace rt::gateway
