// TestReceiver: a small keep-alive HTTP/1.1 (or HTTPS) server on 127.0.0.1:<free port> for
// webhook tests, running on its own thread (Beast, coroutines).
//
// Routes (any method): /status/<code> answers <code>; /hang reads the request and never answers;
// /close answers 200 with `Connection: close`; /big answers 64 KiB; /chunked answers a chunked
// body; /echo answers "host=<Host>;ua=<User-Agent>;len=<Content-Length>;x-test=<X-Test>;
// body=<body>"; anything else 200 "hello from receiver".
//
// Lifetime: listening once constructed; the destructor stops the thread and drops every
// connection. Thread safety: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

// GCC 12 reports a false -Wmismatched-new-delete on Asio coroutine frames once their
// operator new is inlined (the frame's own operator new/delete pair, seen as mismatched). It
// must stay off for the rest of the translation unit, where the coroutines are defined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace rt::testing {

class TestReceiver {
 public:
  struct Options {
    std::string cert_file;  // PEM chain; with key_file: HTTPS
    std::string key_file;
  };

  explicit TestReceiver(Options options = {}) : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    if (!options.cert_file.empty()) {
      tls_.emplace(boost::asio::ssl::context::tls_server);
      tls_->use_certificate_chain_file(options.cert_file);
      tls_->use_private_key_file(options.key_file, boost::asio::ssl::context::pem);
    }
    port_ = acceptor_.local_endpoint().port();
    boost::asio::co_spawn(ioc_, Accept(), boost::asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~TestReceiver() {
    ioc_.stop();
    thread_.join();
  }

  TestReceiver(const TestReceiver&) = delete;
  TestReceiver& operator=(const TestReceiver&) = delete;

  uint16_t port() const { return port_; }
  // scheme://host:port/path; host defaults to 127.0.0.1.
  std::string Url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port_) + path;
  }

  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }

  // Blocks until at least n requests were read (true), or the timeout passes (false).
  bool WaitForRequests(int n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return requests_.load() >= n; });
  }

  // On every connection, the second request is read and then the connection closed without an
  // answer (a server dropping a keep-alive connection as the request arrives).
  void DropSecondRequest(bool on) { drop_second_ = on; }

  // Closes every connection waiting for its next request; returns once they are closed.
  // Closes the connections waiting for a next request. A session becomes idle only after it
  // wrote its response, which the client may have read first: wait (up to 2 s) for one to be.
  void CloseIdleConnections() {
    for (int i = 0; i < 200; ++i) {
      std::promise<bool> done;
      boost::asio::post(ioc_, [&] {
        bool any = !idle_.empty();
        for (auto* s : idle_) {
          boost::system::error_code ignored;
          s->close(ignored);
        }
        done.set_value(any);
      });
      if (done.get_future().get()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

 private:
  using tcp = boost::asio::ip::tcp;
  static constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

  boost::asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
      if (ec) co_return;
      connections_.fetch_add(1);
      socket.set_option(tcp::no_delay(true));
      if (tls_) {
        boost::asio::co_spawn(ioc_, ServeTls(std::move(socket)), boost::asio::detached);
      } else {
        boost::asio::co_spawn(ioc_, Serve(std::move(socket)), boost::asio::detached);
      }
    }
  }

  boost::asio::awaitable<void> ServeTls(tcp::socket socket) {
    boost::asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls_);
    auto [ec] = co_await stream.async_handshake(boost::asio::ssl::stream_base::server, kTuple);
    if (!ec) co_await Session(stream, stream.next_layer());
  }

  boost::asio::awaitable<void> Serve(tcp::socket socket) { co_await Session(socket, socket); }

  template <typename Stream>
  boost::asio::awaitable<void> Session(Stream& stream, tcp::socket& socket) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    for (int n = 1;; ++n) {
      http::request<http::string_body> req;
      idle_.insert(&socket);
      auto [ec, bytes] = co_await http::async_read(stream, buffer, req, kTuple);
      idle_.erase(&socket);
      if (ec) co_return;
      {
        std::lock_guard lock(mu_);
        requests_.fetch_add(1);
      }
      cv_.notify_all();
      if (n == 2 && drop_second_) co_return;  // closes the socket without answering
      std::string target(req.target());
      if (target == "/hang") {
        boost::asio::steady_timer forever(ioc_, std::chrono::hours(1));
        co_await forever.async_wait(kTuple);
        co_return;
      }
      http::response<http::string_body> res{http::status::ok, 11};
      res.set(http::field::content_type, "text/plain");
      if (target.rfind("/status/", 0) == 0) {
        res.result(std::stoi(target.substr(8)));
        res.body() = "status " + target.substr(8);
      } else if (target == "/big") {
        res.body() = std::string(64 * 1024, 'x');
      } else if (target == "/echo") {
        res.body() = "host=" + std::string(req[http::field::host]) + ";ua=" + std::string(req[http::field::user_agent]) +
                     ";len=" + std::string(req[http::field::content_length]) + ";x-test=" + std::string(req["X-Test"]) +
                     ";body=" + req.body();
      } else {
        res.body() = "hello from receiver";
      }
      res.keep_alive(req.keep_alive() && target != "/close");
      if (target == "/chunked") {
        res.chunked(true);
        res.body() = std::string(3000, 'c');
      } else {
        res.prepare_payload();
      }
      auto [wec, wbytes] = co_await http::async_write(stream, res, kTuple);
      if (wec || !res.keep_alive()) co_return;
    }
  }

  boost::asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::optional<boost::asio::ssl::context> tls_;
  uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::atomic<bool> drop_second_{false};
  std::set<tcp::socket*> idle_;  // touched on the receiver thread only
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace rt::testing
