#include "api/dispatcher.h"

#include <chrono>
#include <memory>
#include <optional>

#include "api/errors.h"
#include "core/log.h"

namespace rt::api {
namespace {

bool HasJsonContentType(const net::HttpRequest& req) {
  const std::string* ct = req.Header("content-type");
  if (!ct) return false;
  std::string_view v(*ct);
  v = v.substr(0, v.find(';'));
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  std::string lower(v);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json" || (lower.starts_with("application/") && lower.ends_with("+json"));
}

net::HttpResponse Run(const AuthGate& gate, const net::Route& route, net::HttpRequest& req) {
  try {
    if (Status st = gate.Guard(route.access, req); !st.ok()) return ErrorResponse(st.error());
    return route.handler(req);
  } catch (const std::exception& e) {
    log::Error("handler failed", {{"path", req.path}, {"error", e.what()}});
    return ErrorResponse(Error::Internal("Internal server error"));
  }
}

// A route's answer from memory on the I/O thread (Router::AddWithInline), or nullopt.
std::optional<net::HttpResponse> TryInline(const AuthGate& gate, const net::Route& route, net::HttpRequest& req) {
  try {
    if (!gate.TryGuardInline(route.access, req)) return std::nullopt;
    return route.try_inline(req);
  } catch (const std::exception& e) {
    log::Error("handler failed", {{"path", req.path}, {"error", e.what()}});
    return ErrorResponse(Error::Internal("Internal server error"));
  }
}

}  // namespace

void Dispatcher::Handle(net::HttpRequest&& req, net::Responder respond) {
  auto start = std::chrono::steady_clock::now();
  const std::string* origin = req.Header("origin");
  net::HeaderList cors = origin ? cors_.HeadersFor(origin) : net::HeaderList{};
  auto finish = [respond = std::move(respond), start, method = req.method, path = req.path, ip = req.remote_ip,
                 cors = std::move(cors)](net::HttpResponse&& res) {
    for (const auto& h : cors) {
      bool present = false;
      for (const auto& existing : res.headers) present = present || existing.first == h.first;
      if (!present) res.headers.push_back(h);
    }
    if (log::Enabled(LogLevel::kDebug)) {
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      log::Debug("request", {{"method", method}, {"path", path}, {"status", res.status}, {"ms", ms}, {"ip", ip}});
    }
    respond(std::move(res));
  };

  if (req.method == "OPTIONS" && origin && req.Header("access-control-request-method")) {
    return finish(cors_.Preflight(req));  // CORS preflight, for every route (REST and transports)
  }
  net::RouteMatch m = router_.Find(req.method, req.path);
  if (m.kind == net::RouteMatch::kNotFound) {
    return finish(ErrorResponse(Error::NotFound("Route not found: " + req.method + " " + req.path)));
  }
  if (m.kind == net::RouteMatch::kMethodNotAllowed) {
    auto res = ErrorResponse({ErrorCode::kMethodNotAllowed, "Method " + req.method + " not allowed on " + req.path});
    res.headers.emplace_back("Allow", m.allow);
    return finish(std::move(res));
  }
  const net::Route* route = m.route;
  // JSON API routes take JSON bodies; asynchronous (transport) routes read their own formats.
  if (!route->async && !req.body.empty() && !HasJsonContentType(req)) {
    return finish(ErrorResponse({ErrorCode::kUnsupportedMediaType, "Content-Type must be application/json", nullptr}));
  }
  req.params = std::move(m.params);
  if (route->async) {
    auto done = std::make_shared<decltype(finish)>(std::move(finish));
    try {
      route->async(req, [done](net::HttpResponse&& res) { (*done)(std::move(res)); });
    } catch (const std::exception& e) {
      log::Error("handler failed", {{"path", req.path}, {"error", e.what()}});
      (*done)(ErrorResponse(Error::Internal("Internal server error")));
    }
    return;
  }
  // A read served from memory answers here when it can (no blocking-pool hop; GETs are neither
  // audited nor behind the durability barrier, which guard writes).
  if (route->try_inline) {
    if (auto res = TryInline(gate_, *route, req)) return finish(std::move(*res));
  }
  // Only public routes run inline: checking a token may block (an unknown kid reloads the keys).
  if (route->mode == net::ExecMode::kInline && route->access.kind == net::Access::kPublic)
    return finish(Run(gate_, *route, req));

  auto shared = std::make_shared<net::HttpRequest>(std::move(req));
  auto done = std::make_shared<decltype(finish)>(std::move(finish));
  auto queued = blocking_.TryPost([this, route, shared, done] {
    net::HttpResponse res = Run(gate_, *route, *shared);
    if (after_handler_) after_handler_();
    if (auditor_) auditor_(*route, *shared, res.status);
    (*done)(std::move(res));
  });
  if (queued == ThreadPool::PostResult::kFull) {
    // Bounded queue (REALTIME_BLOCKING_QUEUE_MAX): refuse at once rather than queue without limit.
    auto res = ErrorResponse(Error::Unavailable("Server busy: too many requests waiting, retry later"));
    res.headers.emplace_back("Retry-After", "1");
    (*done)(std::move(res));
  } else if (queued == ThreadPool::PostResult::kStopped) {
    (*done)(ErrorResponse(Error::Unavailable("Server is shutting down")));
  }
}

}  // namespace rt::api
