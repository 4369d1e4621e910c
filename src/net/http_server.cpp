#include "net/http_server.h"

#include <cerrno>

#include <boost/asio/post.hpp>

#include "core/log.h"
#include "net/http_server_impl.h"

namespace rt::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

HttpServer::Impl::Impl(HttpServerOptions o, RequestHandler h) : opts(std::move(o)), handler(std::move(h)) {
  int n = std::max(1, opts.threads);
  for (int i = 0; i < n; ++i) {
    contexts.push_back(std::make_unique<ShardContext>());
    work.emplace_back(contexts.back()->get_executor());
  }
  acceptor.emplace(*contexts[0]);
}

void HttpServer::Impl::DoAccept() {
  size_t shard = next_shard++ % contexts.size();
  acceptor->async_accept(*contexts[shard], [this, shard](boost::system::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
      if (ec == asio::error::no_descriptors || ec.value() == ENFILE || ec == asio::error::no_buffer_space ||
          ec == asio::error::no_memory) {
        // Out of file descriptors (or kernel memory): the pending connection stays in the
        // backlog, so retrying at once would spin. Log once per episode, wait, retry.
        accept_backoffs.fetch_add(1, std::memory_order_relaxed);
        if (!accept_starved) {
          accept_starved = true;
          log::Warn("accept failed: out of file descriptors; retrying every 100 ms (raise the open-files limit "
                    "or lower REALTIME_MAX_CONNECTIONS)",
                    {{"error", ec.message()}});
        }
        if (!accept_retry) accept_retry.emplace(*contexts[0]);
        accept_retry->expires_after(std::chrono::milliseconds(100));
        accept_retry->async_wait([this](boost::system::error_code wait_ec) {
          if (!wait_ec && acceptor->is_open()) DoAccept();
        });
        return;
      }
      log::Warn("accept failed", {{"error", ec.message()}});
    } else if (!draining.load()) {
      if (accept_starved) {
        accept_starved = false;
        log::Info("accepting connections again");
      }
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

uint64_t HttpServer::accept_backoffs() const { return impl_->accept_backoffs.load(std::memory_order_relaxed); }

size_t HttpServer::shard_count() const { return impl_->contexts.size(); }

void HttpServer::PostToShard(size_t shard, std::function<void()> task) {
  // After Shutdown the task is destroyed here, on the caller's thread. posting counts the posts
  // in progress so that Shutdown can wait for them before dropping the shards' pending work.
  impl_->posting.fetch_add(1);
  if (impl_->dropped.load()) {
    impl_->posting.fetch_sub(1);
    return;
  }
  asio::post(*impl_->contexts[shard % impl_->contexts.size()], std::move(task));
  impl_->posting.fetch_sub(1);
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
    if (s.accept_retry) s.accept_retry->cancel();
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
  // Connections that outlived the drain are only referenced by their pending operations and
  // timers: destroy those now, while the objects their handlers use (gateways, hub, presence,
  // all built after the server) still exist, instead of when the io_contexts are destroyed.
  s.dropped.store(true);
  while (s.posting.load() != 0) std::this_thread::yield();
  for (auto& ctx : s.contexts) ctx->DropPending();
}

}  // namespace rt::net
