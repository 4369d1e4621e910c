// RedisPool: blocking Redis commands from a small pool of hiredis connections, for code that
// runs on the blocking thread pool (the sync documents' hot cache) — never on an I/O thread.
// The asynchronous client (broker/resp_connection.h) serves the I/O threads.
//
// Connections are opened lazily (up to max_connections; a caller waits up to acquire_timeout
// for a free one), AUTH and SELECT as the URL says. A connection that was idle for more than
// 2 s is PINGed before use, so a Redis restart costs no failed command; a connection that fails
// is closed together with every idle one (they are most likely dead too).
//
// Scripts: Eval() sends EVALSHA and, on NOSCRIPT, EVAL (which loads the script), so scripts are
// loaded once per Redis server and survive its restarts.
//
// Failure: kUnavailable when Redis cannot be reached, times out (per-command timeout) or the
// pool stays exhausted; kValidation for an unusable URL (rediss:// is not supported here).
// A Redis error reply (-ERR …) is not a failure of Command(): it comes back as a kError reply;
// Eval() turns it into kInternal (our scripts do not raise errors).
// Thread safety: every method may be called from any thread concurrently. Lifetime: no call may
// be in flight when the pool is destroyed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "broker/resp_connection.h"

struct redisContext;

namespace rt::broker {

struct RedisPoolOptions {
  std::string url;  // redis://[user:password@]host[:port][/db]
  size_t max_connections = 8;
  std::chrono::milliseconds timeout{2000};  // connect and per-command
  std::chrono::milliseconds acquire_timeout{5000};
};

// A Lua script and its SHA1 (computed once).
struct RedisScript {
  explicit RedisScript(std::string source);
  std::string source;
  std::string sha1;  // lowercase hex
};

class RedisPool {
 public:
  // kValidation for a bad URL.
  static Result<std::unique_ptr<RedisPool>> Create(RedisPoolOptions options);
  ~RedisPool();
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  Result<RespReply> Command(const std::vector<std::string>& args);
  // Several commands in one round trip on one connection; replies in order.
  Result<std::vector<RespReply>> Pipeline(const std::vector<std::vector<std::string>>& commands);
  Result<RespReply> Eval(const RedisScript& script, const std::vector<std::string>& keys,
                         const std::vector<std::string>& args);

  std::string Describe() const { return endpoint_.Describe(); }

 private:
  struct Conn;
  RedisPool(RedisPoolOptions options, RedisEndpoint endpoint);
  Result<std::unique_ptr<Conn>> Acquire();
  void Release(std::unique_ptr<Conn> conn, bool healthy);
  Result<std::unique_ptr<Conn>> Open();

  const RedisPoolOptions options_;
  const RedisEndpoint endpoint_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;  // guarded by mu_
  size_t open_ = 0;                          // guarded by mu_: idle + leased
};

}  // namespace rt::broker
