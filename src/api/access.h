// Route access shared by the REST areas. Who may call a route is declared with the route
// (net::Access in the router's table) and checked by the dispatcher (AuthGate::Guard) before the
// handler runs; handlers then resolve the request's scope (api/scope.h). Anonymous callers pass
// only where the route allows it and only in development (NODE_ENV=development) from a loopback
// address, so the embedded quick start works without a token; a present but invalid token is
// always 401.
//
// Thread safety: as AuthGate and ResolveScope (any thread; may block on the database).
#pragma once

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

}  // namespace rt::api
