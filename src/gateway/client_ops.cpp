#include "gateway/client_ops.h"

#include <boost/json/array.hpp>

#include "core/ids.h"
#include "core/json.h"
#include "events/filter.h"
#include "protocol/native_protocol.h"

namespace rt::gateway {

namespace code = protocol::native::code;

OpResult<std::pair<auth::Principal, Scope>> AuthenticateConnection(auth::TokenService& tokens,
                                                                  const std::string& token,
                                                                  const std::optional<std::string>& env_hint) {
  using R = OpResult<std::pair<auth::Principal, Scope>>;
  if (token.empty()) return R::Fail(code::kUnauthorized, "A token is required");
  auto principal = tokens.Authenticate(token, /*allow_reload=*/false);
  if (!principal.ok()) return R::Fail(code::kUnauthorized, principal.error().message);
  if (principal->application_id.empty()) return R::Fail(code::kUnauthorized, "Token has no audience (application id)");
  if (env_hint && *env_hint != "development" && *env_hint != "staging" && *env_hint != "production")
    return R::Fail(code::kUnauthorized, "Invalid environment '" + *env_hint + "'");
  if (env_hint && principal->environment && *principal->environment != *env_hint)
    return R::Fail(code::kUnauthorized, "Token is limited to environment " + *principal->environment);
  Scope scope{principal->application_id, principal->environment.value_or(env_hint.value_or("development"))};
  return R::Ok({std::move(*principal), std::move(scope)});
}

ClientOps::~ClientOps() {
  *alive_ = false;
  Release();
}

std::string MembersJson(const std::vector<broker::PresenceMember>& members) {
  boost::json::array arr;
  for (const auto& m : members)
    arr.push_back(boost::json::object{{"socketId", m.socket_id}, {"subject", m.subject}, {"joinedAt", m.joined_at}});
  return json::Serialize(arr);
}

std::string JoinReplyMembersJson(const broker::MemberPage& page) {
  std::string out = "\"members\":" + MembersJson(page.members) + ",\"memberCount\":" + std::to_string(page.member_count);
  if (page.next_cursor) {
    out += ",\"nextCursor\":";
    json::AppendQuoted(out, *page.next_cursor);
  }
  return out;
}

void ClientOps::Bind(auth::Principal principal, Scope scope) {
  principal_ = std::move(principal);
  scope_ = std::move(scope);
  bound_ = true;
  deps_.channels.Connected(scope_);
  deps_.hub.Subscribe(shard_, self_, scope_, "direct:" + socket_id_, events::Filter(), events::ReturnMode::kFull);
  if (deps_.token_watch)
    deps_.token_watch->Watch(shard_, this, principal_.application_id, principal_.key_id, principal_.expires_at_s);
  if (deps_.connection_observer) deps_.connection_observer(scope_, socket_id_, principal_.subject, true);
  if (deps_.journal) deps_.journal->OnConnect(socket_id_, scope_, principal_.subject, client_);
}

void ClientOps::TransportChanged(std::string_view engine_transport) {
  client_.engine_transport = std::string(engine_transport);
  if (deps_.journal && bound_ && !released_) deps_.journal->OnTransport(socket_id_, engine_transport);
}

OpResult<std::vector<Revoked>> ClientOps::Reauthenticate(auth::Principal principal) {
  using R = OpResult<std::vector<Revoked>>;
  if (!bound_ || released_) return R::Fail(code::kUnauthorized, "Authenticate first");
  if (principal.application_id != scope_.application_id)
    return R::Fail(code::kForbidden, "The new token is for application " + principal.application_id +
                                         "; this connection belongs to " + scope_.application_id +
                                         " (reconnect to change applications)");
  if (principal.environment && *principal.environment != scope_.environment)
    return R::Fail(code::kForbidden, "The new token is limited to environment " + *principal.environment +
                                         "; this connection is in " + scope_.environment);
  // Presence announced this subject to the channels' members: a refresh keeps the identity.
  if (principal.subject != principal_.subject)
    return R::Fail(code::kForbidden, "The new token is for subject '" + principal.subject +
                                         "'; this connection is '" + principal_.subject + "'");
  principal_ = std::move(principal);
  if (deps_.token_watch)
    deps_.token_watch->Watch(shard_, this, principal_.application_id, principal_.key_id, principal_.expires_at_s);
  std::vector<Revoked> revoked;
  for (auto it = subscriptions_.begin(); it != subscriptions_.end();) {
    if (auto err = CheckGrant(principal_, it->second, "subscribe")) {
      deps_.hub.Unsubscribe(shard_, self_, it->first);
      if (deps_.journal) deps_.journal->OnUnsubscribe(socket_id_, it->first, "token refresh: " + err->message);
      revoked.push_back({false, it->first, it->second, std::move(err->message)});
      it = subscriptions_.erase(it);
    } else {
      ++it;
    }
  }
  std::vector<std::pair<std::string, std::string>> left;  // channel, reason
  for (const auto& [channel, m] : channels_) {
    if (auto err = CheckGrant(principal_, channel, "subscribe")) left.emplace_back(channel, std::move(err->message));
  }
  for (auto& [channel, reason] : left) {
    Leave(channel);
    revoked.push_back({true, channel, channel, std::move(reason)});
  }
  return R::Ok(std::move(revoked));
}

void ClientOps::TokenRevoked(const char* reason) {
  auto handler = on_revoked_;  // a copy: the handler may destroy this object
  if (handler) handler(reason);
}

namespace {

boost::json::object WrapData(const boost::json::value& data) {
  if (data.is_object()) return data.get_object();
  return boost::json::object{{"data", data}};
}

}  // namespace

void ClientOps::Join(const std::string& channel, JoinDone done) {
  using R = OpResult<broker::MemberPage>;
  if (auto err = CheckTopic(channel, "subscribe")) return done({std::nullopt, std::move(err)});
  if (channels_.count(channel)) return done(R::Fail(code::kInvalidMessage, "Already a member of " + channel));
  if (channels_.size() >= deps_.max_channels)
    return done(R::Fail(code::kLimitExceeded, "Too many channels on this connection (max " +
                                                  std::to_string(deps_.max_channels) + ")"));
  std::string member = deps_.hub.Subscribe(shard_, self_, scope_, channel, events::Filter(), events::ReturnMode::kFull);
  std::string presence =
      deps_.hub.Subscribe(shard_, self_, scope_, "presence:" + channel, events::Filter(), events::ReturnMode::kFull);
  broker::PresenceMember me{socket_id_, principal_.subject, NowMs()};
  channels_[channel] = {member, presence, me.joined_at};
  if (deps_.journal) deps_.journal->OnJoin(socket_id_, channel);
  deps_.channels.Join(scope_, channel, me, shard_,
                      [this, channel, alive = alive_, done = std::move(done)](Result<broker::MemberPage> members) {
                        if (!*alive) return;
                        if (!members.ok()) return done(R::Fail(code::kInternal, members.error().message));
                        auto page = std::make_shared<broker::MemberPage>(std::move(*members));
                        // The ack waits for both topics of the channel (cluster interest).
                        WhenDeliverable(channel, [this, channel, page, done] {
                          WhenDeliverable("presence:" + channel, [page, done] { done(R::Ok(std::move(*page))); });
                        });
                      });
}

void ClientOps::WhenDeliverable(const std::string& topic, std::function<void()> then) {
  if (!deps_.broker || !deps_.executor) return then();
  auto shared = std::make_shared<std::function<void()>>(std::move(then));
  auto later = [executor = deps_.executor, shard = shard_, alive = alive_, shared] {
    executor->PostToShard(shard, [alive, shared] {
      if (*alive) (*shared)();
    });
  };
  if (deps_.broker->WhenSubscribed(TopicKey(scope_, topic), std::move(later))) (*shared)();
}

OpResult<bool> ClientOps::Leave(const std::string& channel) {
  auto it = channels_.find(channel);
  if (it == channels_.end()) return OpResult<bool>::Fail(code::kNotFound, "Not a member of " + channel);
  deps_.hub.Unsubscribe(shard_, self_, it->second.member_sub);
  deps_.hub.Unsubscribe(shard_, self_, it->second.presence_sub);
  deps_.channels.Leave(scope_, channel, {socket_id_, principal_.subject, it->second.joined_at});
  channels_.erase(it);
  if (deps_.journal) deps_.journal->OnLeave(socket_id_, channel);
  return OpResult<bool>::Ok(true);
}

OpResult<std::string> ClientOps::ChannelPublish(const std::string& channel, const std::string& event,
                                                const boost::json::value& data) {
  using R = OpResult<std::string>;
  if (auto err = CheckTopic(channel, "publish")) return {std::nullopt, std::move(err)};
  if (event.empty() || event.size() > 200) return R::Fail(code::kInvalidMessage, "event must be 1-200 characters");
  events::RawEventInput in;
  in.topic = channel;
  in.source = events::Source::kSocket;
  in.type = event;
  in.payload = WrapData(data);
  in.exclude_socket = socket_id_;
  auto routed = Route(std::move(in));
  if (routed.value && deps_.journal) deps_.journal->OnBroadcast(scope_, socket_id_, channel, event, *routed.value);
  return routed;
}

OpResult<std::string> ClientOps::Direct(const std::string& target, const std::string& event,
                                        const boost::json::value& data) {
  using R = OpResult<std::string>;
  if (!principal_.Has("publish")) return R::Fail(code::kForbidden, "Token lacks the 'publish' permission");
  if (target.empty() || target.size() > 64) return R::Fail(code::kInvalidMessage, "socketId is required");
  if (event.empty() || event.size() > 200) return R::Fail(code::kInvalidMessage, "event must be 1-200 characters");
  events::RawEventInput in;
  in.topic = "direct:" + target;
  in.source = events::Source::kSocket;
  in.type = event;
  in.payload = WrapData(data);
  in.internal = true;
  in.from = socket_id_;
  return Route(std::move(in));
}

std::optional<OpError> CheckGrant(const auth::Principal& principal, const std::string& topic, const char* permission) {
  if (!principal.Has(permission))
    return OpError{code::kForbidden, std::string("Token lacks the '") + permission + "' permission"};
  if (!principal.MayUseTopic(topic)) return OpError{code::kForbidden, "Token's topics do not allow '" + topic + "'"};
  return std::nullopt;
}

std::optional<OpError> ClientOps::CheckTopic(const std::string& topic, const char* permission) const {
  // Publishing: the router's rule (events::PublishRefusal), asked first so the refusal says why.
  if (std::string_view(permission) == "publish") {
    if (auto why = events::PublishRefusal(topic, events::Source::kSocket, false)) return OpError{code::kForbidden, *why};
  } else if (events::IsReservedTopic(topic)) {
    return OpError{code::kInvalidTopic, "Topic '" + topic + "' is reserved for the platform (presence:, direct:)"};
  }
  if (Status st = deps_.topics.CheckUse(scope_, topic); !st.ok()) {
    bool unknown = st.error().code == ErrorCode::kNotFound;
    return OpError{unknown ? code::kTopicNotRegistered : code::kInvalidTopic, st.error().message};
  }
  return CheckGrant(principal_, topic, permission);
}

OpResult<std::string> ClientOps::Subscribe(const std::string& topic, const boost::json::value& filter,
                                           const std::optional<std::string>& return_mode) {
  using R = OpResult<std::string>;
  if (auto err = CheckTopic(topic, "subscribe")) return {std::nullopt, std::move(err)};
  auto mode = events::ReturnMode::kFull;
  if (return_mode) {
    auto parsed = events::ParseReturnMode(*return_mode);
    if (!parsed) return R::Fail(code::kInvalidMessage, "returnMode must be full, diff or both");
    mode = *parsed;
  }
  auto compiled = events::Filter::Compile(filter);
  if (!compiled.ok()) return R::Fail(code::kInvalidFilter, compiled.error().message);
  // The cap counts the client's own subscriptions (subscriptions_), not the direct-message topic
  // and the internal subscriptions of joined channels (those are capped by max_channels).
  if (subscriptions_.size() >= deps_.max_subscriptions)
    return R::Fail(code::kLimitExceeded, "Too many subscriptions on this connection (max " +
                                             std::to_string(deps_.max_subscriptions) + ")");
  std::string id = deps_.hub.Subscribe(shard_, self_, scope_, topic, std::move(*compiled), mode);
  subscriptions_[id] = topic;
  if (deps_.journal) deps_.journal->OnSubscribe(socket_id_, id, topic, filter, return_mode.value_or("full"));
  return R::Ok(std::move(id));
}

OpResult<bool> ClientOps::Unsubscribe(const std::string& subscription_id) {
  if (!deps_.hub.Unsubscribe(shard_, self_, subscription_id))
    return OpResult<bool>::Fail(code::kNotFound, "No subscription " + subscription_id + " on this connection");
  subscriptions_.erase(subscription_id);
  if (deps_.journal) deps_.journal->OnUnsubscribe(socket_id_, subscription_id, "unsubscribed");
  return OpResult<bool>::Ok(true);
}

OpResult<std::string> ClientOps::Publish(const std::string& topic, boost::json::object payload, std::string type) {
  if (auto err = CheckTopic(topic, "publish")) return {std::nullopt, std::move(err)};
  events::RawEventInput in;
  in.topic = topic;
  in.source = events::Source::kSocket;
  in.type = std::move(type);
  in.payload = std::move(payload);
  return Route(std::move(in));
}

OpResult<std::string> ClientOps::Route(events::RawEventInput in) {
  auto id = deps_.router.Publish(scope_, std::move(in));
  if (id.ok()) return OpResult<std::string>::Ok(*id);
  const Error& e = id.error();
  const char* c = e.code == ErrorCode::kPayloadTooLarge ? code::kPayloadTooLarge
                  : e.code == ErrorCode::kForbidden     ? code::kForbidden
                  : e.code == ErrorCode::kNotFound      ? code::kTopicNotRegistered
                  : e.code == ErrorCode::kValidation    ? code::kInvalidMessage
                                                        : code::kInternal;
  return OpResult<std::string>::Fail(c, e.message);
}

void ClientOps::Release(uint16_t close_code, std::string_view reason) {
  if (released_) return;
  released_ = true;
  if (deps_.token_watch) deps_.token_watch->Unwatch(shard_, this);
  subscriptions_.clear();
  if (bound_) {
    for (const auto& [channel, m] : channels_)
      deps_.channels.Leave(scope_, channel, {socket_id_, principal_.subject, m.joined_at});
    channels_.clear();
    deps_.channels.Disconnected(scope_);
    if (deps_.connection_observer) deps_.connection_observer(scope_, socket_id_, principal_.subject, false);
    if (deps_.journal) deps_.journal->OnDisconnect(socket_id_, close_code, reason);
  }
  deps_.hub.RemoveAll(shard_, self_);
}

}  // namespace rt::gateway
