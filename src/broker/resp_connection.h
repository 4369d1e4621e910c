// RespConnection: one asynchronous RESP2 client connection to Redis over an Asio TCP socket.
//
// Commands are encoded here (RESP arrays of bulk strings) and pipelined: Command() appends to an
// output buffer that is written as soon as the previous write finishes, and each reply completes
// the oldest pending command (FIFO, as Redis answers). Replies are parsed by hiredis's
// redisReader and handed out as plain RespReply values, so neither Asio nor hiredis leaks into
// this header.
//
// Pub/sub: after a (P|S)SUBSCRIBE command the connection is in pub/sub mode; `message`,
// `smessage` and `pmessage` pushes then go to the push handler instead of completing a command.
// A (P|S)SUBSCRIBE or (P|S)UNSUBSCRIBE naming N channels calls its callback once per
// confirmation (N times, in the order of the channels), or once with the error reply when Redis
// refuses the command (e.g. CROSSSLOT). Always name the channels (no bare UNSUBSCRIBE).
//
// Ownership and lifetime: the caller owns the RespConnection; the io_context must outlive it.
// Asynchronous operations keep the internal state alive, so destroying the RespConnection (or
// Close()) while operations are in flight is safe: they finish with operation_aborted, quietly,
// and no callback is called afterwards.
//
// Thread safety: none. Every method must be called on the thread running the io_context, and
// every callback runs there.
//
// Failure: a failed connect/handshake reports an Error to the Connect callback (kUnavailable;
// kValidation is never produced here). Losing an established connection (EOF, reset, protocol
// error, write failure) completes every pending command with kUnavailable, then calls the close
// handler once. A Redis error reply (-ERR ...) is not a failure: it arrives as a kError reply.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace rt::broker {

// Where a Redis server is and how to log in, parsed from redis://[user:pass@]host[:port][/db].
struct RedisEndpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 6379;
  std::string user;      // empty: AUTH with the password only
  std::string password;  // empty: no AUTH
  int db = 0;            // SELECTed when not 0
  bool tls = false;      // rediss://

  // host:port/db, safe to log (no credentials).
  std::string Describe() const;
};

// Parses a redis:// or rediss:// URL; kValidation for anything else (bad scheme, port, db).
Result<RedisEndpoint> ParseRedisUrl(std::string_view url);

// One RESP2 reply. Arrays nest (pub/sub pushes are arrays of strings).
struct RespReply {
  enum class Type { kString, kArray, kInteger, kNil, kStatus, kError };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  int64_t integer = 0;
  std::vector<RespReply> elements;  // kArray

  bool is_error() const { return type == Type::kError; }
};

// Encodes one command as a RESP array of bulk strings ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n").
std::string EncodeCommand(const std::vector<std::string>& args);
// Appends the encoding to *out (no intermediate string).
void AppendCommand(std::string* out, const std::vector<std::string>& args);

class RespConnection {
 public:
  // Gets the reply, or kUnavailable if the connection was lost before it arrived.
  using ReplyCallback = std::function<void(Result<RespReply>)>;
  // Gets a pub/sub push: ["message" | "smessage", channel, payload] or ["pmessage", pattern, channel, payload].
  using PushHandler = std::function<void(RespReply&&)>;
  // Told once why an established connection was lost (not called after Close()).
  using CloseHandler = std::function<void(const Error&)>;

  explicit RespConnection(boost::asio::io_context& ioc);
  ~RespConnection();  // Close()
  RespConnection(const RespConnection&) = delete;
  RespConnection& operator=(const RespConnection&) = delete;

  // Resolves, connects, then AUTHs and SELECTs as the endpoint says, all within `timeout`.
  // done gets Ok once the connection is ready for commands. Call once per RespConnection.
  void Connect(const RedisEndpoint& endpoint, std::chrono::milliseconds timeout, std::function<void(Status)> done);

  // Queues a command (pipelined). cb may be empty. Before Connect completes, commands are
  // buffered and sent after the handshake. After a connection loss, cb gets kUnavailable (posted
  // to the io_context, never called inline); after Close() the command is dropped.
  void Command(std::vector<std::string> args, ReplyCallback cb = nullptr);

  void SetPushHandler(PushHandler handler);
  void SetCloseHandler(CloseHandler handler);

  // Closes the socket and cancels everything; pending callbacks and handlers are not called.
  // Idempotent.
  void Close();

  // True between a successful Connect and a loss or Close.
  bool connected() const;
  // Commands sent (or buffered) whose reply has not arrived yet.
  size_t pending() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace rt::broker
