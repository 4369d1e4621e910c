// Streamed responses (Server-Sent Events): a handler answers with EventStreamResponse(spec)
// instead of a body; the server writes the headers, then hands the handler's `start` a
// ResponseStream to write the body with, chunk by chunk, for as long as the client stays.
// Access checks happen before, as for any response: a handler that refuses (401, 403…) simply
// returns a normal response. No Beast types here.
//
// Wire: HTTP/1.1 chunked transfer encoding (HTTP/1.0: the body ends with the connection), with
// Content-Type: text/event-stream, Cache-Control: no-cache, Connection: close (the connection
// ends with the stream). A HEAD request gets the headers only and `start` is never called.
//
// The stream's bound: bytes written but not yet accepted by the socket are capped by
// max_queued_bytes; a Write beyond it fails and ends the stream at once (a reader that fell
// behind is dropped, never waited for). While idle, keepalive_chunk (an SSE comment, ": ping")
// is written every `keepalive`; a write that has not completed after `stall_timeout` ends it too.
//
// Ownership and lifetime: the stream is shared (shared_ptr) by the server and the handler's
// writers; it may outlive the connection (then Write returns false). Holders must drop it before
// the HttpServer is destroyed. The on-close callbacks are not run by the destructor.
// Thread safety: Write, Close and OnClose may be called from any thread and never block (a
// Write is a hand-off to the connection's I/O thread). The on-close callbacks run once, on the
// connection's I/O thread (or at once on the caller's thread when the stream has already ended);
// they must not block.
// Server shutdown: HttpServer::Shutdown ends every stream (what is queued is flushed for at most
// one second, then the connection closes), so streams do not hold the shutdown up.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/http_message.h"

namespace rt::net {

class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Queues a chunk of the body. False once the stream has ended (client gone, Close, shutdown)
  // or when the chunk would exceed max_queued_bytes (the stream then ends, dropping what waits).
  virtual bool Write(std::string chunk) = 0;
  // Ends the body after what is queued has been written. Idempotent.
  virtual void Close() = 0;
  // Runs fn once when the stream ends, for whatever reason (see the threads above).
  virtual void OnClose(std::function<void()> fn) = 0;
};

struct StreamSpec {
  size_t max_queued_bytes = 1 << 20;
  std::chrono::milliseconds keepalive{15000};
  std::string keepalive_chunk = ": ping\n\n";
  std::chrono::milliseconds stall_timeout{60000};
  // Called once on the connection's I/O thread when the headers are on their way; must not block.
  std::function<void(const std::shared_ptr<ResponseStream>&)> start;
};

// A 200 text/event-stream response streamed through spec.start.
HttpResponse EventStreamResponse(StreamSpec spec);

// One Server-Sent Event: "event: <event>\n" (when not empty), one "data: " line per line of
// data, then a blank line.
std::string SseEvent(std::string_view event, std::string_view data);

}  // namespace rt::net
