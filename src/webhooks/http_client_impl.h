// Internals of webhooks/http_client.h, shared by its .cpp files only (Asio, Beast and OpenSSL
// stay out of the public header).
//
// Threading: every request is one coroutine on its own executor (the io_context's executor when
// the client has one thread, else a strand), and its Request record is only touched there. The
// idle pool and the in-flight registry are shared by all requests and guarded by mutexes.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "webhooks/address_policy.h"
#include "webhooks/http_client.h"

// GCC 12 reports a false -Wmismatched-new-delete on Asio coroutine frames once their
// operator new is inlined (the frame's own operator new/delete pair, seen as mismatched). It
// must stay off for the rest of the translation unit, where the coroutines are defined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace rt::webhooks {
namespace detail {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// One TCP (and maybe TLS) connection to an origin. Owned by the request using it, or by the pool.
struct Connection {
  std::string origin;                        // WebhookUrl::Origin()
  std::optional<tcp::socket> plain;          // http
  std::optional<ssl::stream<tcp::socket>> tls;  // https
  boost::beast::flat_buffer buffer;          // bytes read past the previous response
  std::string remote;                        // "ip:port"
  SteadyClock::time_point idle_since{};

  tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }
  void Close();  // closes the socket; pending operations complete with operation_aborted
  // Whether an idle connection still looks usable: open, nothing buffered, and no EOF, error or
  // unexpected byte waiting on the socket (a non-blocking poll).
  bool LooksReusable();
};

// Idle keep-alive connections by origin, newest last. Thread safe.
class Pool {
 public:
  Pool(size_t max_per_origin, SteadyClock::duration idle_timeout)
      : max_per_origin_(max_per_origin), idle_timeout_(idle_timeout) {}

  // The newest usable idle connection for origin, or null. Stale ones met on the way are closed.
  std::unique_ptr<Connection> Take(const std::string& origin);
  // Keeps conn for reuse (closing the oldest idle one of its origin when full), or closes it when
  // the pool is closed or holds no connections.
  void Put(std::unique_ptr<Connection> conn);
  void CloseExpired();  // closes connections idle longer than idle_timeout
  void CloseAll();      // closes everything; later Puts close their connection at once
  size_t Size() const;

 private:
  const size_t max_per_origin_;
  const SteadyClock::duration idle_timeout_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::deque<std::unique_ptr<Connection>>> idle_;  // guarded by mu_
  size_t size_ = 0;                                                               // guarded by mu_
  bool closed_ = false;                                                           // guarded by mu_
};

// One in-flight request. Touched only on `executor` (Abort included).
struct Request {
  explicit Request(asio::any_io_executor ex) : executor(ex), deadline(ex) {}

  uint64_t id = 0;  // key in HttpClient::Impl::in_flight
  asio::any_io_executor executor;
  asio::steady_timer deadline;
  std::optional<tcp::resolver> resolver;  // while resolving
  Connection* conn = nullptr;             // the connection in use, owned by the coroutine
  bool timed_out = false;  // the deadline fired (and aborted the request)

  // Interrupts whatever the request is waiting for (resolve, connect, handshake, write, read).
  void Abort();
};

}  // namespace detail

struct HttpClient::Impl {
  Impl(HttpClientOptions options, size_t threads);

  // The coroutine of one request: runs Execute under the deadline, then calls done.
  boost::asio::awaitable<void> Run(std::shared_ptr<detail::Request> req, HttpRequestSpec spec, Callback done,
                                   detail::SteadyClock::time_point started);
  // Everything between the URL and the response (http_exchange.cpp).
  boost::asio::awaitable<HttpResult> Execute(detail::Request& req, HttpRequestSpec& spec);
  // Resolves, applies the address policy, connects and (https) handshakes; null with
  // result->error set on failure (http_connect.cpp).
  boost::asio::awaitable<std::unique_ptr<detail::Connection>> Connect(detail::Request& req, const WebhookUrl& url,
                                                                      HttpResult* result);
  void StartSweep();  // periodic CloseExpired on the io_context

  const HttpClientOptions options;
  boost::asio::io_context ioc;
  boost::asio::ssl::context tls_ctx;
  detail::Pool pool;
  boost::asio::steady_timer sweep;  // on its own strand
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  const size_t thread_count;

  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> requests{0}, connections_opened{0}, reused{0}, stale_retries{0};

  std::mutex mu;
  bool stopped = false;                                                   // guarded by mu
  uint64_t next_id = 0;                                                   // guarded by mu
  std::map<uint64_t, std::shared_ptr<detail::Request>> in_flight;        // guarded by mu
};

}  // namespace rt::webhooks
