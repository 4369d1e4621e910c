// Route access shared by the REST areas. Who may call a route is declared with the route
// (net::Access in the router's table) and checked by the dispatcher (AuthGate::Guard) before the
// handler runs; handlers then resolve the request's scope (api/scope.h). Anonymous callers pass
// only where the route allows it and only in development (NODE_ENV=development) from a loopback
// address, so the embedded quick start works without a token; a present but invalid token is
// always 401.
//
// Thread safety: as AuthGate and ResolveScope (any thread; may block on the database);
// ScopedInline's handler never blocks.
#pragma once

#include <any>
#include <optional>
#include <string_view>

#include "api/auth.h"
#include "api/errors.h"
#include "api/scope.h"
#include "core/scope.h"
#include "net/router.h"

namespace rt::api {

// The caller (cached by the dispatcher's guard), refused with 401 when anonymous outside
// development-on-loopback, then ResolveScope (404 unknown application, 400 bad environment,
// 403 another application's token, ...).
Result<RequestContext> Authorize(const net::HttpRequest& req, registry::ApplicationService& apps,
                                 const AuthGate& gate);

// A handler that runs fn(req, scope) for the request's application and environment.
template <typename Fn>
net::Handler Scoped(registry::ApplicationService& apps, const AuthGate& gate, Fn fn) {
  return [&apps, &gate, fn = std::move(fn)](net::HttpRequest& req) {
    auto ctx = Authorize(req, apps, gate);
    if (!ctx.ok()) return ErrorResponse(ctx.error());
    return fn(req, Scope{ctx->application_id, ctx->environment});
  };
}

// The I/O-thread half of a Scoped read (net::Router::AddWithInline): fn(req, scope) returns
// std::optional<net::HttpResponse> (nullopt: cannot answer from memory). Runs only for a caller
// AuthGate::TryGuardInline let through; the scope is resolved as Scoped does, without the database
// (TryResolveScope); whenever that is not possible, nullopt hands the request to the Scoped handler.
template <typename Fn>
net::InlineHandler ScopedInline(registry::ApplicationService& apps, Fn fn) {
  return [&apps, fn = std::move(fn)](net::HttpRequest& req) -> std::optional<net::HttpResponse> {
    const auto* principal = std::any_cast<auth::Principal>(&req.auth);
    if (!principal) return std::nullopt;
    auto scope = TryResolveScope(req, apps, *principal);
    if (!scope) return std::nullopt;
    if (!scope->ok()) return ErrorResponse(scope->error());
    return fn(req, **scope);
  };
}

}  // namespace rt::api
