#include "gateway/native_session.h"

#include <utility>

#include "core/ids.h"
#include "gateway/native_gateway.h"

namespace rt::gateway {

namespace native = protocol::native;
namespace close_code = protocol::ws::close_code;

NativeSession::NativeSession(NativeGateway& gateway, size_t shard, std::string token,
                             std::optional<std::string> env_hint, events::ClientInfo client)
    : gateway_(gateway),
      shard_(shard),
      initial_token_(std::move(token)),
      env_hint_(std::move(env_hint)),
      ops_(gateway.deps_, shard, this, NewSocketId()),
      budget_({gateway.options_.rate_per_second, gateway.options_.burst, gateway.options_.max_strikes,
               gateway.options_.strike_window},
              MessageBudget::Clock::now()) {
  gateway_.counters_.sessions.fetch_add(1);
  ops_.OnRevoked([this](const char* reason) { Revoke(reason); });
  ops_.SetClientInfo(std::move(client));
}

NativeSession::~NativeSession() { gateway_.counters_.sessions.fetch_sub(1); }

void NativeSession::OnOpen(net::WsConnection& conn) {
  conn_ = &conn;
  if (!initial_token_.empty()) {
    Authenticate(std::exchange(initial_token_, {}), std::nullopt);
    return;
  }
  conn.RunAfter(gateway_.options_.auth_timeout, [this] {
    if (ops_.bound() || closed_) return;
    gateway_.counters_.auth_failures.fetch_add(1);
    SendError(native::code::kUnauthorized, "Authentication timeout: send {\"type\":\"auth\",\"token\":...}",
              std::nullopt);
    conn_->Close(close_code::kUnauthorized, "authentication timeout");
  });
}

bool NativeSession::Authenticate(const std::string& token, const std::optional<std::string>& rid) {
  auto auth = AuthenticateConnection(gateway_.deps_.tokens, token, env_hint_);
  if (auth.error) {
    gateway_.counters_.auth_failures.fetch_add(1);
    SendError(native::code::kUnauthorized, auth.error->message, rid);
    conn_->Close(close_code::kUnauthorized, "unauthorized");
    return false;
  }
  ops_.Bind(std::move(auth.value->first), std::move(auth.value->second));
  return true;
}

void NativeSession::Refresh(const std::string& token, const std::optional<std::string>& rid) {
  // The connection's environment is the hint: a token limited to another one is refused.
  auto auth = AuthenticateConnection(gateway_.deps_.tokens, token, ops_.scope().environment);
  if (auth.error) {
    gateway_.counters_.auth_failures.fetch_add(1);
    return SendError(native::code::kUnauthorized,
                     "Token refresh refused (the current token stays in force): " + auth.error->message, rid);
  }
  auto r = ops_.Reauthenticate(std::move(auth.value->first));
  if (r.error) return SendError(r.error->code, r.error->message + " (the current token stays in force)", rid);
  for (const Revoked& x : *r.value)
    conn_->SendText(x.channel ? native::ChannelRevoked(x.id, x.reason) : native::SubscriptionRevoked(x.id, x.topic, x.reason));
  conn_->SendText(native::Authenticated(ops_.scope().application_id, ops_.scope().environment,
                                        ops_.principal().subject, rid));
}

void NativeSession::Revoke(const char* reason) {
  if (closed_ || !conn_) return;
  SendError(native::code::kUnauthorized, std::string("Connection closed: ") + reason, std::nullopt);
  closed_ = true;
  conn_->Close(close_code::kUnauthorized, reason);
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
  if (m.type == native::Type::kWhoami && ops_.bound())
    return conn_->SendText(native::Whoami(ops_.socket_id(), ops_.scope().application_id, ops_.scope().environment,
                                          ops_.principal().subject, m.request_id));
  if (m.type == native::Type::kAuth) {
    if (ops_.bound()) return Refresh(m.token, m.request_id);
    if (Authenticate(m.token, m.request_id))
      conn_->SendText(native::Authenticated(ops_.scope().application_id, ops_.scope().environment,
                                            ops_.principal().subject, m.request_id));
    return;
  }
  if (!ops_.bound()) {
    SendError(native::code::kUnauthorized, "Authenticate first: send {\"type\":\"auth\",\"token\":...}", m.request_id);
    return Strike();
  }
  Dispatch(m);
}

void NativeSession::Dispatch(native::ClientMessage& m) {
  bool failed = false;
  switch (m.type) {
    case native::Type::kSubscribe: {
      auto r = ops_.Subscribe(m.topic, m.filter, m.return_mode);
      if (r.value) {  // acknowledged once events from every instance reach us (cluster interest)
        return ops_.WhenDeliverable(m.topic, [this, ack = native::Subscribed(*r.value, m.topic, m.request_id)] {
          conn_->SendText(ack);
        });
      }
      failed = true;
      SendError(r.error->code, r.error->message, m.request_id);
      break;
    }
    case native::Type::kUnsubscribe: {
      auto r = ops_.Unsubscribe(m.subscription_id);
      if (r.value) return conn_->SendText(native::Unsubscribed(m.subscription_id, m.request_id));
      return SendError(r.error->code, r.error->message, m.request_id);  // not a strike
    }
    case native::Type::kPublish: {
      auto r = ops_.Publish(m.topic, std::move(m.payload), std::move(m.event_type));
      if (r.value) return conn_->SendText(native::Published(*r.value, m.request_id));
      failed = true;
      SendError(r.error->code, r.error->message, m.request_id);
      break;
    }
    case native::Type::kJoin: {
      std::string channel = m.channel;
      ops_.Join(channel, [this, channel, rid = m.request_id](OpResult<broker::MemberPage> r) {
        if (r.error) return SendError(r.error->code, r.error->message, rid);
        conn_->SendText(native::Joined(channel, JoinReplyMembersJson(*r.value), rid));
      });
      return;
    }
    case native::Type::kLeave: {
      auto r = ops_.Leave(m.channel);
      if (r.value) return conn_->SendText(native::Left(m.channel, m.request_id));
      return SendError(r.error->code, r.error->message, m.request_id);
    }
    case native::Type::kChannelPublish:
    case native::Type::kDirect: {
      auto r = m.type == native::Type::kDirect ? ops_.Direct(m.target, m.event_type, m.data)
                                               : ops_.ChannelPublish(m.channel, m.event_type, m.data);
      if (r.value) return conn_->SendText(native::Sent(*r.value, m.request_id));
      failed = true;
      SendError(r.error->code, r.error->message, m.request_id);
      break;
    }
    default: return;
  }
  if (failed) Strike();
}

bool NativeSession::TakeToken() { return budget_.Take(MessageBudget::Clock::now()); }

void NativeSession::Strike() {
  if (budget_.Strike(MessageBudget::Clock::now()) && !closed_) {
    gateway_.counters_.flood_closes.fetch_add(1);
    closed_ = true;
    conn_->Close(close_code::kFlooding, "flooding: too many invalid or rate-limited messages");
  }
}

void NativeSession::SendError(std::string_view code, std::string_view message, const std::optional<std::string>& rid) {
  gateway_.counters_.errors_sent.fetch_add(1, std::memory_order_relaxed);
  conn_->SendText(native::ErrorMessage(code, message, rid));
}

void NativeSession::OnClose(net::WsConnection&, uint16_t code, const std::string& reason) {
  closed_ = true;
  ops_.Release(code, reason);
}

}  // namespace rt::gateway
