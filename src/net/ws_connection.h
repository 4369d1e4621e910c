// WsConnection: one WebSocket connection after the HTTP upgrade (RFC 6455, our own framing).
//
// Why not Beast's websocket::stream: the fan-out path queues the same pre-encoded server frame
// (unmasked, so identical for every recipient) to thousands of connections and writes each
// connection's queue with one gathered write, and an idle connection should cost a few hundred
// bytes (it waits for readability with no buffer; reads go through a per-thread buffer).
//
// Each connection lives on one shard (I/O thread) for its whole life. All methods except Post()
// must be called on that thread. The handler is called on it too.
//
// Lifetime: owned by shared_ptr (the pending I/O keeps it alive). The handler is owned by the
// connection; OnClose is called exactly once, after which the connection sends nothing more.
// Slow consumers: when queued bytes (messages, replies, and control frames such as pongs)
// exceed max_queue_bytes the queue is dropped and the connection is closed with 4008 "slow
// consumer" (counted in WsCounters::slow_consumers).
// Idle: a ping is sent every ping_interval; no inbound bytes for ping_interval + ping_timeout
// closes with 4000 "idle timeout".
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "protocol/ws_frame.h"

namespace rt::net {

class WsConnection;

class WsHandler {
 public:
  virtual ~WsHandler() = default;
  // The connection is open; keep a pointer to it (valid until OnClose returns).
  virtual void OnOpen(WsConnection& conn) = 0;
  // A complete text or binary message.
  virtual void OnMessage(WsConnection& conn, protocol::ws::Message&& message) = 0;
  // The connection ended (code and reason as sent or received; 1006 if it just dropped).
  virtual void OnClose(WsConnection& conn, uint16_t code, const std::string& reason) = 0;
};

struct WsOptions {
  size_t max_message_bytes = 1 << 20;
  size_t max_queue_bytes = 4 << 20;
  std::chrono::milliseconds ping_interval{25000};
  std::chrono::milliseconds ping_timeout{20000};
};

struct WsCounters {
  std::atomic<int64_t> open{0};
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> slow_consumers{0};
  std::atomic<uint64_t> protocol_errors{0};
};

class WsConnection {
 public:
  virtual ~WsConnection() = default;

  virtual uint64_t id() const = 0;
  virtual size_t shard() const = 0;
  virtual const std::string& remote_ip() const = 0;

  // Encodes and sends one text message.
  virtual void SendText(std::string_view text) = 0;
  // Queues a pre-encoded frame (shared by many connections); call Flush to write. False when it
  // was dropped: the connection is closing, or this frame took it over max_queue_bytes (it is
  // then closed as a slow consumer, 4008).
  virtual bool Enqueue(const std::shared_ptr<const std::string>& frame) = 0;
  virtual void Flush() = 0;
  // Sends a close frame with code/reason and ends the connection. Idempotent.
  virtual void Close(uint16_t code, std::string_view reason) = 0;
  virtual bool closing() const = 0;
  // Bytes waiting to be written.
  virtual size_t queued_bytes() const = 0;

  // Any thread: runs fn on the connection's thread (dropped if the connection is gone).
  virtual void Post(std::function<void()> fn) = 0;
  // Runs fn on the connection's thread after delay unless the connection ended first. One
  // pending call at a time (a new one replaces it). Used for handshake deadlines.
  virtual void RunAfter(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
};

}  // namespace rt::net
