#include "gateway/eio_session.h"

#include <boost/asio/post.hpp>

#include "core/json.h"
#include "protocol/ws_frame.h"

namespace rt::gateway {

namespace eio = protocol::eio;
namespace ws = protocol::ws;

namespace {

net::HttpResponse PollResponse(int status, std::string body) {
  net::HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=UTF-8";
  r.body = std::move(body);
  return r;
}

}  // namespace

EioSession::EioSession(std::string sid, size_t shard, boost::asio::io_context& ctx, const EioOptions& options,
                       std::function<void(const std::string&)> on_gone)
    : sid_(std::move(sid)), shard_(shard), options_(options), on_gone_(std::move(on_gone)), ping_timer_(ctx) {}

EioSession::~EioSession() = default;

std::string EioSession::StartPolling() {
  state_ = State::kPolling;
  SchedulePing();
  if (handler_) handler_->OnOpen(*this);
  return eio::EncodeText(eio::PacketType::kOpen, eio::HandshakeJson(sid_, true, options_.ping_interval_ms,
                                                                     options_.ping_timeout_ms, options_.max_payload));
}

void EioSession::StartWebSocket(net::WsConnection& conn) {
  state_ = State::kWebSocket;
  ws_ = &conn;
  conn.SendText(eio::EncodeText(eio::PacketType::kOpen, eio::HandshakeJson(sid_, false, options_.ping_interval_ms,
                                                                            options_.ping_timeout_ms,
                                                                            options_.max_payload)));
  SchedulePing();
  if (handler_) handler_->OnOpen(*this);
}

void EioSession::OnPollGet(PollResponder respond, const std::shared_ptr<net::AbortSignal>& abort) {
  // After an upgrade, polling requests are refused and otherwise ignored; during one (probe
  // answered), a GET is closed at once with a noop so the client can finish the upgrade.
  if (state_ == State::kWebSocket) return respond(PollResponse(400, R"({"code":3,"message":"Bad request"})"));
  if (probed_) return respond(PollResponse(200, "6"));
  if (state_ == State::kClosed) {
    if (!linger_) return respond(PollResponse(400, R"({"code":1,"message":"Session ID unknown"})"));
    // The client closed with "1" while no GET was pending: its next GET ends with a noop.
    linger_ = false;
    respond(PollResponse(200, "6"));
    if (on_gone_) on_gone_(sid_);
    return;
  }
  if (pending_get_) {
    respond(PollResponse(400, R"({"code":3,"message":"Bad request"})"));
    return CloseInternal("multiple pending GET requests", "1");
  }
  pending_get_ = std::move(respond);
  if (abort) {
    std::weak_ptr<EioSession> weak = weak_from_this();
    auto executor = ping_timer_.get_executor();
    abort->OnAbort([weak, executor] {
      if (auto self = weak.lock()) {
        boost::asio::post(executor, [self] {
          if (self->pending_get_) {
            self->pending_get_ = nullptr;
            self->CloseInternal("transport close: polling request aborted", nullptr);
          }
        });
      }
    });
  }
  Flush();
}

void EioSession::OnPollPost(const std::string& body, PollResponder respond) {
  if (state_ != State::kPolling) return respond(PollResponse(400, R"({"code":3,"message":"Bad request"})"));
  if (body.size() > static_cast<size_t>(options_.max_payload)) {
    respond(PollResponse(413, R"({"code":3,"message":"Payload too large"})"));
    return CloseInternal("payload too large", "1");
  }
  auto packets = eio::ParsePayload(body);
  if (!packets) {
    respond(PollResponse(400, R"({"code":3,"message":"Bad request"})"));
    return CloseInternal("parse error", "1");
  }
  respond(PollResponse(200, "ok"));
  for (auto& p : *packets) {
    if (state_ == State::kClosed) break;
    Incoming(std::move(p));
  }
}

void EioSession::OnWsOpen(net::WsConnection& conn) {
  if (state_ == State::kClosed || !CanUpgrade()) return conn.Close(ws::close_code::kPolicy, "cannot upgrade");
  probe_ws_ = &conn;
  conn.RunAfter(std::chrono::milliseconds(options_.upgrade_timeout_ms), [this, c = &conn] {
    if (probe_ws_ == c) {
      probe_ws_ = nullptr;
      c->Close(ws::close_code::kNormal, "upgrade timeout");
    }
  });
}

void EioSession::OnWsMessage(net::WsConnection& conn, ws::Message&& m) {
  if (state_ == State::kClosed) return;
  if (&conn == probe_ws_) {
    // Upgrade handshake: 2probe -> 3probe (+ noop to the pending GET), then 5.
    if (m.kind == ws::Message::kText && m.data == "2probe") {
      probed_ = true;
      conn.SendText(eio::EncodeText(eio::PacketType::kPong, "probe"));
      if (pending_get_) RespondPoll("6");
      return;
    }
    if (m.kind == ws::Message::kText && m.data == "5") {
      probe_ws_ = nullptr;
      probed_ = false;
      ws_ = &conn;
      state_ = State::kWebSocket;
      if (pending_get_) RespondPoll("6");
      Flush();  // what was queued for polling now goes over the WebSocket
      if (handler_) handler_->OnUpgrade(*this);
      return;
    }
    return conn.Close(ws::close_code::kProtocolError, "invalid upgrade");
  }
  if (&conn != ws_) return;
  if (m.data.size() > static_cast<size_t>(options_.max_payload)) {
    conn.Close(ws::close_code::kTooBig, "message larger than maxPayload");
    return CloseInternal("payload too large", nullptr);
  }
  if (m.kind == ws::Message::kBinary) return Incoming({eio::PacketType::kMessage, std::move(m.data), true});
  auto p = eio::ParseTextPacket(m.data);
  if (!p) return CloseInternal("parse error", nullptr);
  Incoming(std::move(*p));
}

void EioSession::OnWsClose(net::WsConnection& conn, uint16_t code) {
  if (&conn == probe_ws_) {
    probe_ws_ = nullptr;
    probed_ = false;
    return;
  }
  if (&conn == ws_) {
    ws_ = nullptr;
    CloseInternal(code == ws::close_code::kSlowConsumer     ? "slow consumer: send queue limit exceeded"
                  : code == ws::close_code::kServiceRestart ? "server shutdown"
                  : code == ws::close_code::kIdleTimeout    ? "ping timeout"
                  : code == 1006                            ? "transport error"
                                                            : "transport close",
                  nullptr);
  }
}

void EioSession::Incoming(eio::Packet&& p) {
  switch (p.type) {
    case eio::PacketType::kPong:
      if (awaiting_pong_) {
        awaiting_pong_ = false;
        SchedulePing();  // next ping after pingInterval
      }
      return;
    case eio::PacketType::kMessage:
      if (handler_) handler_->OnMessage(*this, std::move(p.data), p.binary);
      return;
    case eio::PacketType::kClose: return CloseInternal("forced close", "6");
    case eio::PacketType::kNoop: return;
    default: return CloseInternal("parse error", "1");
  }
}

void EioSession::SendMessage(std::string data) {
  if (state_ == State::kClosed) return;
  data.insert(data.begin(), static_cast<char>(eio::PacketType::kMessage));
  if (ws_) {
    ws_->Enqueue(std::make_shared<const std::string>(ws::EncodeFrame(ws::Opcode::kText, data)));
    return;
  }
  QueueForPoll({std::make_shared<const std::string>(std::move(data)), Out::kText});
}

void EioSession::SendBinary(std::string bytes) {
  if (state_ == State::kClosed) return;
  if (ws_) {
    ws_->Enqueue(std::make_shared<const std::string>(ws::EncodeFrame(ws::Opcode::kBinary, bytes)));
    return;
  }
  QueueForPoll({std::make_shared<const std::string>(std::move(bytes)), Out::kBinary});
}

bool EioSession::EnqueueFrame(const std::shared_ptr<const std::string>& frame) {
  if (state_ == State::kClosed) return false;
  if (ws_) return ws_->Enqueue(frame);
  QueueForPoll({frame, Out::kFrame});
  return !overflowed_;
}

void EioSession::SendControl(eio::PacketType type, std::string_view data) {
  std::string text = eio::EncodeText(type, data);
  if (ws_) {
    ws_->Enqueue(std::make_shared<const std::string>(ws::EncodeFrame(ws::Opcode::kText, text)));
    return;
  }
  QueueForPoll({std::make_shared<const std::string>(std::move(text)), Out::kText});
}

void EioSession::QueueForPoll(Out out) {
  if (overflowed_) return;
  queued_bytes_ += out.bytes->size();
  queue_.push_back(std::move(out));
  if (options_.max_queue_bytes == 0 || queued_bytes_ <= options_.max_queue_bytes) return;
  // A client that does not poll: drop what waits and close. Not from here (the hub's fan-out
  // may be calling us): on the next turn of the session's thread.
  overflowed_ = true;
  queue_.clear();
  queued_bytes_ = 0;
  if (options_.counters) options_.counters->slow_consumers.fetch_add(1, std::memory_order_relaxed);
  boost::asio::post(ping_timer_.get_executor(), [self = shared_from_this()] {
    self->CloseInternal("slow consumer: polling queue limit exceeded", "1");
  });
}

void EioSession::Flush() {
  if (ws_) {
    for (auto& o : queue_) {
      if (o.kind == Out::kFrame) ws_->Enqueue(o.bytes);
      else ws_->Enqueue(std::make_shared<const std::string>(ws::EncodeFrame(
               o.kind == Out::kBinary ? ws::Opcode::kBinary : ws::Opcode::kText, *o.bytes)));
    }
    queue_.clear();
    queued_bytes_ = 0;
    return ws_->Flush();
  }
  if (!pending_get_ || queue_.empty()) return;
  std::string body;
  for (size_t i = 0; i < queue_.size(); ++i) {
    if (i) body += eio::kSeparator;
    const Out& o = queue_[i];
    if (o.kind == Out::kFrame) body.append(ws::FramePayload(*o.bytes));
    else if (o.kind == Out::kBinary) body += "b" + eio::Base64Encode(*o.bytes);
    else body += *o.bytes;
  }
  queue_.clear();
  queued_bytes_ = 0;
  RespondPoll(std::move(body));
}

void EioSession::RespondPoll(std::string body, int status) {
  auto respond = std::move(pending_get_);
  pending_get_ = nullptr;
  if (respond) respond(PollResponse(status, std::move(body)));
}

void EioSession::SchedulePing() {
  ping_timer_.expires_after(std::chrono::milliseconds(awaiting_pong_ ? options_.ping_timeout_ms
                                                                     : options_.ping_interval_ms));
  ping_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self) self->OnPingTimer();
  });
}

// One timer, two phases: after pingInterval send a ping and wait pingTimeout for the pong
// (Incoming re-arms the interval when it arrives); if the timeout elapses first, close.
void EioSession::OnPingTimer() {
  if (state_ == State::kClosed) return;
  if (awaiting_pong_) return CloseInternal("ping timeout", "1");
  awaiting_pong_ = true;
  SendControl(eio::PacketType::kPing);
  Flush();
  SchedulePing();
}

void EioSession::Close(const std::string& reason) { CloseInternal(reason, "1"); }

void EioSession::CloseInternal(const std::string& reason, const char* pending_get_packet) {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  auto keep = shared_from_this();
  ping_timer_.cancel();
  queue_.clear();
  queued_bytes_ = 0;
  lease_.reset();
  bool was_polling = !ws_;
  if (pending_get_ && pending_get_packet) RespondPoll(pending_get_packet);
  else if (was_polling && pending_get_packet && pending_get_packet[0] == '6') linger_ = true;
  pending_get_ = nullptr;
  if (ws_) ws_->Close(ws::close_code::kNormal, "");
  if (probe_ws_) probe_ws_->Close(ws::close_code::kNormal, "");
  ws_ = probe_ws_ = nullptr;
  if (handler_) handler_->OnClose(*this, reason);
  if (!linger_) {
    if (on_gone_) on_gone_(sid_);
    return;
  }
  // Keep the sid known briefly so the GET racing the close gets its noop.
  ping_timer_.expires_after(std::chrono::milliseconds(options_.ping_timeout_ms));
  ping_timer_.async_wait([keep](const boost::system::error_code&) {
    if (keep->linger_) {
      keep->linger_ = false;
      if (keep->on_gone_) keep->on_gone_(keep->sid_);
    }
  });
}

net::HttpResponse EioBadRequest(int code, const char* message) {
  net::HttpResponse r;
  r.status = 400;
  r.body = std::string("{\"code\":") + std::to_string(code) + ",\"message\":\"" + message + "\"}";
  return r;
}

}  // namespace rt::gateway
