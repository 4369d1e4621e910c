// Internal to src/net: HttpServer's state, shared by http_server.cpp (listener, shutdown),
// http_session.cpp (one HTTP connection) and http_stream.cpp (a streamed response). Do not
// include elsewhere.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/closable.h"
#include "net/http_server.h"

namespace rt::net {

// One shard's io_context, with a way to destroy what is still queued on it before the context
// itself goes (execution_context::shutdown: pending handlers and operations are destroyed,
// not run; later posts are queued and destroyed with the context).
class ShardContext : public boost::asio::io_context {  // not final: Asio derives from it in a trait
 public:
  ShardContext() : boost::asio::io_context(1) {}
  void DropPending() { shutdown(); }
};

struct HttpServer::Impl {
  Impl(HttpServerOptions o, RequestHandler h);

  void DoAccept();
  void Register(const std::shared_ptr<Closable>& c);
  void Unregister(Closable* c);
  const WsAcceptor* FindWsRoute(const std::string& path) const;

  HttpServerOptions opts;
  RequestHandler handler;
  std::vector<std::pair<std::string, WsAcceptor>> ws_routes;  // set before Start
  WsCounters ws_counters;
  std::atomic<uint64_t> next_conn_id{1};
  std::atomic<bool> draining{false};

  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<Closable*, std::weak_ptr<Closable>> live;  // guarded by mu

  // Declared after mu/live so connections destroyed with the io_contexts can still unregister.
  std::vector<std::unique_ptr<ShardContext>> contexts;  // one per shard
  std::vector<std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>> work;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor;
  // Out of descriptors (EMFILE/ENFILE): the accept loop waits on this timer, then retries.
  std::optional<boost::asio::steady_timer> accept_retry;
  bool accept_starved = false;      // accept loop only: logged once per episode
  std::atomic<uint64_t> accept_backoffs{0};
  size_t next_shard = 0;  // accept loop only
  std::vector<std::thread> threads;
  bool stopped = false;
  // Set once Shutdown has destroyed the shards' pending work: PostToShard drops tasks from then on.
  std::atomic<bool> dropped{false};
  std::atomic<int> posting{0};  // PostToShard calls in progress
};

// Starts serving one accepted connection on `shard`.
void StartHttpSession(HttpServer::Impl& server, boost::asio::ip::tcp::socket socket, size_t shard);

// Streams a response body on `socket` after writing `head` (the serialized status line and
// headers): net/response_stream.h. Called on the socket's I/O thread by the HTTP session.
void StartResponseStream(HttpServer::Impl& server, boost::asio::ip::tcp::socket socket, std::string head,
                         std::shared_ptr<StreamSpec> spec, bool chunked);

}  // namespace rt::net
