// HttpClient lifecycle: threads, Post/Stop, the in-flight registry and the idle connection pool.
// The request itself is in http_exchange.cpp, connecting in http_connect.cpp.
#include "webhooks/http_client.h"

#include <poll.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <cassert>
#include <stdexcept>

#include "core/log.h"
#include "webhooks/http_client_impl.h"

namespace rt::webhooks {
namespace detail {

void Connection::Close() {
  boost::system::error_code ignored;
  socket().close(ignored);
}

bool Connection::LooksReusable() {
  if (!socket().is_open() || buffer.size() != 0) return false;
  pollfd p{};
  p.fd = socket().native_handle();
  p.events = POLLIN | POLLRDHUP;
  // Readable on an idle connection means EOF, an error, or bytes nobody asked for: unusable.
  return ::poll(&p, 1, 0) == 0;
}

std::unique_ptr<Connection> Pool::Take(const std::string& origin) {
  std::vector<std::unique_ptr<Connection>> stale;  // closed outside the lock
  std::unique_ptr<Connection> found;
  {
    std::lock_guard lock(mu_);
    auto it = idle_.find(origin);
    if (it == idle_.end()) return nullptr;
    auto now = SteadyClock::now();
    auto& list = it->second;
    while (!list.empty() && !found) {
      auto conn = std::move(list.back());
      list.pop_back();
      --size_;
      if (now - conn->idle_since < idle_timeout_ && conn->LooksReusable()) {
        found = std::move(conn);
      } else {
        stale.push_back(std::move(conn));
      }
    }
    if (list.empty()) idle_.erase(it);
  }
  for (auto& c : stale) c->Close();
  return found;
}

void Pool::Put(std::unique_ptr<Connection> conn) {
  std::unique_ptr<Connection> evicted;
  {
    std::lock_guard lock(mu_);
    if (!closed_ && max_per_origin_ > 0) {
      conn->idle_since = SteadyClock::now();
      auto& list = idle_[conn->origin];
      if (list.size() >= max_per_origin_) {
        evicted = std::move(list.front());
        list.pop_front();
        --size_;
      }
      list.push_back(std::move(conn));
      ++size_;
    } else {
      evicted = std::move(conn);
    }
  }
  if (evicted) evicted->Close();
}

void Pool::CloseExpired() {
  std::vector<std::unique_ptr<Connection>> expired;
  {
    std::lock_guard lock(mu_);
    auto now = SteadyClock::now();
    for (auto it = idle_.begin(); it != idle_.end();) {
      auto& list = it->second;
      // Oldest first: stop at the first connection still fresh.
      while (!list.empty() && now - list.front()->idle_since >= idle_timeout_) {
        expired.push_back(std::move(list.front()));
        list.pop_front();
        --size_;
      }
      it = list.empty() ? idle_.erase(it) : std::next(it);
    }
  }
  for (auto& c : expired) c->Close();
}

void Pool::CloseAll() {
  decltype(idle_) all;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    all.swap(idle_);
    size_ = 0;
  }
  for (auto& [origin, list] : all) {
    for (auto& c : list) c->Close();
  }
}

size_t Pool::Size() const {
  std::lock_guard lock(mu_);
  return size_;
}

void Request::Abort() {
  if (resolver) resolver->cancel();
  if (conn) conn->Close();
}

}  // namespace detail

namespace {

boost::asio::ssl::context MakeTlsContext(const HttpClientOptions& options) {
  namespace ssl = boost::asio::ssl;
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  ctx.set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  ctx.set_default_verify_paths(ec);
  if (ec) log::Warn("webhooks: cannot load the system CA store", {{"error", ec.message()}});
  if (!options.ca_file.empty()) {
    ctx.load_verify_file(options.ca_file, ec);
    if (ec) throw std::runtime_error("cannot load webhook CA file " + options.ca_file + ": " + ec.message());
  }
  return ctx;
}

}  // namespace

HttpClient::Impl::Impl(HttpClientOptions opts, size_t n)
    : options(std::move(opts)),
      ioc(static_cast<int>(n)),
      tls_ctx(MakeTlsContext(options)),
      pool(options.max_idle_per_host, options.idle_timeout),
      sweep(boost::asio::make_strand(ioc)),
      thread_count(n) {}

void HttpClient::Impl::StartSweep() {
  auto period = std::max<detail::SteadyClock::duration>(options.idle_timeout / 2, std::chrono::seconds(1));
  sweep.expires_after(period);
  sweep.async_wait([this](boost::system::error_code ec) {
    if (ec || stopping.load()) return;
    pool.CloseExpired();
    StartSweep();
  });
}

boost::asio::awaitable<void> HttpClient::Impl::Run(std::shared_ptr<detail::Request> req, HttpRequestSpec spec,
                                                   Callback done, detail::SteadyClock::time_point started) {
  HttpResult result;
  if (stopping.load()) {
    result.error = "client stopped";
  } else {
    req->deadline.expires_after(options.timeout);
    req->deadline.async_wait([req](boost::system::error_code ec) {
      if (ec) return;  // cancelled: the request finished first
      req->timed_out = true;
      req->Abort();
    });
    try {
      result = co_await Execute(*req, spec);
    } catch (const std::exception& e) {
      result = HttpResult{};
      result.error = std::string("internal error: ") + e.what();
    }
    req->deadline.cancel();
  }
  result.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(detail::SteadyClock::now() - started).count();
  {
    std::lock_guard lock(mu);
    in_flight.erase(req->id);
  }
  try {
    done(std::move(result));
  } catch (const std::exception& e) {
    log::Error("webhooks: HTTP client callback threw", {{"error", e.what()}});
  } catch (...) {
    log::Error("webhooks: HTTP client callback threw");
  }
}

HttpClient::HttpClient(HttpClientOptions options, size_t threads)
    : impl_(std::make_unique<Impl>(std::move(options), threads == 0 ? 1 : threads)) {
  impl_->work.emplace(impl_->ioc.get_executor());
  impl_->StartSweep();
  for (size_t i = 0; i < impl_->thread_count; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
}

HttpClient::~HttpClient() { Stop(); }

void HttpClient::Post(HttpRequestSpec request, Callback done) {
  Impl& impl = *impl_;
  auto started = detail::SteadyClock::now();
  boost::asio::any_io_executor ex = impl.ioc.get_executor();
  if (impl.thread_count > 1) ex = boost::asio::make_strand(impl.ioc);
  auto req = std::make_shared<detail::Request>(ex);
  {
    std::unique_lock lock(impl.mu);
    if (impl.stopped) {
      lock.unlock();
      HttpResult result;
      result.error = "client stopped";
      done(std::move(result));
      return;
    }
    req->id = ++impl.next_id;
    impl.in_flight.emplace(req->id, req);
  }
  impl.requests.fetch_add(1, std::memory_order_relaxed);
  boost::asio::co_spawn(ex, impl.Run(req, std::move(request), std::move(done), started), boost::asio::detached);
}

void HttpClient::Stop() {
  Impl& impl = *impl_;
  std::vector<std::shared_ptr<detail::Request>> running;
  {
    std::lock_guard lock(impl.mu);
    if (impl.stopped) return;
    impl.stopped = true;
    impl.stopping.store(true);
    for (auto& [id, req] : impl.in_flight) running.push_back(req);
  }
  for (const auto& t : impl.threads) {
    assert(t.get_id() != std::this_thread::get_id() && "HttpClient::Stop called from a callback");
    (void)t;
  }
  // Each Abort runs on its request's executor; a request that has not started yet sees
  // `stopping` when it does. Requests then finish with "client stopped" and the threads run out
  // of work.
  for (auto& req : running) {
    boost::asio::post(req->executor, [req] { req->Abort(); });
  }
  boost::asio::post(impl.sweep.get_executor(), [&impl] { impl.sweep.cancel(); });
  impl.pool.CloseAll();
  impl.work.reset();
  for (auto& t : impl.threads) {
    if (t.joinable()) t.join();
  }
}

HttpClient::Stats HttpClient::stats() const {
  Stats s;
  s.requests = impl_->requests.load(std::memory_order_relaxed);
  s.connections_opened = impl_->connections_opened.load(std::memory_order_relaxed);
  s.reused = impl_->reused.load(std::memory_order_relaxed);
  s.stale_retries = impl_->stale_retries.load(std::memory_order_relaxed);
  s.idle = impl_->pool.Size();
  return s;
}

}  // namespace rt::webhooks
