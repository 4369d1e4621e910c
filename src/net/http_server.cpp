#include "net/http_server.h"

#include <boost/asio/post.hpp>

#include "core/log.h"
#include "net/http_server_impl.h"

namespace rt::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

HttpServer::Impl::Impl(HttpServerOptions o, RequestHandler h) : opts(std::move(o)), handler(std::move(h)) {
  int n = std::max(1, opts.threads);
  for (int i = 0; i < n; ++i) {
    contexts.push_back(std::make_unique<asio::io_context>(1));
    work.emplace_back(contexts.back()->get_executor());
  }
  acceptor.emplace(*contexts[0]);
}

void HttpServer::Impl::DoAccept() {
  size_t shard = next_shard++ % contexts.size();
  acceptor->async_accept(*contexts[shard], [this, shard](boost::system::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
      log::Warn("accept failed", {{"error", ec.message()}});
    } else if (!draining.load()) {
      socket.set_option(tcp::no_delay(true), ec);
      // The socket belongs to the shard's io_context; start it there.
      asio::post(*contexts[shard], [this, shard, s = std::make_shared<tcp::socket>(std::move(socket))]() mutable {
        StartHttpSession(*this, std::move(*s), shard);
      });
    }
    DoAccept();
  });
}

void HttpServer::Impl::Register(const std::shared_ptr<Closable>& c) {
  std::lock_guard lock(mu);
  live.emplace(c.get(), c);
}

void HttpServer::Impl::Unregister(Closable* c) {
  std::lock_guard lock(mu);
  live.erase(c);
  cv.notify_all();
}

const WsAcceptor* HttpServer::Impl::FindWsRoute(const std::string& path) const {
  std::string_view p(path);
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  for (const auto& [route, acceptor_fn] : ws_routes) {
    std::string_view r(route);
    while (r.size() > 1 && r.back() == '/') r.remove_suffix(1);
    if (r == p) return &acceptor_fn;
  }
  return nullptr;
}

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { Shutdown(std::chrono::milliseconds(0)); }

void HttpServer::AddWebSocketRoute(std::string path, WsAcceptor acceptor) {
  impl_->ws_routes.emplace_back(std::move(path), std::move(acceptor));
}

Status HttpServer::Start() {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(impl_->opts.host, ec);
  if (ec) return Error::Validation("invalid listen address " + impl_->opts.host);
  tcp::endpoint ep(addr, static_cast<unsigned short>(impl_->opts.port));
  auto& acc = *impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error::Unavailable("cannot listen on " + impl_->opts.host + ":" + std::to_string(impl_->opts.port) +
                                    ": " + ec.message());
  impl_->DoAccept();
  for (auto& ctx : impl_->contexts) impl_->threads.emplace_back([c = ctx.get()] { c->run(); });
  return Ok();
}

int HttpServer::port() const {
  boost::system::error_code ec;
  auto ep = impl_->acceptor->local_endpoint(ec);
  return ec ? 0 : ep.port();
}

size_t HttpServer::connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->live.size();
}

size_t HttpServer::shard_count() const { return impl_->contexts.size(); }

void HttpServer::PostToShard(size_t shard, std::function<void()> task) {
  asio::post(*impl_->contexts[shard % impl_->contexts.size()], std::move(task));
}

const WsCounters& HttpServer::ws_counters() const { return impl_->ws_counters; }

asio::io_context& HttpServer::shard_context(size_t shard) { return *impl_->contexts[shard % impl_->contexts.size()]; }

void HttpServer::Shutdown(std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  if (s.stopped) return;
  s.stopped = true;
  s.draining.store(true);
  asio::post(*s.contexts[0], [&s] {
    boost::system::error_code ec;
    s.acceptor->close(ec);
  });
  std::vector<std::shared_ptr<Closable>> live;
  {
    std::lock_guard lock(s.mu);
    for (auto& [_, w] : s.live) {
      if (auto p = w.lock()) live.push_back(std::move(p));
    }
  }
  for (auto& p : live) p->BeginShutdown();
  live.clear();
  if (!s.threads.empty()) {
    std::unique_lock lock(s.mu);
    s.cv.wait_for(lock, timeout, [&s] { return s.live.empty(); });
  }
  for (auto& w : s.work) w.reset();
  for (auto& ctx : s.contexts) ctx->stop();
  for (auto& t : s.threads) {
    if (t.joinable()) t.join();
  }
  s.threads.clear();
}

}  // namespace rt::net
