// SioConnection: the Socket.IO v5 layer over one Engine.IO session (the session's EioHandler).
// It parses packets (an invalid one closes the session), reassembles binary attachments,
// connects namespaces through a SioApp, routes EVENTs to the namespace's socket, and offers
// emit/ack helpers. A session without a connected namespace for CONNECT_TIMEOUT (at the start,
// or after the client left its last namespace) is closed.
//
// Shard-thread only; owned by the EioSession.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "gateway/eio_session.h"
#include "protocol/socketio.h"

namespace rt::gateway {

class SioConnection;

// One connected namespace of one client.
class SioSocket {
 public:
  virtual ~SioSocket() = default;
  // The CONNECT reply has been queued; the socket may now emit (it must not before).
  virtual void OnConnected() {}
  // An EVENT (args excludes the name); attachments hold binary parts (placeholders in args).
  virtual void OnEvent(const std::string& name, boost::json::array& args, std::optional<uint64_t> ack_id,
                       std::vector<std::string>& attachments) = 0;
  // The client left the namespace, or the connection closed.
  virtual void OnDisconnect(const std::string& reason) = 0;
  // The Engine.IO session upgraded from polling to WebSocket.
  virtual void OnUpgraded() {}
};

// What serves the namespaces (the product, or the protocol-conformance behaviours).
class SioApp {
 public:
  virtual ~SioApp() = default;
  struct Connected {
    std::unique_ptr<SioSocket> socket;  // null: refused
    std::string socket_id;              // sent in the CONNECT reply
    std::string error_json;             // CONNECT_ERROR payload when refused
  };
  // Called when the client connects to `nsp` with the CONNECT payload `auth`.
  virtual Connected Connect(SioConnection& conn, const std::string& nsp, const boost::json::object& auth) = 0;
};

struct SioHandshake {
  std::optional<std::string> query_token;
  std::optional<std::string> bearer_token;
  std::optional<std::string> environment;
  std::string remote_address;  // of the handshake request (for the connection journal)
  std::string user_agent;
};

class SioConnection final : public EioHandler {
 public:
  SioConnection(SioApp& app, SioHandshake handshake, std::chrono::milliseconds connect_timeout,
                boost::asio::io_context& ctx);
  ~SioConnection() override;

  // EioHandler
  void OnOpen(EioSession& session) override;
  void OnMessage(EioSession& session, std::string&& data, bool binary) override;
  void OnClose(EioSession& session, const std::string& reason) override;
  void OnUpgrade(EioSession& session) override;

  EioSession& session() { return *session_; }
  const SioHandshake& handshake() const { return handshake_; }
  // Emits an event: args_json is the JSON array text including the event name.
  void Emit(const std::string& nsp, const std::string& args_json, std::vector<std::string> attachments = {});
  void Ack(const std::string& nsp, uint64_t id, const std::string& args_json,
           std::vector<std::string> attachments = {});
  // A shared pre-encoded frame (hub fan-out) for the main namespace.
  bool EmitFrame(const std::shared_ptr<const std::string>& frame) { return session_->EnqueueFrame(frame); }
  void Flush() { session_->Flush(); }
  // Server-side disconnect of a namespace: sends DISCONNECT (the official client reports
  // "io server disconnect" and does not reconnect), drops the socket (OnDisconnect(reason); it
  // may be the caller: nothing of it may be touched afterwards) and, when no namespace is left,
  // closes the session unless the client CONNECTs again within the connect timeout.
  void ServerDisconnect(const std::string& nsp, const std::string& reason);

 private:
  void HandlePacket(protocol::sio::Packet&& p);
  void Dispatch(protocol::sio::Packet& p, std::vector<std::string>& attachments);
  void Disconnect(const std::string& nsp, const std::string& reason);
  void Fail(const std::string& reason);

  SioApp& app_;
  SioHandshake handshake_;
  std::chrono::milliseconds connect_timeout_;
  boost::asio::steady_timer connect_timer_;
  EioSession* session_ = nullptr;
  std::map<std::string, std::unique_ptr<SioSocket>> sockets_;  // by namespace
  std::optional<protocol::sio::Packet> partial_;               // a binary packet awaiting attachments
  std::vector<std::string> attachments_;
};

}  // namespace rt::gateway
