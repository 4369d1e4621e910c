#include "net/cors.h"

namespace rt::net {

HeaderList CorsPolicy::HeadersFor(const std::string* origin) const {
  HeaderList h;
  if (!origin || origin->empty()) {
    if (origins.empty()) h.emplace_back("Access-Control-Allow-Origin", "*");
    return h;
  }
  bool allowed = origins.empty();
  for (const auto& o : origins) allowed = allowed || o == "*" || o == *origin;
  if (!allowed) return h;
  h.emplace_back("Access-Control-Allow-Origin", *origin);
  h.emplace_back("Access-Control-Allow-Credentials", "true");
  h.emplace_back("Vary", "Origin");
  return h;
}

HttpResponse CorsPolicy::Preflight(const HttpRequest& req) const {
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  r.headers = HeadersFor(req.Header("origin"));
  r.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  const std::string* asked = req.Header("access-control-request-headers");
  r.headers.emplace_back("Access-Control-Allow-Headers",
                         asked ? *asked : "Content-Type, Authorization, X-Application-Id, X-Environment, If-Match");
  r.headers.emplace_back("Access-Control-Max-Age", "86400");
  return r;
}

CorsPolicy CorsPolicy::Parse(const std::string& list) {
  CorsPolicy p;
  size_t i = 0;
  while (i < list.size()) {
    size_t j = list.find(',', i);
    if (j == std::string::npos) j = list.size();
    std::string o = list.substr(i, j - i);
    while (!o.empty() && o.front() == ' ') o.erase(o.begin());
    while (!o.empty() && o.back() == ' ') o.pop_back();
    if (!o.empty() && o != "*") p.origins.push_back(o);
    i = j + 1;
  }
  return p;
}

}  // namespace rt::net
