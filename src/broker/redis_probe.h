// RedisProbe: a blocking PING against REDIS_URL for /ready (connect timeout 2 s).
// Supports redis://[user:password@]host[:port][/db]; rediss:// (TLS) is reported as not
// supported by the probe. Thread safety: Ping may be called from any thread (one connection per
// call). The full asynchronous RESP client used by the broker comes with the Redis fan-out.
#pragma once

#include <string>

#include "core/result.h"

namespace rt::broker {

Status PingRedis(const std::string& url);

}  // namespace rt::broker
