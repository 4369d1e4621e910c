// Streamed responses over a real HttpServer on a loopback port, read by a blocking client.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "net/http_server.h"
#include "net/response_stream.h"

namespace rt::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A server whose every request is answered with an event stream made from `spec`; the streams
// it started arrive through `started`.
struct StreamServer {
  explicit StreamServer(StreamSpec spec)
      : server({"127.0.0.1", 0, 1}, [this, spec](HttpRequest&&, Responder respond) {
          StreamSpec s = spec;
          s.start = [this](const std::shared_ptr<ResponseStream>& stream) { started.set_value(stream); };
          respond(EventStreamResponse(std::move(s)));
        }) {
    EXPECT_TRUE(server.Start().ok());
  }
  ~StreamServer() { server.Shutdown(0ms); }

  std::shared_ptr<ResponseStream> Stream() {
    auto f = started.get_future();
    if (f.wait_for(5s) != std::future_status::ready) return nullptr;
    return f.get();
  }

  std::promise<std::shared_ptr<ResponseStream>> started;
  HttpServer server;
};

struct Client {
  explicit Client(int port) : socket(io) {
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    asio::write(socket, asio::buffer(std::string("GET /s HTTP/1.1\r\nHost: x\r\n\r\n")));
  }
  // Reads until `text` has arrived (or the connection ended); returns everything read so far.
  std::string ReadUntil(const std::string& text) {
    boost::system::error_code ec;
    asio::read_until(socket, asio::dynamic_buffer(data), text, ec);
    return data;
  }
  // Reads to EOF (or error).
  std::string ReadAll() {
    boost::system::error_code ec;
    char buf[4096];
    for (;;) {
      size_t n = socket.read_some(asio::buffer(buf), ec);
      if (ec) break;
      data.append(buf, n);
    }
    return data;
  }
  asio::io_context io;
  tcp::socket socket;
  std::string data;
};

template <typename T>
bool Ready(std::future<T>& f, std::chrono::milliseconds wait = 5000ms) {
  return f.wait_for(wait) == std::future_status::ready;
}

TEST(ResponseStream, WritesChunkedEventsAndNoticesTheClientLeaving) {
  StreamServer srv({});
  Client client(srv.server.port());
  auto stream = srv.Stream();
  ASSERT_NE(stream, nullptr);
  std::promise<void> closed;
  stream->OnClose([&closed] { closed.set_value(); });
  ASSERT_TRUE(stream->Write(SseEvent("hello", "{\"a\":1}")));
  std::string got = client.ReadUntil("}\n\n\r\n");
  EXPECT_NE(got.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("Content-Type: text/event-stream\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("Cache-Control: no-cache\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("\r\n1c\r\nevent: hello\ndata: {\"a\":1}\n\n\r\n"), std::string::npos) << got;

  client.socket.close();
  auto f = closed.get_future();
  ASSERT_TRUE(Ready(f));
  EXPECT_FALSE(stream->Write("late"));
  bool ran = false;
  stream->OnClose([&ran] { ran = true; });  // already ended: at once
  EXPECT_TRUE(ran);
}

TEST(ResponseStream, ClosesWithTheLastChunkAndSendsKeepalives) {
  StreamSpec spec;
  spec.keepalive = 30ms;
  StreamServer srv(spec);
  Client client(srv.server.port());
  auto stream = srv.Stream();
  ASSERT_NE(stream, nullptr);
  EXPECT_NE(client.ReadUntil("\r\n8\r\n: ping\n\n\r\n").find(": ping"),
            std::string::npos);  // a keep-alive comment while idle
  stream->Write("data: last\n\n");
  stream->Close();
  EXPECT_FALSE(stream->Write("after close"));
  std::string all = client.ReadAll();
  EXPECT_NE(all.find("data: last\n\n\r\n0\r\n\r\n"), std::string::npos) << all;
  EXPECT_TRUE(all.ends_with("0\r\n\r\n")) << all;
}

TEST(ResponseStream, AReaderThatFallsBehindIsDroppedWithoutBlockingTheWriter) {
  StreamSpec spec;
  spec.max_queued_bytes = 64 << 10;
  StreamServer srv(spec);
  Client client(srv.server.port());  // never reads
  auto stream = srv.Stream();
  ASSERT_NE(stream, nullptr);
  std::promise<void> closed;
  stream->OnClose([&closed] { closed.set_value(); });
  const std::string chunk(16 << 10, 'x');
  int accepted = 0;
  auto t0 = std::chrono::steady_clock::now();
  while (accepted < 100000 && stream->Write(chunk)) ++accepted;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);  // never waited for the reader
  EXPECT_LT(accepted, 100000);
  auto f = closed.get_future();
  EXPECT_TRUE(Ready(f));
  EXPECT_FALSE(stream->Write("x"));
}

TEST(ResponseStream, ShutdownEndsOpenStreamsInsteadOfWaitingForTheDeadline) {
  StreamServer srv({});
  Client client(srv.server.port());
  auto stream = srv.Stream();
  ASSERT_NE(stream, nullptr);
  std::promise<void> closed;
  stream->OnClose([&closed] { closed.set_value(); });
  auto t0 = std::chrono::steady_clock::now();
  srv.server.Shutdown(20s);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  auto f = closed.get_future();
  EXPECT_TRUE(Ready(f, 0ms));
  EXPECT_TRUE(client.ReadAll().ends_with("0\r\n\r\n"));
}

}  // namespace
}  // namespace rt::net
