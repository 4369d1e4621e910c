#include "gateway/sio_connection.h"

#include "core/json.h"

namespace rt::gateway {

namespace sio = protocol::sio;

SioConnection::SioConnection(SioApp& app, SioHandshake handshake, std::chrono::milliseconds connect_timeout,
                             boost::asio::io_context& ctx)
    : app_(app), handshake_(std::move(handshake)), connect_timeout_(connect_timeout), connect_timer_(ctx) {}

SioConnection::~SioConnection() = default;

void SioConnection::OnOpen(EioSession& session) {
  session_ = &session;
  connect_timer_.expires_after(connect_timeout_);
  connect_timer_.async_wait([this, weak = session.weak_from_this()](const boost::system::error_code& ec) {
    auto alive = weak.lock();
    if (!ec && alive && sockets_.empty()) Fail("connect timeout");
  });
}

void SioConnection::OnMessage(EioSession&, std::string&& data, bool binary) {
  if (binary) {
    if (!partial_) return Fail("unexpected binary attachment");
    attachments_.push_back(std::move(data));
    if (static_cast<int>(attachments_.size()) == partial_->attachments) {
      sio::Packet p = std::move(*partial_);
      partial_.reset();
      auto attachments = std::move(attachments_);
      attachments_.clear();
      Dispatch(p, attachments);
    }
    return;
  }
  if (partial_) return Fail("text packet while binary attachments were expected");
  auto p = sio::Parse(data);
  if (!p) return Fail("invalid Socket.IO packet");
  HandlePacket(std::move(*p));
}

void SioConnection::HandlePacket(sio::Packet&& p) {
  switch (p.type) {
    case sio::Type::kConnect: {
      if (sockets_.count(p.nsp)) return Fail("duplicate CONNECT");
      SioApp::Connected c = app_.Connect(*this, p.nsp, p.data.get_object());
      if (!c.socket) {
        session_->SendMessage(sio::Encode(sio::Type::kConnectError, p.nsp, std::nullopt, c.error_json));
        return session_->Flush();
      }
      connect_timer_.cancel();
      sockets_[p.nsp] = std::move(c.socket);
      std::string reply = "{\"sid\":";
      json::AppendQuoted(reply, c.socket_id);
      reply += '}';
      // The reply goes out before anything the namespace emitted while connecting.
      session_->SendMessage(sio::Encode(sio::Type::kConnect, p.nsp, std::nullopt, reply));
      sockets_[p.nsp]->OnConnected();
      return session_->Flush();
    }
    case sio::Type::kDisconnect:
      Disconnect(p.nsp, "client namespace disconnect");
      if (sockets_.empty()) OnOpen(*session_);  // no namespace left: CONNECT again within the timeout
      return;
    case sio::Type::kEvent:
    case sio::Type::kAck: {
      std::vector<std::string> none;
      return Dispatch(p, none);
    }
    case sio::Type::kBinaryEvent:
    case sio::Type::kBinaryAck:
      if (p.attachments == 0) {
        std::vector<std::string> none;
        return Dispatch(p, none);
      }
      partial_ = std::move(p);
      return;
    default: return Fail("unexpected packet type");
  }
}

void SioConnection::Dispatch(sio::Packet& p, std::vector<std::string>& attachments) {
  auto it = sockets_.find(p.nsp);
  if (it == sockets_.end()) return;  // not connected to that namespace: ignored, as the reference does
  if (p.type == sio::Type::kAck || p.type == sio::Type::kBinaryAck) return;  // we never ask clients for acks
  auto& arr = p.data.get_array();
  std::string name(arr[0].get_string());
  arr.erase(arr.begin());
  it->second->OnEvent(name, arr, p.id, attachments);
}

void SioConnection::Emit(const std::string& nsp, const std::string& args_json, std::vector<std::string> attachments) {
  bool binary = !attachments.empty();
  session_->SendMessage(sio::Encode(binary ? sio::Type::kBinaryEvent : sio::Type::kEvent, nsp, std::nullopt, args_json,
                                    static_cast<int>(attachments.size())));
  for (auto& a : attachments) session_->SendBinary(std::move(a));
}

void SioConnection::Ack(const std::string& nsp, uint64_t id, const std::string& args_json,
                        std::vector<std::string> attachments) {
  bool binary = !attachments.empty();
  session_->SendMessage(sio::Encode(binary ? sio::Type::kBinaryAck : sio::Type::kAck, nsp, id, args_json,
                                    static_cast<int>(attachments.size())));
  for (auto& a : attachments) session_->SendBinary(std::move(a));
}

void SioConnection::Disconnect(const std::string& nsp, const std::string& reason) {
  auto it = sockets_.find(nsp);
  if (it == sockets_.end()) return;
  auto socket = std::move(it->second);
  sockets_.erase(it);
  socket->OnDisconnect(reason);
}

void SioConnection::ServerDisconnect(const std::string& nsp, const std::string& reason) {
  if (!sockets_.count(nsp) || !session_) return;
  session_->SendMessage(sio::Encode(sio::Type::kDisconnect, nsp, std::nullopt, ""));
  session_->Flush();
  Disconnect(nsp, reason);
  if (!sockets_.empty()) return;
  connect_timer_.expires_after(connect_timeout_);
  connect_timer_.async_wait([this, weak = session_->weak_from_this()](const boost::system::error_code& ec) {
    auto alive = weak.lock();
    if (!ec && alive && sockets_.empty()) Fail("connect timeout");
  });
}

void SioConnection::Fail(const std::string& reason) {
  if (session_) session_->Close(reason);
}

void SioConnection::OnUpgrade(EioSession&) {
  for (auto& [nsp, s] : sockets_) s->OnUpgraded();
}

void SioConnection::OnClose(EioSession&, const std::string& reason) {
  connect_timer_.cancel();
  auto sockets = std::move(sockets_);
  sockets_.clear();
  for (auto& [nsp, s] : sockets) s->OnDisconnect(reason);
}

}  // namespace rt::gateway
