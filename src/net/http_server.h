// HttpServer: the Beast-based HTTP/1.1 listener and sessions. Owns the I/O threads.
//
// Each connection lives on its own strand. Requests on one connection are handled one at a time
// (pipelined requests wait their turn), each with a fresh parser bounded by max_body_bytes (413)
// and max_header_bytes (431), and read_timeout for the request and for keep-alive idleness.
// A malformed request gets a 400 JSON error and the connection is closed.
//
// The RequestHandler is called on the connection's I/O thread. It must not block: it either
// answers at once or hands the work to another thread; `respond` may be called from any thread,
// exactly once.
//
// Shutdown: Shutdown() stops accepting, closes idle connections, lets in-flight requests finish
// (their responses carry Connection: close), asks every registered long-lived session (WebSockets,
// later) to close with code 1012, and returns when all are gone or the deadline passes.
//
// Thread safety: Start/Shutdown/Join from the owning thread; everything else is internal.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "net/http_message.h"

namespace rt::net {

using Responder = std::function<void(HttpResponse&&)>;
using RequestHandler = std::function<void(HttpRequest&&, Responder)>;

struct HttpServerOptions {
  std::string host = "0.0.0.0";
  int port = 3000;
  int threads = 1;
  int64_t max_body_bytes = 1 << 20;
  int64_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds read_timeout{30000};
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, RequestHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the I/O threads. kUnavailable if the address cannot be bound.
  Status Start();
  // The bound port (useful with port 0).
  int port() const;
  // Graceful stop, bounded by timeout; safe to call more than once.
  void Shutdown(std::chrono::milliseconds timeout);
  // Live connections (HTTP and upgraded).
  size_t connections() const;

  struct Impl;  // defined in http_server.cpp (keeps Beast out of this header)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rt::net
