#include "net/cors.h"

namespace rt::net {
namespace {

bool LooksLikeOrigin(const std::string& o) {
  size_t scheme = o.find("://");
  if (scheme == std::string::npos || scheme == 0) return false;
  std::string_view host = std::string_view(o).substr(scheme + 3);
  return !host.empty() && host.find_first_of("/?#@ ") == std::string_view::npos;
}

}  // namespace

HeaderList CorsPolicy::HeadersFor(const std::string* origin) const {
  HeaderList h;
  if (!origin || origin->empty()) return h;
  bool listed = false;
  for (const auto& o : origins) listed = listed || o == *origin;
  if (!listed && !any) return h;
  h.emplace_back("Access-Control-Allow-Origin", *origin);
  if (listed) h.emplace_back("Access-Control-Allow-Credentials", "true");
  h.emplace_back("Vary", "Origin");
  return h;
}

HttpResponse CorsPolicy::Preflight(const HttpRequest& req) const {
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  r.headers = HeadersFor(req.Header("origin"));
  if (r.headers.empty()) return r;  // not an allowed origin: the browser refuses the real request
  r.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  const std::string* asked = req.Header("access-control-request-headers");
  r.headers.emplace_back("Access-Control-Allow-Headers",
                         asked ? *asked : "Content-Type, Authorization, X-Application-Id, X-Environment, If-Match");
  r.headers.emplace_back("Access-Control-Max-Age", "86400");
  return r;
}

Result<CorsPolicy> CorsPolicy::Parse(const std::string& list) {
  CorsPolicy p;
  size_t i = 0;
  while (i < list.size()) {
    size_t j = list.find(',', i);
    if (j == std::string::npos) j = list.size();
    std::string o = list.substr(i, j - i);
    while (!o.empty() && o.front() == ' ') o.erase(o.begin());
    while (!o.empty() && o.back() == ' ') o.pop_back();
    if (o == "*") {
      p.any = true;
    } else if (!o.empty()) {
      if (!LooksLikeOrigin(o))
        return Error::Validation("CORS_ORIGINS: '" + o + "' is not an origin (scheme://host[:port], no path)");
      p.origins.push_back(o);
    }
    i = j + 1;
  }
  if (p.any && !p.origins.empty())
    return Error::Validation("CORS_ORIGINS: '*' (any origin, no credentials) cannot be combined with listed origins");
  return p;
}

}  // namespace rt::net
