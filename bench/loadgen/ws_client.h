// A minimal WebSocket client connection for the load generator (RFC 6455 client side: masked
// frames out, unmasked frames in), speaking either the plain /ws JSON protocol or Socket.IO v5
// over Engine.IO v4's WebSocket transport (open packet, CONNECT with auth, ping "2" -> pong "3").
//
// Single-threaded: a connection lives on one io_context run by one thread. Reads wait for
// readability and then read into a shared per-thread buffer, so an idle connection holds no
// read buffer (as the server does); only a partial frame is kept per connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace loadgen {

enum class Proto { kWs, kSio };

struct Target {
  std::string host = "127.0.0.1";
  uint16_t port = 3000;
  std::string path = "/ws";  // for kSio the path is /socket.io/?EIO=4&transport=websocket
  Proto proto = Proto::kWs;
  std::string token;
  std::string source_ip;  // local address to bind (spreads ephemeral ports); empty = any
};

class WsClient;

class WsListener {
 public:
  virtual ~WsListener() = default;
  // The connection is usable: WebSocket open (ws) or Socket.IO namespace connected (sio).
  virtual void OnReady(WsClient& c) = 0;
  // One application message: the JSON text (ws) or the Socket.IO packet without the leading
  // Engine.IO "4" (so it starts with "2[...", "3<id>[...", "4{...").
  virtual void OnMessage(WsClient& c, std::string_view text) = 0;
  virtual void OnClosed(WsClient& c, const std::string& why) = 0;
};

class WsClient : public std::enable_shared_from_this<WsClient> {
 public:
  WsClient(boost::asio::io_context& io, const Target& target, WsListener& listener, uint32_t index);

  void Start();
  // Sends one application message (ws: JSON text; sio: a Socket.IO packet such as 2["x",{}]).
  void Send(std::string_view text);
  void Close();
  bool ready() const { return state_ == State::kReady; }
  bool closed() const { return state_ == State::kClosed; }
  uint32_t index() const { return index_; }
  size_t pending_write_bytes() const { return wbuf_.size() + inflight_.size(); }

  // Per-connection user data for listeners.
  uint64_t user_a = 0;
  uint64_t user_b = 0;

 private:
  enum class State { kConnecting, kUpgrading, kSioOpening, kSioConnecting, kReady, kClosed };
  void OnConnected();
  void WaitReadable();
  void OnReadable();
  void Consume(const char* data, size_t n);
  bool ParseFrames(std::string_view& in);  // false: stop (closed)
  void OnFrame(uint8_t opcode, std::string_view payload);
  void OnText(std::string_view text);
  void SendFrame(uint8_t opcode, std::string_view payload);
  void Flush();
  void Fail(const std::string& why);

  boost::asio::ip::tcp::socket socket_;
  const Target& target_;
  WsListener& listener_;
  const uint32_t index_;
  State state_ = State::kConnecting;
  std::string rbuf_;      // bytes of an incomplete frame (or of the HTTP response)
  std::string fragment_;  // a fragmented message being reassembled
  std::string wbuf_;      // waiting to be written
  std::string inflight_;  // being written
  bool writing_ = false;
  uint32_t mask_;
};

}  // namespace loadgen
