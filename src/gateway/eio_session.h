// EioSession: one Engine.IO v4 session and its transports (HTTP long-polling, WebSocket, and
// the polling → WebSocket upgrade), with the server-driven heartbeat.
//
// The session lives on one shard (I/O thread); every method must be called there. Polling
// requests arriving on other shards are posted here by EioServer; an upgrading WebSocket is
// moved to this shard by the HTTP server. The layer above (Socket.IO, or the conformance echo)
// is an EioHandler owned by the session.
//
// Rules (docs/engine.io-protocol/v4-current.md): one GET at a time (a second one: HTTP 400 and
// the session closes); a GET after the upgrade gets 400 and is otherwise ignored; an invalid
// packet closes the session; no pong within pingTimeout after a ping closes it; a client that
// drops a pending GET closes it; `1` from the client closes it (the pending GET gets `6`).
//
// Lifetime: shared_ptr, held by the EioServer registry until closed and by pending transports.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "net/http_message.h"
#include "net/ws_connection.h"
#include "protocol/engineio.h"

namespace rt::gateway {

struct EioCounters {
  std::atomic<uint64_t> slow_consumers{0};  // sessions closed because the polling queue overflowed
};

struct EioOptions {
  int ping_interval_ms = 25000;
  int ping_timeout_ms = 20000;
  int max_payload = 1000000;
  int upgrade_timeout_ms = 10000;
  // Bytes waiting for the next poll (REALTIME_WS_MAX_QUEUE_BYTES); past it the session closes
  // (a client that stops polling cannot grow the server's memory). 0 = unbounded.
  size_t max_queue_bytes = 4 << 20;
  EioCounters* counters = nullptr;  // optional; must outlive the sessions
};

class EioSession;

class EioHandler {
 public:
  virtual ~EioHandler() = default;
  virtual void OnOpen(EioSession& session) = 0;
  virtual void OnMessage(EioSession& session, std::string&& data, bool binary) = 0;
  virtual void OnClose(EioSession& session, const std::string& reason) = 0;
  // The polling session completed its upgrade: it now runs over the WebSocket.
  virtual void OnUpgrade(EioSession&) {}
};

using PollResponder = std::function<void(net::HttpResponse&&)>;

// An Engine.IO HTTP error: 400 {"code":<code>,"message":"<message>"} (1 "Session ID unknown",
// 2 "Bad request method", ...), as the reference server answers.
net::HttpResponse EioBadRequest(int code, const char* message);

class EioSession : public std::enable_shared_from_this<EioSession> {
 public:
  EioSession(std::string sid, size_t shard, boost::asio::io_context& ctx, const EioOptions& options,
             std::function<void(const std::string&)> on_gone);
  ~EioSession();

  void SetHandler(std::unique_ptr<EioHandler> handler) { handler_ = std::move(handler); }
  // Something released when the session closes (a connection-limit slot).
  void SetLease(std::shared_ptr<void> lease) { lease_ = std::move(lease); }
  const std::string& sid() const { return sid_; }
  size_t shard() const { return shard_; }
  bool closed() const { return state_ == State::kClosed; }
  bool websocket() const { return state_ == State::kWebSocket; }
  // True while a WebSocket may still join this polling session.
  bool CanUpgrade() const { return state_ == State::kPolling && !probe_ws_; }

  // Starts a polling session; returns the open packet for the handshake response.
  std::string StartPolling();
  // Starts a WebSocket-only session on conn (sends the open packet).
  void StartWebSocket(net::WsConnection& conn);

  void OnPollGet(PollResponder respond, const std::shared_ptr<net::AbortSignal>& abort);
  void OnPollPost(const std::string& body, PollResponder respond);

  // The WebSocket of an upgrade (or of a WebSocket-only session).
  void OnWsOpen(net::WsConnection& conn);
  void OnWsMessage(net::WsConnection& conn, protocol::ws::Message&& m);
  // code: the WebSocket close code; the session's close reason names the server's own
  // (4008 slow consumer, 1012 server shutdown, 4000 ping timeout, 1006 transport error).
  void OnWsClose(net::WsConnection& conn, uint16_t code = 1000);

  // Sending, by the layer above. Nothing is written until Flush (or the next poll).
  void SendMessage(std::string data);         // a text message packet ("4" + data)
  void SendBinary(std::string bytes);         // a binary message packet
  // A shared "4…" text frame; false when dropped (closed, or closed now as a slow consumer).
  bool EnqueueFrame(const std::shared_ptr<const std::string>& ws_frame);
  void Flush();

  // Server-initiated close (reason for logs and the handler).
  void Close(const std::string& reason);

 private:
  enum class State { kPolling, kWebSocket, kClosed };
  struct Out {
    std::shared_ptr<const std::string> bytes;
    enum Kind { kFrame, kText, kBinary } kind;
  };

  void Incoming(protocol::eio::Packet&& p);
  void CloseInternal(const std::string& reason, const char* pending_get_packet);
  void RespondPoll(std::string body, int status = 200);
  void SchedulePing();
  void OnPingTimer();
  void SendControl(protocol::eio::PacketType type, std::string_view data = {});
  void QueueForPoll(Out out);  // bounded by options_.max_queue_bytes

  const std::string sid_;
  const size_t shard_;
  const EioOptions& options_;
  std::function<void(const std::string&)> on_gone_;
  std::unique_ptr<EioHandler> handler_;
  boost::asio::steady_timer ping_timer_;
  State state_ = State::kPolling;
  bool awaiting_pong_ = false;
  std::vector<Out> queue_;             // polling transport (and before the upgrade completes)
  size_t queued_bytes_ = 0;            // bytes in queue_
  bool overflowed_ = false;            // queue_ overflowed: closing, nothing more is queued
  std::shared_ptr<void> lease_;        // released on close
  PollResponder pending_get_;          // a held GET
  net::WsConnection* ws_ = nullptr;    // the active WebSocket transport
  net::WsConnection* probe_ws_ = nullptr;  // a WebSocket upgrading this polling session
  bool probed_ = false;                    // the probe was answered; the upgrade packet is due
  bool linger_ = false;                    // closed by the client; the next GET gets a noop
};

}  // namespace rt::gateway
