// CorsPolicy: which browser origins may call the server (CORS_ORIGINS, docs/security.md).
//   any      every origin, without credentials (CORS_ORIGINS=*, and development's default);
//   listed   exactly the configured origins, with credentials (Access-Control-Allow-Credentials);
//   none     no cross-origin access (production's default when CORS_ORIGINS is unset).
// An allowed origin is echoed back with `Vary: Origin`; a refused one gets no Access-Control-*
// header, so the browser blocks the response (the request itself is answered as usual).
// Used by the API dispatcher for every route, including the Engine.IO polling transport and
// every OPTIONS preflight. Thread safety: immutable after construction.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "net/http_message.h"

namespace rt::net {

struct CorsPolicy {
  bool any = false;                  // every origin, no credentials
  std::vector<std::string> origins;  // listed origins (credentials allowed); empty and !any = none

  // Headers for a request from `origin` (none when the origin is not allowed).
  HeaderList HeadersFor(const std::string* origin) const;
  // The response to an OPTIONS preflight.
  HttpResponse Preflight(const HttpRequest& req) const;

  // "https://a.example, https://b.example" -> listed; "*" -> any; "" -> none. Each origin must be
  // scheme://host[:port] without a path; "*" cannot be combined with origins.
  static Result<CorsPolicy> Parse(const std::string& list);
};

}  // namespace rt::net
