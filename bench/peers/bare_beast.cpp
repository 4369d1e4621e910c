// bare_beast: the ceiling of the `rest` bench scenario (issue 20 item 2). A bare Boost.Beast
// HTTP/1.1 server with nothing between the parser and the socket: every request to --path is
// answered 200 with the bytes of --body-file (Content-Type: application/json), /health 200 (for the
// bench's readiness wait), any other path 404;
// keep-alive, one io_context per thread (the shape of our server: REALTIME_THREADS, default the
// number of cores), a fresh parser per request as in Beast's examples. No routing, no auth, no
// logging: what a Beast server costs on this machine, nothing more.
//   bare_beast --port 3106 --path /api/topics/bench.rest --body-file body.json [--threads N]
// Prints "listening <port>" once accepting; runs until SIGTERM/SIGINT.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Config {
  unsigned short port = 3106;
  std::string path = "/api/topics/bench.rest";
  std::string body;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Config& config) : stream_(std::move(socket)), config_(config) {}

  void Read() {
    parser_.emplace();
    parser_->body_limit(1 << 20);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      self->Answer(self->parser_->release());
    });
  }

 private:
  void Answer(http::request<http::string_body> req) {
    const bool health = req.target() == "/health";
    const bool found = health || req.target() == config_.path;
    res_ = {};
    res_.version(req.version());
    res_.result(found ? http::status::ok : http::status::not_found);
    res_.set(http::field::server, "bare-beast");
    res_.set(http::field::content_type, "application/json");
    res_.keep_alive(req.keep_alive());
    res_.body() = health ? std::string(R"({"status":"ok"})") : found ? config_.body : std::string(R"({"error":"not found"})");
    res_.prepare_payload();
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || !self->res_.keep_alive()) return self->Close();
      self->Read();
    });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  const Config& config_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
};

// Accepts on one io_context and hands each connection to the next context, round robin.
void Accept(tcp::acceptor& acceptor, std::vector<std::unique_ptr<asio::io_context>>& contexts, size_t& next,
            const Config& config) {
  acceptor.async_accept(asio::make_strand(*contexts[next % contexts.size()]),
                        [&acceptor, &contexts, &next, &config](beast::error_code ec, tcp::socket socket) {
                          if (!ec) {
                            socket.set_option(tcp::no_delay(true), ec);
                            std::make_shared<Session>(std::move(socket), config)->Read();
                          }
                          ++next;
                          Accept(acceptor, contexts, next, config);
                        });
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  std::string body_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--port") config.port = static_cast<unsigned short>(std::atoi(value.c_str()));
    else if (flag == "--path") config.path = value;
    else if (flag == "--body-file") body_file = value;
    else if (flag == "--threads") config.threads = static_cast<unsigned>(std::max(1, std::atoi(value.c_str())));
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  if (!body_file.empty()) {
    std::ifstream in(body_file, std::ios::binary);
    if (!in) {
      std::cerr << "cannot read " << body_file << "\n";
      return 2;
    }
    std::ostringstream s;
    s << in.rdbuf();
    config.body = s.str();
  }

  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (unsigned i = 0; i < config.threads; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
  tcp::acceptor acceptor(*contexts[0], {asio::ip::make_address("127.0.0.1"), config.port});
  size_t next = 0;
  Accept(acceptor, contexts, next, config);
  asio::signal_set signals(*contexts[0], SIGINT, SIGTERM);
  signals.async_wait([&contexts](beast::error_code, int) {
    for (auto& c : contexts) c->stop();
  });
  std::cout << "listening " << config.port << std::endl;

  std::vector<std::thread> threads;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& c : contexts) guards.push_back(asio::make_work_guard(*c));
  for (size_t i = 1; i < contexts.size(); ++i) threads.emplace_back([&c = *contexts[i]] { c.run(); });
  contexts[0]->run();
  for (auto& c : contexts) c->stop();
  for (auto& t : threads) t.join();
  return 0;
}
