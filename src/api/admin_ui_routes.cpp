#include "api/admin_ui_routes.h"

#include <array>
#include <cctype>

#include "api/errors.h"

namespace rt::api {
namespace {

constexpr std::array<std::string_view, 7> kApiRoots = {"/api", "/auth", "/ws", "/socket.io", "/health", "/ready",
                                                       "/metrics"};

constexpr std::string_view kNotBuilt =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Realtime</title></head>\n"
    "<body><h1>Realtime</h1>\n<p>The admin UI was not built into this binary. Build it with <code>make ui</code>"
    " (npm ci and vite build in <code>admin-ui/</code>), then rebuild the server (<code>make build</code>);"
    " <code>make run</code> does both.</p>\n<p>The API is served under <code>/api/</code>; see "
    "<a href=\"/health\">/health</a>.</p>\n</body></html>\n";

// The Host header when it is a plain host[:port] (it goes into the CSP), else empty.
std::string SafeHost(const net::HttpRequest& req) {
  const std::string* host = req.Header("host");
  if (!host || host->empty() || host->size() > 255) return {};
  for (char c : *host)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']')
      return {};
  return *host;
}

// Scripts and styles from the UI's own origin only (MUI/emotion injects <style> elements, hence
// 'unsafe-inline' for styles); the API and the WebSocket of the same host; no framing.
std::string ContentSecurityPolicy(const net::HttpRequest& req) {
  std::string connect = "'self'";
  if (std::string host = SafeHost(req); !host.empty()) connect += " ws://" + host + " wss://" + host;
  return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
         "font-src 'self' data:; connect-src " + connect + "; object-src 'none'; base-uri 'self'; "
         "form-action 'self'; frame-ancestors 'none'";
}

net::HttpResponse WithSecurityHeaders(net::HttpResponse res, const net::HttpRequest& req, bool html) {
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (!html) return res;
  res.headers.emplace_back("Referrer-Policy", "no-referrer");
  res.headers.emplace_back("X-Frame-Options", "DENY");
  res.headers.emplace_back("Content-Security-Policy", ContentSecurityPolicy(req));
  return res;
}

}  // namespace

bool IsApiPath(std::string_view path) {
  for (std::string_view root : kApiRoots) {
    if (path.starts_with(root) && (path.size() == root.size() || path[root.size()] == '/')) return true;
  }
  return false;
}

net::HttpResponse ServeAdminUi(const net::StaticAssets& assets, const net::HttpRequest& req) {
  const std::string_view path = req.path;
  const net::StaticAsset* file = path == "/" ? nullptr : assets.Find(path);
  if (!file && path.starts_with("/assets/")) {
    // A hashed file of another build: never answer index.html under a script's name.
    return WithSecurityHeaders(ErrorResponse(Error::NotFound("No such file: " + req.path)), req, false);
  }
  if (!file) file = assets.Find("/index.html");  // the SPA's own routes (deep links)
  if (!file) {
    net::HttpResponse res;
    res.content_type = "text/html; charset=utf-8";
    res.body = std::string(kNotBuilt);
    res.headers.emplace_back("Cache-Control", "no-store");
    return WithSecurityHeaders(std::move(res), req, true);
  }
  return WithSecurityHeaders(net::ServeStaticAsset(*file, req), req, file->content_type.starts_with("text/html"));
}

void RegisterAdminUiRoutes(net::Router& router, net::StaticAssets assets) {
  router.AddFallback(
      "GET", net::Access::Public(),
      [assets = std::move(assets)](net::HttpRequest& req) { return ServeAdminUi(assets, req); },
      net::ExecMode::kInline, [](std::string_view path) { return !IsApiPath(path); });
}

}  // namespace rt::api
