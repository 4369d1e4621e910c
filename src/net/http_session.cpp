// One HTTP/1.1 connection: bounded parsing, sequential request handling, WebSocket upgrade.
#include <sstream>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include "core/json.h"
#include "net/http_server_impl.h"
#include "net/ws_connection_impl.h"

namespace rt::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string ErrorBody(ErrorCode code, std::string_view message) {
  std::string out = "{\"error\":";
  json::AppendQuoted(out, ErrorCodeName(code));
  out += ",\"message\":";
  json::AppendQuoted(out, message);
  out += '}';
  return out;
}

// A path of RFC 3986 pchars and '/' only (no query, no percent-escapes): it is its own decoded
// form, so it needs no URL parser (the common case: GET /api/topics/bench.rest).
bool IsPlainPath(std::string_view t) {
  if (t.empty() || t[0] != '/') return false;
  for (char c : t) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) continue;
    if (std::string_view("-._~!$&'()*+,;=:@/").find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool ParseTarget(HttpRequest& req) {
  if (IsPlainPath(req.target)) {
    req.path = req.target;
    return true;
  }
  auto u = boost::urls::parse_origin_form(req.target);
  if (!u) return false;
  req.path = u->path();
  for (auto p : u->params()) req.query.emplace_back(p.key, p.value);
  return true;
}

bool Quiet(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
         ec == asio::error::connection_reset || ec == asio::error::eof || ec == asio::error::broken_pipe ||
         ec == asio::error::bad_descriptor;
}

bool HeaderHasToken(const std::string* v, std::string_view token) {
  if (!v) return false;
  std::string lower(*v);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find(token) != std::string::npos;
}

}  // namespace

class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(HttpServer::Impl& server, tcp::socket&& socket, size_t shard)
      : stream_(std::move(socket)), server_(server), shard_(shard) {}
  ~HttpSession() override { server_.Unregister(this); }

  void Run() { DoRead(); }

  void BeginShutdown() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) {
        beast::error_code ec;
        self->stream_.socket().close(ec);
      }
    });
  }

 private:
  void DoRead() {
    if (server_.draining.load()) return Close();
    parser_.emplace();
    parser_->body_limit(static_cast<uint64_t>(server_.opts.max_body_bytes));
    parser_->header_limit(static_cast<uint32_t>(server_.opts.max_header_bytes));
    busy_ = false;
    stream_.expires_after(server_.opts.read_timeout);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->OnRead(ec);
    });
  }

  void OnRead(beast::error_code ec) {
    busy_ = true;
    if (ec == http::error::body_limit)
      return WriteError(413, ErrorCode::kPayloadTooLarge,
                        "Request body exceeds the limit of " + std::to_string(server_.opts.max_body_bytes) + " bytes");
    if (ec == http::error::header_limit)
      return WriteError(431, ErrorCode::kHeadersTooLarge, "Request headers are too large");
    if (ec && Quiet(ec)) return Close();
    if (ec) return WriteError(400, ErrorCode::kValidation, "Malformed HTTP request: " + ec.message());

    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    if (!ParseTarget(req)) return WriteError(400, ErrorCode::kValidation, "Malformed request target");
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    req.body = std::move(msg.body());
    req.shard = shard_;
    if (remote_ip_.empty()) {  // once per connection
      beast::error_code ep_ec;
      auto ep = stream_.socket().remote_endpoint(ep_ec);
      if (!ep_ec) remote_ip_ = ep.address().to_string();
    }
    req.remote_ip = remote_ip_;
    head_ = req.method == "HEAD";

    if (HeaderHasToken(req.Header("upgrade"), "websocket")) {
      if (const WsAcceptor* acceptor = server_.FindWsRoute(req.path)) return Upgrade(std::move(req), *acceptor);
    }
    req.abort = std::make_shared<AbortSignal>();
    abort_ = req.abort;
    // A handler that answers before returning (a read served from memory) is written at once: no
    // hang-up watch, no post. Otherwise the answer is posted back to this connection's thread.
    dispatching_ = true;
    server_.handler(std::move(req), [self = shared_from_this()](HttpResponse&& res) {
      // The thread is checked first: dispatching_ is only read on this connection's thread.
      if (self->server_.contexts[self->shard_]->get_executor().running_in_this_thread() && self->dispatching_) {
        self->answered_ = std::move(res);
        return;
      }
      asio::post(self->stream_.get_executor(),
                 [self, res = std::move(res)]() mutable { self->Write(std::move(res)); });
    });
    dispatching_ = false;
    if (answered_) {
      HttpResponse res = std::move(*answered_);
      answered_.reset();
      abort_.reset();
      return Write(std::move(res));
    }
    WatchForHangup();
  }

  // While a handler works on a request (a long poll may wait for minutes), notice the client
  // hanging up: readable with nothing to read means EOF. Pipelined bytes are left unread.
  void WatchForHangup() {
    stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
      if (ec || !self->abort_) return;
      char probe;
      beast::error_code peek_ec;
      size_t n = self->stream_.socket().receive(asio::buffer(&probe, 1), tcp::socket::message_peek, peek_ec);
      if (n == 0 || peek_ec) {
        auto signal = std::move(self->abort_);
        signal->Fire();
      }
    });
  }

  // RFC 6455 §4.2: validate the handshake, ask the acceptor, answer 101 and hand the socket over.
  void Upgrade(HttpRequest&& req, const WsAcceptor& acceptor) {
    const std::string* key = req.Header("sec-websocket-key");
    const std::string* version = req.Header("sec-websocket-version");
    if (req.method != "GET" || !HeaderHasToken(req.Header("connection"), "upgrade") || !key || key->size() != 24)
      return WriteError(400, ErrorCode::kValidation, "Invalid WebSocket handshake");
    if (!version || *version != "13") {
      HttpResponse r = HttpResponse::Json(426, ErrorBody(ErrorCode::kValidation, "Unsupported WebSocket version"));
      r.headers.emplace_back("Sec-WebSocket-Version", "13");
      r.close = true;
      return Write(std::move(r));
    }
    WsAcceptResult accepted = acceptor(req, shard_);
    if (!accepted.handler) {
      accepted.refusal.close = true;
      return Write(std::move(accepted.refusal));
    }
    std::string response =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
        protocol::ws::AcceptKey(*key) + "\r\n\r\n";
    auto leftover = beast::buffers_to_string(buffer_.data());
    size_t target = accepted.shard.value_or(shard_) % server_.contexts.size();
    tcp::socket socket = stream_.release_socket();
    if (target != shard_) {
      // Move the descriptor to the target shard's io_context (no operation is pending on it).
      beast::error_code ec;
      auto protocol = socket.local_endpoint(ec).protocol();
      int fd = socket.release(ec);
      if (ec) return;
      socket = tcp::socket(*server_.contexts[target], protocol, fd);
    }
    asio::post(socket.get_executor(), [server = &server_, target, socket = std::make_shared<tcp::socket>(std::move(socket)),
                                       handler = std::move(accepted.handler), ip = req.remote_ip,
                                       response = std::move(response), leftover = std::move(leftover)]() mutable {
      auto conn = std::make_shared<WsConnectionImpl>(
          std::move(*socket), target, server->next_conn_id.fetch_add(1), ip, std::move(handler), server->opts.ws,
          server->ws_counters, [server](Closable* c) { server->Unregister(c); });
      server->Register(conn);
      // The 101 is the first frame of the connection's write queue, so it precedes any message.
      conn->Enqueue(std::make_shared<const std::string>(std::move(response)));
      conn->Flush();
      conn->Start(std::move(leftover));
    });
  }

  void WriteError(int status, ErrorCode code, std::string message) {
    keep_alive_ = false;
    head_ = false;
    Write(HttpResponse::Json(status, ErrorBody(code, message)));
  }

  void Write(HttpResponse&& r) {
    if (abort_) {
      abort_.reset();
      beast::error_code ec;
      stream_.socket().cancel(ec);  // stop watching for a hangup
    }
    if (r.stream && !head_) return StartStream(std::move(r));
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
    res->set(http::field::server, "realtime");
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res->set(k, v);
    bool keep = keep_alive_ && !r.close && !server_.draining.load();
    res->keep_alive(keep);
    res->content_length(r.body.size());
    if (!head_) res->body() = std::move(r.body);
    stream_.expires_after(server_.opts.read_timeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      if (!keep) return self->LingeringClose();
      self->DoRead();
    });
  }

  // A streamed body (net/response_stream.h): the head is serialized here, then the socket goes to
  // a StreamConnection (http_stream.cpp) and this session ends.
  void StartStream(HttpResponse&& r) {
    http::response<http::empty_body> res(static_cast<http::status>(r.status), version_);
    res.set(http::field::server, "realtime");
    if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res.set(k, v);
    res.keep_alive(false);
    if (version_ == 11) res.chunked(true);
    std::ostringstream head;
    head << res.base();
    StartResponseStream(server_, stream_.release_socket(), head.str(), std::move(r.stream), version_ == 11);
  }

  // Half-closes, then reads and discards what the client is still sending (an unread request
  // body) until it closes, for at most 2 s / 8 MiB. Closing with unread data would make the
  // kernel reset the connection and the client could lose the response we just wrote.
  void LingeringClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    stream_.expires_after(std::chrono::seconds(2));
    drain_.resize(4096);
    DrainSome();
  }

  void DrainSome() {
    stream_.async_read_some(asio::buffer(drain_), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > (8u << 20)) return self->Close();
      self->DrainSome();
    });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpServer::Impl& server_;
  const size_t shard_;
  bool busy_ = false;  // a request is being handled or answered
  bool keep_alive_ = true;
  bool head_ = false;
  unsigned version_ = 11;  // of the request being answered (10 or 11)
  std::shared_ptr<AbortSignal> abort_;  // while a request is being handled
  std::string remote_ip_;                // the peer's address, read on the first request
  bool dispatching_ = false;             // inside server_.handler (this connection's thread only)
  std::optional<HttpResponse> answered_;  // the answer given before the handler returned
  std::vector<char> drain_;  // only used while lingering before close
  size_t drained_ = 0;
};

void StartHttpSession(HttpServer::Impl& server, tcp::socket socket, size_t shard) {
  auto s = std::make_shared<HttpSession>(server, std::move(socket), shard);
  server.Register(s);
  s->Run();
}

}  // namespace rt::net
