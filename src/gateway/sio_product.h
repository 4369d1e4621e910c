// The product's Socket.IO namespace "/" (docs/protocol.md, "Socket.IO"): the same platform
// semantics as /ws through ClientOps. Authentication at CONNECT: `auth.token`, else the `token`
// query parameter, else `Authorization: Bearer`; failure -> CONNECT_ERROR
// {"message":…,"data":{"code":"AUTH_FAILED"}}. Other namespaces: "Invalid namespace".
//
// Events (client -> server, answered through the ack when the client asked for one):
//   subscribe {topic, filter?, returnMode?} -> {subscriptionId, topic} | {error:{code,message}}
//   unsubscribe {subscriptionId}            -> {ok:true} | {error}
//   publish {topic, payload, type?}         -> {id} | {error}
//   join {channel}                          -> {ok:true, channel, members:[{socketId,subject,joinedAt}]}
//   leave {channel}                         -> {ok:true, channel}
//   channel:publish {channel, event, data}  -> {id}   (members and subscribers except the sender)
//   direct {socketId, event, data}          -> {ok:true, id}
//   auth {token}                            -> {ok:true, applicationId, environment, subject, expiresAt}
//                                              (a token refresh: ClientOps::Reauthenticate)
// Server -> client: `event` <RealtimeEvent> (channel messages: topic = channel, type = event;
// direct: topic direct:<socketId>, metadata.from), `presence` <RealtimeEvent> (presence:<channel>),
// `unsubscribed` {subscriptionId, topic, reason} / `left` {channel, reason} (removed by a token
// refresh), and `error` {code:"UNAUTHORIZED", message} followed by a server-side DISCONNECT when
// the token expires or its key / application is deleted (gateway/token_watch.h).
//
// Abuse: each socket has the /ws message budget (MessageBudget); an event over it is dropped and
// acked {error:{code:"RATE_LIMITED"}}; more than 50 over-budget or failed events within 10 s get
// an `error` event {code:"RATE_LIMITED", message:"flooding: …"} and a server-side DISCONNECT.
//
// Thread safety: Connect runs on the session's shard; sockets live there.
#pragma once

#include <atomic>

#include "gateway/client_ops.h"
#include "gateway/message_budget.h"
#include "gateway/sio_connection.h"

namespace rt::gateway {

struct SioCounters {
  std::atomic<int64_t> sockets{0};
  std::atomic<uint64_t> auth_failures{0};
  std::atomic<uint64_t> flood_disconnects{0};  // sockets disconnected for flooding (message budget)
};

class ProductSioApp final : public SioApp {
 public:
  // budget: the per-connection message budget (REALTIME_WS_RATE_PER_SECOND / _BURST, as /ws).
  explicit ProductSioApp(GatewayDeps& deps, MessageBudgetOptions budget = {}) : deps_(deps), budget_(budget) {}
  Connected Connect(SioConnection& conn, const std::string& nsp, const boost::json::object& auth) override;
  const SioCounters& counters() const { return counters_; }

 private:
  GatewayDeps& deps_;
  const MessageBudgetOptions budget_;
  SioCounters counters_;
};

}  // namespace rt::gateway
