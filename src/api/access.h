// Route access rules shared by the REST areas: who may call, then the request's scope
// (api/scope.h). Anonymous callers are let through only in development (NODE_ENV=development),
// so the embedded quick start works without a token; a present but invalid token is always 401.
//   Read()          any valid token
//   Manage()        a token with `admin`
//   Permission(p)   a token holding p (roles included: service implies client, …)
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

struct AccessRule {
  enum Kind { kRead, kManage, kPermission } kind = kRead;
  const char* permission = nullptr;

  static AccessRule Read() { return {kRead, nullptr}; }
  static AccessRule Manage() { return {kManage, nullptr}; }
  static AccessRule Permission(const char* p) { return {kPermission, p}; }
};

// 401/403 per the rule, then ResolveScope (404 unknown application, 400 bad environment, …).
Result<RequestContext> Authorize(const net::HttpRequest& req, registry::ApplicationService& apps,
                                 const AuthGate& gate, AccessRule rule);

// A handler that runs fn(req, scope) once the rule passed, or answers the error.
template <typename Fn>
net::Handler Scoped(AccessRule rule, registry::ApplicationService& apps, const AuthGate& gate, Fn fn) {
  return [rule, &apps, &gate, fn = std::move(fn)](net::HttpRequest& req) {
    auto ctx = Authorize(req, apps, gate, rule);
    if (!ctx.ok()) return ErrorResponse(ctx.error());
    return fn(req, Scope{ctx->application_id, ctx->environment});
  };
}

}  // namespace rt::api
