#include "api/auth.h"

#include "core/ids.h"
#include "identity/rbac.h"

namespace rt::api {

namespace {

constexpr std::string_view kSessionPrefix = "sess_";

}  // namespace

Result<auth::Principal> AuthGate::Authenticate(const net::HttpRequest& req) const {
  if (const auto* cached = std::any_cast<auth::Principal>(&req.auth)) return *cached;
  auto session = [this](const std::string& token) -> Result<auth::Principal> {
    if (!sessions_) return Error::Unauthorized("Session tokens are not accepted by this server");
    return sessions_(token);
  };
  if (const std::string* h = req.Header("authorization"); h && !h->empty()) {
    auto token = net::BearerToken(req);
    if (!token) return Error::Unauthorized("Authorization must be 'Bearer <token>'");
    if (std::string_view(*token).starts_with(kSessionPrefix)) return session(std::string(*token));
    return tokens_.Authenticate(*token);
  }
  if (const std::string* s = req.Header("x-session-token"); s && !s->empty()) {
    if (!std::string_view(*s).starts_with(kSessionPrefix)) return Error::Unauthorized("Invalid session token");
    return session(*s);
  }
  return auth::Principal{};
}

bool AuthGate::Claimed() const {
  // Once claimed, always claimed (the last super_admin cannot be deleted). Until then every
  // anonymous development request asks the database (a user may have been created by another
  // instance or the CLI a moment ago).
  if (claimed_.load(std::memory_order_acquire)) return true;
  if (!claimed_check_) return false;
  auto claimed = claimed_check_();
  if (!claimed.ok()) return true;  // unknown: no anonymous management (fail closed)
  if (*claimed) claimed_.store(true, std::memory_order_release);
  return *claimed;
}

Status RequirePermission(const auth::Principal& principal, std::string_view permission) {
  if (!principal.authenticated())
    return Error::Unauthorized("Authentication required: send Authorization: Bearer <token>");
  if (!principal.Has(permission))
    return Error::Forbidden("Insufficient permissions: '" + std::string(permission) + "' is required");
  return Ok();
}

Result<auth::Principal> AuthGate::Require(const net::HttpRequest& req, std::string_view permission) const {
  auto p = Authenticate(req);
  if (!p.ok()) return p;
  RT_TRY(RequirePermission(*p, permission));
  return p;
}

Result<auth::Principal> AuthGate::RequireManagement(const net::HttpRequest& req) const {
  auto p = Authenticate(req);
  if (!p.ok()) return p;
  if (!p->authenticated() && AnonymousAllowed(req)) return p;
  RT_TRY(RequirePermission(*p, "admin"));
  return p;
}

std::string DescribeAccess(const net::Access& access) {
  switch (access.kind) {
    case net::Access::kPublic: return "public";
    case net::Access::kToken: return access.session_only ? "session" : "token";
    case net::Access::kPermission: return access.permission;
  }
  return "token";
}

Status AuthGate::Guard(const net::Access& access, net::HttpRequest& req) const {
  if (access.kind == net::Access::kPublic) return Ok();
  auto p = Authenticate(req);
  if (!p.ok()) return p.take_error();
  if (!p->authenticated()) {
    if (access.dev_anonymous && AnonymousAllowed(req)) return Ok();
    return Error::Unauthorized("Authentication required: send Authorization: Bearer <token>");
  }
  if (p->kind == auth::Principal::Kind::kSession) {
    // An admin user: the route's RBAC pair decides (a route without one: any session).
    if (*access.resource && !identity::Allows(p->permissions, access.resource, access.action))
      return Error::Forbidden("Insufficient permissions: '" + std::string(access.resource) + ":" + access.action +
                              "' is required");
  } else if (access.session_only) {
    return Error::Forbidden("This route needs an admin user's session (POST /api/auth/login), not a token");
  } else if (access.kind == net::Access::kPermission) {
    RT_TRY(RequirePermission(*p, access.permission));
  }
  req.auth = std::move(*p);
  return Ok();
}

bool AuthGate::TryGuardInline(const net::Access& access, net::HttpRequest& req) const {
  if (access.kind == net::Access::kPublic) return true;
  if (access.session_only) return false;
  auto token = net::BearerToken(req);
  if (!token || std::string_view(*token).starts_with(kSessionPrefix)) return false;
  auto p = tokens_.Authenticate(*token, /*allow_reload=*/false);
  if (!p.ok() || !p->authenticated() || p->kind == auth::Principal::Kind::kSession) return false;
  if (access.kind == net::Access::kPermission && !p->Has(access.permission)) return false;
  req.auth = std::move(*p);
  return true;
}

}  // namespace rt::api
