// NativeSession: the state machine of one /ws connection (see native_gateway.h).
// Shard-thread only. Owned by its WsConnection (as the handler).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "events/hub.h"
#include "gateway/client_ops.h"
#include "gateway/message_budget.h"
#include "net/ws_connection.h"
#include "protocol/native_protocol.h"

namespace rt::gateway {

class NativeGateway;

class NativeSession final : public net::WsHandler, public events::Subscriber {
 public:
  // token: from the query or header (empty: expect an auth message). env_hint: requested env.
  // client: the upgrade request's address and user agent (for the connection journal).
  NativeSession(NativeGateway& gateway, size_t shard, std::string token, std::optional<std::string> env_hint,
                events::ClientInfo client);
  ~NativeSession() override;

  // WsHandler
  void OnOpen(net::WsConnection& conn) override;
  void OnMessage(net::WsConnection& conn, protocol::ws::Message&& message) override;
  void OnClose(net::WsConnection& conn, uint16_t code, const std::string& reason) override;

  // events::Subscriber
  events::Wire wire() const override { return events::Wire::kNativeWs; }
  const std::string& socket_id() const override { return ops_.socket_id(); }
  bool Enqueue(const std::shared_ptr<const std::string>& frame) override { return conn_->Enqueue(frame); }
  void Flush() override { conn_->Flush(); }

 private:
  bool Authenticate(const std::string& token, const std::optional<std::string>& request_id);
  // {"type":"auth"} on an authenticated connection: a token refresh (docs/protocol.md).
  void Refresh(const std::string& token, const std::optional<std::string>& request_id);
  // The token expired, or its key / application was deleted: error + close 4001.
  void Revoke(const char* reason);
  void Dispatch(protocol::native::ClientMessage& m);
  bool TakeToken();  // rate limit
  void Strike();     // count a bad or over-budget message; closes on flooding
  void SendError(std::string_view code, std::string_view message, const std::optional<std::string>& rid);

  NativeGateway& gateway_;
  const size_t shard_;
  net::WsConnection* conn_ = nullptr;
  std::string initial_token_;
  std::optional<std::string> env_hint_;
  bool closed_ = false;
  ClientOps ops_;
  MessageBudget budget_;  // the message budget (shared rule with Socket.IO: gateway/message_budget.h)
};

}  // namespace rt::gateway
