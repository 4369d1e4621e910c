#include "net/http_server.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include "core/json.h"
#include "core/log.h"

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

// Fills path/query of req from its raw target; false if the target is not origin-form.
bool ParseTarget(HttpRequest& req) {
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

}  // namespace

class Session;

struct HttpServer::Impl {
  Impl(HttpServerOptions o, RequestHandler h) : opts(std::move(o)), handler(std::move(h)), ioc(opts.threads) {}

  void DoAccept();
  void Register(const std::shared_ptr<Session>& s);
  void Unregister(Session* s);

  HttpServerOptions opts;
  RequestHandler handler;
  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // guarded by mu
  std::atomic<bool> draining{false};
  // Declared after mu/sessions so sessions destroyed with the io_context can still unregister.
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  bool stopped = false;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, HttpServer::Impl* server) : stream_(std::move(socket)), server_(server) {}
  ~Session() { server_->Unregister(this); }

  void Run() { asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::DoRead, shared_from_this())); }

  // Closes the connection if it is between requests; otherwise the current response closes it.
  void BeginShutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->stream_.socket().close();
    });
  }

 private:
  void DoRead() {
    if (server_->draining.load()) return Close();
    parser_.emplace();
    parser_->body_limit(static_cast<uint64_t>(server_->opts.max_body_bytes));
    parser_->header_limit(static_cast<uint32_t>(server_->opts.max_header_bytes));
    busy_ = false;
    stream_.expires_after(server_->opts.read_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    busy_ = true;
    if (ec == http::error::body_limit) {
      return WriteError(413, ErrorCode::kPayloadTooLarge,
                        "Request body exceeds the limit of " + std::to_string(server_->opts.max_body_bytes) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return WriteError(431, ErrorCode::kHeadersTooLarge, "Request headers are too large");
    }
    if (ec && Quiet(ec)) return Close();
    if (ec) return WriteError(400, ErrorCode::kValidation, "Malformed HTTP request: " + ec.message());

    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
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
    beast::error_code ep_ec;
    auto ep = stream_.socket().remote_endpoint(ep_ec);
    if (!ep_ec) req.remote_ip = ep.address().to_string();
    head_ = req.method == "HEAD";
    server_->handler(std::move(req), [self = shared_from_this()](HttpResponse&& res) {
      asio::post(self->stream_.get_executor(),
                 [self, res = std::move(res)]() mutable { self->Write(std::move(res)); });
    });
  }

  void WriteError(int status, ErrorCode code, std::string message) {
    keep_alive_ = false;
    head_ = false;
    Write(HttpResponse::Json(status, ErrorBody(code, message)));
  }

  void Write(HttpResponse&& r) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
    res->set(http::field::server, "realtime");
    res->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res->set(k, v);
    bool keep = keep_alive_ && !r.close && !server_->draining.load();
    res->keep_alive(keep);
    res->content_length(r.body.size());
    if (!head_) res->body() = std::move(r.body);
    stream_.expires_after(server_->opts.read_timeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      if (!keep) return self->LingeringClose();
      self->DoRead();
    });
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
  HttpServer::Impl* server_;
  bool busy_ = false;  // a request is being handled or answered (strand only)
  bool keep_alive_ = true;
  bool head_ = false;
  std::vector<char> drain_;  // only used while lingering before close
  size_t drained_ = 0;
};

void HttpServer::Impl::DoAccept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      log::Warn("accept failed", {{"error", ec.message()}});
    } else if (!draining.load()) {
      socket.set_option(tcp::no_delay(true), ec);
      auto s = std::make_shared<Session>(std::move(socket), this);
      Register(s);
      s->Run();
    }
    DoAccept();
  });
}

void HttpServer::Impl::Register(const std::shared_ptr<Session>& s) {
  std::lock_guard lock(mu);
  sessions.emplace(s.get(), s);
}

void HttpServer::Impl::Unregister(Session* s) {
  std::lock_guard lock(mu);
  sessions.erase(s);
  cv.notify_all();
}

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { Shutdown(std::chrono::milliseconds(0)); }

Status HttpServer::Start() {
  beast::error_code ec;
  auto addr = asio::ip::make_address(impl_->opts.host, ec);
  if (ec) return Error::Validation("invalid listen address " + impl_->opts.host);
  tcp::endpoint ep(addr, static_cast<unsigned short>(impl_->opts.port));
  auto& acc = impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error::Unavailable("cannot listen on " + impl_->opts.host + ":" + std::to_string(impl_->opts.port) +
                                    ": " + ec.message());
  impl_->work.emplace(impl_->ioc.get_executor());
  impl_->DoAccept();
  for (int i = 0; i < impl_->opts.threads; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  return Ok();
}

int HttpServer::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

size_t HttpServer::connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->sessions.size();
}

void HttpServer::Shutdown(std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  if (s.stopped) return;
  s.stopped = true;
  s.draining.store(true);
  asio::post(s.ioc, [&s] {
    beast::error_code ec;
    s.acceptor.close(ec);
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(s.mu);
    for (auto& [_, w] : s.sessions) {
      if (auto p = w.lock()) live.push_back(std::move(p));
    }
  }
  for (auto& p : live) p->BeginShutdown();
  live.clear();
  {
    std::unique_lock lock(s.mu);
    s.cv.wait_for(lock, timeout, [&s] { return s.sessions.empty(); });
  }
  s.work.reset();
  s.ioc.stop();
  for (auto& t : s.threads) {
    if (t.joinable()) t.join();
  }
  s.threads.clear();
}

}  // namespace rt::net
