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
// Server -> client: `event` <RealtimeEvent> (channel messages: topic = channel, type = event;
// direct: topic direct:<socketId>, metadata.from), `presence` <RealtimeEvent> (presence:<channel>).
//
// Thread safety: Connect runs on the session's shard; sockets live there.
#pragma once

#include <atomic>

#include "gateway/client_ops.h"
#include "gateway/sio_connection.h"

namespace rt::gateway {

struct SioCounters {
  std::atomic<int64_t> sockets{0};
  std::atomic<uint64_t> auth_failures{0};
};

class ProductSioApp final : public SioApp {
 public:
  explicit ProductSioApp(GatewayDeps& deps) : deps_(deps) {}
  Connected Connect(SioConnection& conn, const std::string& nsp, const boost::json::object& auth) override;
  const SioCounters& counters() const { return counters_; }

 private:
  GatewayDeps& deps_;
  SioCounters counters_;
};

}  // namespace rt::gateway
