// ClientOps: what an authenticated connection may do on the platform, shared by both gateways
// (/ws and Socket.IO) so that they have exactly the same semantics: subscribe (permission,
// topic patterns, topic policy, filter compilation, returnMode, per-connection limit),
// unsubscribe, publish. Errors carry the protocol error codes of docs/protocol.md.
//
// Token lifetime: Bind registers the connection's token with GatewayDeps::token_watch (when
// set), which calls TokenRevoked when the token expires or its key / application is deleted;
// the gateway's revoke handler (OnRevoked) then closes the connection. Reauthenticate swaps in
// a refreshed token (same application and environment), keeping what it still allows.
//
// One ClientOps per connection, used on its shard thread only. Release() before the
// subscriber is destroyed.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <memory>
#include <vector>

#include "auth/principal.h"
#include "auth/token_service.h"
#include "core/scope.h"
#include "events/connection_observer.h"
#include "events/hub.h"
#include "events/router.h"
#include "gateway/channel_service.h"
#include "gateway/token_watch.h"
#include "registry/topic_policy.h"

namespace rt::gateway {

// The shared services a gateway needs. All must outlive the connections.
struct GatewayDeps {
  auth::TokenService& tokens;
  events::SubscriptionHub& hub;
  events::EventRouter& router;
  const registry::TopicPolicy& topics;
  ChannelService& channels;
  size_t max_subscriptions = 1000;  // per connection (REALTIME_MAX_SUBSCRIPTIONS_PER_CONNECTION)
  size_t max_channels = 1000;       // per connection (REALTIME_MAX_CHANNELS_PER_CONNECTION)
  TokenWatch* token_watch = nullptr;  // closes connections whose token ends (null: never)
  // Told when a connection binds (connected=true) and when a bound one is released: the
  // webhooks' socket.connect / socket.disconnect. Called on the shard thread; must not block.
  std::function<void(const Scope& scope, const std::string& socket_id, const std::string& subject, bool connected)>
      connection_observer;
  // The connection journal (monitor/socket_journal.h: the socket monitor, the debugger's explain):
  // told of every connect, subscribe, join… and disconnect, never of a delivered event. Null: none.
  events::ConnectionObserver* journal = nullptr;
  // Cluster interest (docs/protocol.md "Across instances"): a subscribe or join is acknowledged
  // once the broker carries the topic's events from every instance here (Broker::WhenSubscribed);
  // the ack continuation is posted back to the connection's shard. Null (either): ack at once.
  broker::Broker* broker = nullptr;
  ShardExecutor* executor = nullptr;
};

struct OpError {
  const char* code;  // protocol::native::code::*
  std::string message;
};

template <typename T>
struct OpResult {
  std::optional<T> value;
  std::optional<OpError> error;
  static OpResult Ok(T v) { return {std::move(v), std::nullopt}; }
  static OpResult Fail(const char* code, std::string message) { return {std::nullopt, OpError{code, std::move(message)}}; }
};

// A subscription or channel membership removed by a token refresh, and why.
struct Revoked {
  bool channel = false;
  std::string id;     // subscription id, or the channel
  std::string topic;  // the subscription's topic, or the channel
  std::string reason;
};

// Whether `principal` may use `topic` for `permission` (the permission and the token's topics
// patterns; not the topic policy). Pure.
std::optional<OpError> CheckGrant(const auth::Principal& principal, const std::string& topic, const char* permission);

class ClientOps final : public Watched {
 public:
  ClientOps(GatewayDeps& deps, size_t shard, events::Subscriber* self, std::string socket_id)
      : deps_(deps), shard_(shard), self_(self), socket_id_(std::move(socket_id)) {}
  ~ClientOps() override;

  // What the gateway knows of the client for the journal (transport, address, user agent). Before Bind.
  void SetClientInfo(events::ClientInfo info) { client_ = std::move(info); }
  // The Engine.IO transport changed (an upgrade to WebSocket): tells the journal.
  void TransportChanged(std::string_view engine_transport);
  // Authenticated: counts the connection and subscribes it to its direct-message topic.
  void Bind(auth::Principal principal, Scope scope);
  // A refreshed token (already verified, with this connection's environment as the hint):
  // FORBIDDEN if it is for another application, environment or subject (nothing changes then).
  // Otherwise it replaces the current one (permissions, topics, expiry, key) and the
  // subscriptions and channels it no longer allows are removed and returned.
  OpResult<std::vector<Revoked>> Reauthenticate(auth::Principal principal);
  // What to do when the token is revoked (the gateway closes the connection; it may destroy
  // this ClientOps from inside the handler).
  void OnRevoked(std::function<void(const char* reason)> handler) { on_revoked_ = std::move(handler); }
  void TokenRevoked(const char* reason) override;
  const std::string& socket_id() const { return socket_id_; }
  bool bound() const { return bound_; }
  const auth::Principal& principal() const { return principal_; }
  const Scope& scope() const { return scope_; }
  auth::TokenService& tokens() const { return deps_.tokens; }

  // Subscribes at once (local events flow from now on); send the acknowledgement through
  // WhenDeliverable(topic, …) so that it also covers events published on other instances.
  OpResult<std::string> Subscribe(const std::string& topic, const boost::json::value& filter,
                                  const std::optional<std::string>& return_mode);
  // Calls `then` once events of `topic` (this connection's scope) published on any instance after
  // now reach this connection: inline when that is already so (one instance, or the broker
  // already carries the topic here), else later on this shard — at most kSubscribeWaitMs later,
  // and never after this ClientOps is destroyed. An event may reach the client before `then`.
  void WhenDeliverable(const std::string& topic, std::function<void()> then);
  OpResult<bool> Unsubscribe(const std::string& subscription_id);
  OpResult<std::string> Publish(const std::string& topic, boost::json::object payload, std::string type);
  // Channels: join answers through done (on this shard, later) with the first members (at most
  // ChannelService::kJoinReplyMembers), the member count and a cursor for the rest; done waits
  // until the channel's and its presence topic's events reach here from every instance.
  using JoinDone = std::function<void(OpResult<broker::MemberPage>)>;
  void Join(const std::string& channel, JoinDone done);
  OpResult<bool> Leave(const std::string& channel);
  // To every member (and subscriber) of the channel except this connection.
  OpResult<std::string> ChannelPublish(const std::string& channel, const std::string& event,
                                       const boost::json::value& data);
  // To one connection of the same application and environment, by socket id.
  OpResult<std::string> Direct(const std::string& socket_id, const std::string& event, const boost::json::value& data);

  // Routes an event and maps a refusal to its protocol error code.
  OpResult<std::string> Route(events::RawEventInput in);

  // Checks topic policy, permission and the token's topic patterns.
  std::optional<OpError> CheckTopic(const std::string& topic, const char* permission) const;
  // Leaves every channel and drops every subscription (on disconnect). close_code / reason: how
  // the connection ended, for the journal (the /ws close code, 0 for Socket.IO; the gateway's words).
  void Release(uint16_t close_code = 0, std::string_view reason = {});

 private:
  GatewayDeps& deps_;
  const size_t shard_;
  events::Subscriber* self_;
  const std::string socket_id_;
  bool bound_ = false;
  bool released_ = false;
  struct Membership {
    std::string member_sub, presence_sub;
    int64_t joined_at = 0;
  };
  std::map<std::string, Membership> channels_;  // channel -> membership
  std::map<std::string, std::string> subscriptions_;  // the client's own: id -> topic (cap, Reauthenticate)
  std::function<void(const char*)> on_revoked_;
  events::ClientInfo client_;  // for the journal
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);          // for callbacks that outlive us
  auth::Principal principal_;
  Scope scope_;
};

// [{"socketId","subject","joinedAt"}, …]
std::string MembersJson(const std::vector<broker::PresenceMember>& members);
// The member fields of a join reply (a JSON fragment, both gateways):
// "members":[…],"memberCount":N and, when more members follow the page, ,"nextCursor":"…".
std::string JoinReplyMembersJson(const broker::MemberPage& page);

// Verifies a connection's token (no database access: I/O thread) and derives its scope;
// env_hint is a requested environment (query/header), checked against the token's env claim.
OpResult<std::pair<auth::Principal, Scope>> AuthenticateConnection(auth::TokenService& tokens,
                                                                  const std::string& token,
                                                                  const std::optional<std::string>& env_hint);

}  // namespace rt::gateway
