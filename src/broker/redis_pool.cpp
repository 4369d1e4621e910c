#include "broker/redis_pool.h"

#include <hiredis/hiredis.h>
#include <openssl/sha.h>

namespace rt::broker {
namespace {

constexpr auto kPingAfterIdle = std::chrono::seconds(2);

struct ReplyCloser {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyCloser>;

RespReply Convert(const redisReply* r) {
  RespReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING: out.type = RespReply::Type::kString, out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_STATUS: out.type = RespReply::Type::kStatus, out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_ERROR: out.type = RespReply::Type::kError, out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_INTEGER: out.type = RespReply::Type::kInteger, out.integer = r->integer; break;
    case REDIS_REPLY_ARRAY:
      out.type = RespReply::Type::kArray;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default: out.type = RespReply::Type::kNil;
  }
  return out;
}

void AppendArgv(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data());
}

timeval ToTimeval(std::chrono::milliseconds ms) {
  return {static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

}  // namespace

struct RedisPool::Conn {
  explicit Conn(redisContext* ctx) : c(ctx) {}
  ~Conn() { redisFree(c); }
  redisContext* c;
  std::chrono::steady_clock::time_point last_used = std::chrono::steady_clock::now();

  Error Failure(const char* what) const {
    return Error::Unavailable(std::string("Redis ") + what + ": " + (c->err ? c->errstr : "no reply"));
  }
  // Sends the commands and reads one reply each.
  Result<std::vector<RespReply>> Run(const std::vector<std::vector<std::string>>& commands) {
    for (const auto& args : commands) AppendArgv(c, args);
    std::vector<RespReply> out;
    out.reserve(commands.size());
    for (size_t i = 0; i < commands.size(); ++i) {
      void* raw = nullptr;
      if (redisGetReply(c, &raw) != REDIS_OK || !raw) return Failure("command failed");
      ReplyPtr reply(static_cast<redisReply*>(raw));
      out.push_back(Convert(reply.get()));
    }
    last_used = std::chrono::steady_clock::now();
    return out;
  }
};

RedisScript::RedisScript(std::string src) : source(std::move(src)) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(source.data()), source.size(), digest);
  static const char* kHex = "0123456789abcdef";
  for (unsigned char b : digest) {
    sha1 += kHex[b >> 4];
    sha1 += kHex[b & 15];
  }
}

Result<std::unique_ptr<RedisPool>> RedisPool::Create(RedisPoolOptions options) {
  auto ep = ParseRedisUrl(options.url);
  if (!ep.ok()) return ep.take_error();
  if (ep->tls) return Error::Validation("rediss:// (TLS) is not supported for the sync document cache");
  return std::unique_ptr<RedisPool>(new RedisPool(std::move(options), std::move(*ep)));
}

RedisPool::RedisPool(RedisPoolOptions options, RedisEndpoint endpoint)
    : options_(std::move(options)), endpoint_(std::move(endpoint)) {}

RedisPool::~RedisPool() = default;

Result<std::unique_ptr<RedisPool::Conn>> RedisPool::Open() {
  redisContext* raw = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, ToTimeval(options_.timeout));
  if (!raw) return Error::Unavailable("Redis: cannot allocate a connection");
  auto conn = std::make_unique<Conn>(raw);
  if (raw->err) return Error::Unavailable("Redis unreachable at " + endpoint_.Describe() + ": " + raw->errstr);
  redisSetTimeout(raw, ToTimeval(options_.timeout));
  std::vector<std::vector<std::string>> hello;
  if (!endpoint_.password.empty()) {
    hello.push_back(endpoint_.user.empty() ? std::vector<std::string>{"AUTH", endpoint_.password}
                                           : std::vector<std::string>{"AUTH", endpoint_.user, endpoint_.password});
  }
  if (endpoint_.db != 0) hello.push_back({"SELECT", std::to_string(endpoint_.db)});
  if (!hello.empty()) {
    auto replies = conn->Run(hello);
    if (!replies.ok()) return replies.take_error();
    for (const auto& r : *replies)
      if (r.is_error()) return Error::Unavailable("Redis refused the connection: " + r.str);
  }
  return conn;
}

Result<std::unique_ptr<RedisPool::Conn>> RedisPool::Acquire() {
  std::unique_ptr<Conn> conn;
  {
    std::unique_lock lock(mu_);
    bool ready = cv_.wait_for(lock, options_.acquire_timeout,
                              [&] { return !idle_.empty() || open_ < options_.max_connections; });
    if (!ready) return Error::Unavailable("Redis: no free connection in the pool");
    if (idle_.empty()) {
      ++open_;
    } else {
      conn = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (conn && std::chrono::steady_clock::now() - conn->last_used > kPingAfterIdle) {
    auto pong = conn->Run({{"PING"}});
    if (pong.ok()) return conn;
    conn.reset();  // dead (e.g. Redis restarted): open a new one below, keeping the slot
  }
  if (conn) return conn;
  auto fresh = Open();
  if (!fresh.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    cv_.notify_one();
  }
  return fresh;
}

void RedisPool::Release(std::unique_ptr<Conn> conn, bool healthy) {
  std::vector<std::unique_ptr<Conn>> dead;
  {
    std::lock_guard lock(mu_);
    if (healthy) {
      idle_.push_back(std::move(conn));
    } else {
      dead.swap(idle_);
      open_ -= 1 + dead.size();
    }
    cv_.notify_all();
  }
  // conn (when unhealthy) and the idle ones close here, outside the lock.
}

Result<std::vector<RespReply>> RedisPool::Pipeline(const std::vector<std::vector<std::string>>& commands) {
  auto conn = Acquire();
  if (!conn.ok()) return conn.take_error();
  auto replies = (*conn)->Run(commands);
  Release(std::move(*conn), replies.ok());
  return replies;
}

Result<RespReply> RedisPool::Command(const std::vector<std::string>& args) {
  auto replies = Pipeline({args});
  if (!replies.ok()) return replies.take_error();
  return std::move((*replies)[0]);
}

Result<RespReply> RedisPool::Eval(const RedisScript& script, const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args) {
  std::vector<std::string> cmd{"EVALSHA", script.sha1, std::to_string(keys.size())};
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  cmd.insert(cmd.end(), args.begin(), args.end());
  auto reply = Command(cmd);
  if (reply.ok() && reply->is_error() && reply->str.rfind("NOSCRIPT", 0) == 0) {
    cmd[0] = "EVAL";
    cmd[1] = script.source;
    reply = Command(cmd);
  }
  if (!reply.ok()) return reply;
  if (reply->is_error()) return Error::Internal("Redis script failed: " + reply->str);
  return reply;
}

}  // namespace rt::broker
