// ConnectionObserver: told what the clients of both gateways (/ws and Socket.IO) do with their
// connection — connect, subscribe, unsubscribe, join, leave, broadcast to a channel, disconnect —
// so that something above the gateways (the socket monitor's journal, monitor/socket_journal.h)
// can keep a record without the gateways depending on it. Declared here, in events/, because
// both the gateways and the monitor layer sit above events/.
//
// Never on the per-event delivery path: the gateways call it once per client operation (a
// connect, a subscribe…), not per delivered event.
//
// Thread safety: every method is called from the connections' shard (I/O) threads, concurrently
// for different connections, in order for one connection. An implementation must be thread-safe,
// must not block (one short critical section) and must not call back into the gateways.
// Lifetime: must outlive every connection of the gateways that call it (GatewayDeps::journal).
// Failure: methods return nothing; an implementation drops what it cannot record (e.g. an unknown
// socket id) silently.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/scope.h"

namespace rt::events {

// What a gateway knows about a client beyond its token.
struct ClientInfo {
  std::string transport;         // "socket.io" | "websocket" (the plain /ws protocol)
  std::string engine_transport;  // Socket.IO only: the Engine.IO transport, "polling" | "websocket"
  std::string remote_address;    // the peer's IP address
  std::string user_agent;        // the User-Agent of the handshake request ("" when none)
};

class ConnectionObserver {
 public:
  virtual ~ConnectionObserver() = default;

  // The connection authenticated (it now belongs to `scope`); subject is the token's `sub`.
  virtual void OnConnect(const std::string& socket_id, const Scope& scope, const std::string& subject,
                         const ClientInfo& client) = 0;
  // The connection ended. close_code: the WebSocket close code of /ws (0 when there is none, as
  // for Socket.IO); detail: the gateway's words ("ping timeout", "slow consumer: …", …).
  virtual void OnDisconnect(const std::string& socket_id, uint16_t close_code, std::string_view detail) = 0;
  // The Engine.IO transport changed (a polling session upgraded to WebSocket).
  virtual void OnTransport(const std::string& socket_id, std::string_view engine_transport) = 0;

  // A client subscription (not the internal ones of channels and direct messages). filter: the
  // client's filter as sent (null when none); return_mode: "full" | "diff" | "both".
  virtual void OnSubscribe(const std::string& socket_id, const std::string& subscription_id, const std::string& topic,
                           const boost::json::value& filter, std::string_view return_mode) = 0;
  // reason: "unsubscribed" (the client asked) or why the server removed it.
  virtual void OnUnsubscribe(const std::string& socket_id, const std::string& subscription_id,
                             std::string_view reason) = 0;
  virtual void OnJoin(const std::string& socket_id, const std::string& channel) = 0;
  virtual void OnLeave(const std::string& socket_id, const std::string& channel) = 0;
  // A message to a channel's members: from a client (socket_id) or from REST (socket_id "").
  virtual void OnBroadcast(const Scope& scope, const std::string& socket_id, const std::string& channel,
                           const std::string& event, const std::string& event_id) = 0;
};

}  // namespace rt::events
