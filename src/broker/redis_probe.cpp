#include "broker/redis_probe.h"

#include <hiredis/hiredis.h>

#include <memory>

#include <boost/url/parse.hpp>

namespace rt::broker {
namespace {

struct ContextCloser {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyCloser {
  void operator()(void* r) const { freeReplyObject(r); }
};

Status Command(redisContext* c, std::initializer_list<std::string> args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  std::unique_ptr<void, ReplyCloser> reply(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()));
  if (!reply) return Error::Unavailable(std::string("Redis: ") + (c->errstr[0] ? c->errstr : "no reply"));
  auto* r = static_cast<redisReply*>(reply.get());
  if (r->type == REDIS_REPLY_ERROR) return Error::Unavailable(std::string("Redis: ") + r->str);
  return Ok();
}

}  // namespace

Status PingRedis(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return Error::Validation("invalid REDIS_URL");
  if (u->scheme() == "rediss") return Error::Unavailable("rediss:// is not supported by the readiness probe");
  std::string host = u->host();
  int port = u->has_port() ? u->port_number() : 6379;
  timeval tv{2, 0};
  std::unique_ptr<redisContext, ContextCloser> c(redisConnectWithTimeout(host.c_str(), port, tv));
  if (!c || c->err) return Error::Unavailable("Redis unreachable at " + host + ":" + std::to_string(port));
  redisSetTimeout(c.get(), tv);
  if (u->has_password()) {
    if (u->user().empty()) {
      RT_TRY(Command(c.get(), {"AUTH", u->password()}));
    } else {
      RT_TRY(Command(c.get(), {"AUTH", u->user(), u->password()}));
    }
  }
  std::string path = u->path();
  if (path.size() > 1) RT_TRY(Command(c.get(), {"SELECT", path.substr(1)}));
  return Command(c.get(), {"PING"});
}

}  // namespace rt::broker
