// Internal to src/net: HttpServer's state, shared by http_server.cpp (listener, shutdown) and
// http_session.cpp (one HTTP connection). Do not include elsewhere.
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

#include "net/closable.h"
#include "net/http_server.h"

namespace rt::net {

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
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts;  // one per shard
  std::vector<std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>> work;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor;
  size_t next_shard = 0;  // accept loop only
  std::vector<std::thread> threads;
  bool stopped = false;
};

// Starts serving one accepted connection on `shard`.
void StartHttpSession(HttpServer::Impl& server, boost::asio::ip::tcp::socket socket, size_t shard);

}  // namespace rt::net
