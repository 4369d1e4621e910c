// Streamed response bodies (net/response_stream.h): the connection after the headers of an
// EventStreamResponse, handed over by the HTTP session (as a WebSocket upgrade is).
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <deque>

#include "core/log.h"
#include "net/http_server_impl.h"
#include "net/response_stream.h"

namespace rt::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

HttpResponse EventStreamResponse(StreamSpec spec) {
  HttpResponse r;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Accel-Buffering", "no");  // reverse proxies: do not buffer the stream
  r.stream = std::make_shared<StreamSpec>(std::move(spec));
  return r;
}

std::string SseEvent(std::string_view event, std::string_view data) {
  std::string out;
  out.reserve(event.size() + data.size() + 16);
  if (!event.empty()) out.append("event: ").append(event).append("\n");
  size_t start = 0;
  for (;;) {
    size_t nl = data.find('\n', start);
    out.append("data: ").append(data.substr(start, nl == std::string_view::npos ? nl : nl - start)).append("\n");
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  out += '\n';
  return out;
}

namespace {

constexpr auto kShutdownGrace = std::chrono::seconds(1);
constexpr size_t kMaxDiscardedBytes = 64 << 10;  // what a client may send on a stream before it is closed

class StreamConnection final : public Closable,
                               public ResponseStream,
                               public std::enable_shared_from_this<StreamConnection> {
 public:
  StreamConnection(HttpServer::Impl& server, tcp::socket socket, std::shared_ptr<StreamSpec> spec, bool chunked)
      : server_(server),
        socket_(std::move(socket)),
        exec_(socket_.get_executor()),
        timer_(exec_),
        spec_(std::move(spec)),
        chunked_(chunked) {}
  ~StreamConnection() override {
    if (registered_) server_.Unregister(this);
  }

  // I/O thread: registers for shutdown, writes the head, calls the handler's start.
  void Start(std::string head) {
    server_.Register(shared_from_this());
    registered_ = true;
    head_ = std::move(head);
    ReadSome();
    ArmTimer(spec_->keepalive);
    auto start = std::move(spec_->start);
    spec_->start = nullptr;
    if (start && !server_.draining.load()) {
      try {
        start(shared_from_this());
      } catch (const std::exception& e) {
        log::Error("stream handler failed", {{"error", e.what()}});
        return Terminate();
      }
    }
    if (server_.draining.load()) Close();  // the server began shutting down meanwhile
    Flush();
  }

  bool Write(std::string chunk) override {
    bool post = false;
    bool drop = false;
    {
      std::lock_guard lock(mu_);
      if (ended_ || closing_) return false;
      if (queued_bytes_ + chunk.size() > spec_->max_queued_bytes) {
        closing_ = true;  // fell behind: dropped at once, nothing more is written
        dropped_ = true;
        drop = true;
      } else {
        queued_bytes_ += chunk.size();
        pending_.push_back(std::move(chunk));
        post = !flush_posted_;
        flush_posted_ = true;
      }
    }
    if (drop) {
      asio::post(exec_, [self = shared_from_this()] { self->Terminate(); });
      return false;
    }
    if (post) asio::post(exec_, [self = shared_from_this()] { self->Flush(); });
    return true;
  }

  void Close() override {
    {
      std::lock_guard lock(mu_);
      if (ended_ || closing_) return;
      closing_ = true;
      if (flush_posted_) return;
      flush_posted_ = true;
    }
    asio::post(exec_, [self = shared_from_this()] { self->Flush(); });
  }

  void OnClose(std::function<void()> fn) override {
    {
      std::lock_guard lock(mu_);
      if (!ended_) {
        on_close_.push_back(std::move(fn));
        return;
      }
    }
    fn();
  }

  void BeginShutdown() override {
    asio::post(exec_, [self = shared_from_this()] {
      if (self->closed_io_) return;
      self->shutting_down_ = true;
      self->Close();
      self->ArmTimer(kShutdownGrace);  // flush what is queued for at most this long
    });
  }

 private:
  void ReadSome() {
    // A client sends nothing on an event stream: EOF or an error means it went away.
    socket_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                              self->discarded_ += n;
                              if (ec || self->discarded_ > kMaxDiscardedBytes) return self->Terminate();
                              self->ReadSome();
                            });
  }

  void ArmTimer(std::chrono::milliseconds after) {
    timer_.expires_after(after);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->OnTimer();
    });
  }

  void OnTimer() {
    if (closed_io_) return;
    if (shutting_down_) return Terminate();
    if (writing_ && std::chrono::steady_clock::now() - write_started_ >= spec_->stall_timeout) return Terminate();
    if (!writing_) Write(spec_->keepalive_chunk);
    ArmTimer(spec_->keepalive);
  }

  // I/O thread: writes the head, what is pending (one chunk) and, once closing, the last chunk.
  void Flush() {
    if (writing_ || closed_io_) return;
    std::string out = std::move(head_);
    head_.clear();
    size_t payload = 0;
    bool finish = false;
    {
      std::lock_guard lock(mu_);
      flush_posted_ = false;
      if (dropped_) return;
      for (const auto& c : pending_) payload += c.size();
      if (payload > 0) {
        out.reserve(out.size() + payload + 16);
        if (chunked_) out.append(ToHex(payload)).append("\r\n");
        for (const auto& c : pending_) out += c;
        if (chunked_) out += "\r\n";
      }
      pending_.clear();
      finish = closing_;
    }
    if (finish) {
      if (chunked_) out += "0\r\n\r\n";
      finished_ = true;
    }
    if (out.empty()) {
      if (finished_) Terminate();  // HTTP/1.0: the body ends with the connection
      return;
    }
    writing_ = true;
    inflight_ = std::move(out);
    inflight_payload_ = payload;
    write_started_ = std::chrono::steady_clock::now();
    asio::async_write(socket_, asio::buffer(inflight_),
                      [self = shared_from_this()](boost::system::error_code ec, size_t) { self->OnWritten(ec); });
  }

  void OnWritten(boost::system::error_code ec) {
    writing_ = false;
    {
      std::lock_guard lock(mu_);
      queued_bytes_ -= std::min(queued_bytes_, inflight_payload_);
    }
    inflight_.clear();
    inflight_payload_ = 0;
    if (ec || finished_) return Terminate();
    Flush();
  }

  // I/O thread: ends the stream (idempotent) and runs the on-close callbacks.
  void Terminate() {
    if (closed_io_) return;
    closed_io_ = true;
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard lock(mu_);
      ended_ = true;
      closing_ = true;
      pending_.clear();
      queued_bytes_ = 0;
      callbacks.swap(on_close_);
    }
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    timer_.cancel();
    for (auto& fn : callbacks) fn();
    if (registered_) server_.Unregister(this);  // last: a shutdown waiting for it may then proceed
    registered_ = false;
  }

  static std::string ToHex(size_t n) {
    char buf[20];
    int len = std::snprintf(buf, sizeof(buf), "%zx", n);
    return std::string(buf, static_cast<size_t>(len));
  }

  HttpServer::Impl& server_;
  tcp::socket socket_;
  asio::any_io_executor exec_;
  asio::steady_timer timer_;
  std::shared_ptr<StreamSpec> spec_;
  const bool chunked_;

  std::mutex mu_;
  std::deque<std::string> pending_;              // guarded by mu_
  size_t queued_bytes_ = 0;                      // guarded by mu_: pending + being written
  bool flush_posted_ = false;                    // guarded by mu_
  bool closing_ = false;                         // guarded by mu_: Close, overflow or shutdown
  bool dropped_ = false;                         // guarded by mu_: overflowed (no graceful end)
  bool ended_ = false;                           // guarded by mu_: terminated
  std::vector<std::function<void()>> on_close_;  // guarded by mu_

  // I/O thread only (registered_ also in the destructor, after the last owner let go).
  bool registered_ = false;
  bool closed_io_ = false;
  bool writing_ = false;
  bool finished_ = false;  // the last chunk is being written
  bool shutting_down_ = false;
  std::string head_;
  std::string inflight_;
  size_t inflight_payload_ = 0;
  std::chrono::steady_clock::time_point write_started_;
  std::array<char, 512> discard_{};
  size_t discarded_ = 0;
};

}  // namespace

void StartResponseStream(HttpServer::Impl& server, tcp::socket socket, std::string head,
                         std::shared_ptr<StreamSpec> spec, bool chunked) {
  auto conn = std::make_shared<StreamConnection>(server, std::move(socket), std::move(spec), chunked);
  conn->Start(std::move(head));
}

}  // namespace rt::net
