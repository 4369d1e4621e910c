// HttpServer: the Beast-based HTTP/1.1 listener and sessions. Owns the I/O threads.
//
// There is one single-threaded io_context per I/O thread (a shard); each connection lives on
// one of them for its whole life, so per-connection state needs no locks or strands. Requests
// on one connection are handled one at a time (pipelined requests wait their turn), each with a fresh parser bounded by max_body_bytes (413)
// and max_header_bytes (431), and read_timeout for the request and for keep-alive idleness.
// A malformed request gets a 400 JSON error and the connection is closed.
//
// The RequestHandler is called on the connection's I/O thread. It must not block: it either
// answers at once or hands the work to another thread; `respond` may be called from any thread,
// exactly once.
//
// Shutdown: Shutdown() stops accepting, closes idle connections, lets in-flight requests finish
// (their responses carry Connection: close), closes every WebSocket with 1012 "server restart",
// ends every streamed response (net/response_stream.h; at most 1 s to flush), and returns when all are gone or the deadline passes. Before returning it destroys what is
// left (connections that outlived the deadline, their timers and pending operations) on the
// calling thread, so that none outlives the objects its handlers use: destroy those (gateways,
// hub) only after Shutdown. From then on PostToShard drops its task.
//
// Thread safety: Start/Shutdown/Join from the owning thread; everything else is internal.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/shard_executor.h"
#include "net/http_message.h"
#include "net/ws_connection.h"

namespace boost::asio {
class io_context;
}

namespace rt::net {

using Responder = std::function<void(HttpResponse&&)>;
using RequestHandler = std::function<void(HttpRequest&&, Responder)>;

// Decides a WebSocket upgrade on `path`: a handler accepts it; a response (e.g. 401) refuses it.
// Called on the I/O thread; must not block.
struct WsAcceptResult {
  std::shared_ptr<WsHandler> handler;
  HttpResponse refusal;        // used when handler is null
  std::optional<size_t> shard;  // run the connection on this shard instead of the current one
};
using WsAcceptor = std::function<WsAcceptResult(const HttpRequest&, size_t shard)>;

struct HttpServerOptions {
  std::string host = "0.0.0.0";
  int port = 3000;
  int threads = 1;
  int64_t max_body_bytes = 1 << 20;
  int64_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds read_timeout{30000};
  WsOptions ws;
};

class HttpServer final : public ShardExecutor {
 public:
  HttpServer(HttpServerOptions options, RequestHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers a WebSocket endpoint (before Start). Upgrade requests to `path` go to the acceptor;
  // other requests to it still go to the RequestHandler.
  void AddWebSocketRoute(std::string path, WsAcceptor acceptor);

  // Binds and starts the I/O threads. kUnavailable if the address cannot be bound.
  Status Start();

  // ShardExecutor: one shard per I/O thread; connections are spread round-robin.
  size_t shard_count() const override;
  void PostToShard(size_t shard, std::function<void()> task) override;
  const WsCounters& ws_counters() const;
  // The io_context of a shard, for timers of objects living on that shard (gateways only).
  boost::asio::io_context& shard_context(size_t shard);
  // The bound port (useful with port 0).
  int port() const;
  // Graceful stop, bounded by timeout; safe to call more than once.
  void Shutdown(std::chrono::milliseconds timeout);
  // Live connections (HTTP and upgraded).
  size_t connections() const;
  // Times the accept loop backed off because the process was out of file descriptors.
  uint64_t accept_backoffs() const;

  struct Impl;  // defined in http_server.cpp (keeps Beast out of this header)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rt::net
