// CorsPolicy: which browser origins may call the server (CORS_ORIGINS; empty = any origin).
// Used by the REST dispatcher (every route, plus OPTIONS preflight) and the Engine.IO polling
// transport. Thread safety: immutable after construction.
#pragma once

#include <string>
#include <vector>

#include "net/http_message.h"

namespace rt::net {

struct CorsPolicy {
  std::vector<std::string> origins;  // empty = any origin

  // Headers for a request from `origin` (none when the origin is not allowed).
  HeaderList HeadersFor(const std::string* origin) const;
  // The response to an OPTIONS preflight.
  HttpResponse Preflight(const HttpRequest& req) const;

  // Parses "https://a.example, https://b.example" ("*" or empty = any).
  static CorsPolicy Parse(const std::string& list);
};

}  // namespace rt::net
