#include "api/auth.h"

namespace rt::api {

Result<auth::Principal> AuthGate::Authenticate(const net::HttpRequest& req) const {
  if (const auto* cached = std::any_cast<auth::Principal>(&req.auth)) return *cached;
  if (const std::string* h = req.Header("authorization"); h && !h->empty()) {
    if (auto token = net::BearerToken(req)) return tokens_.Authenticate(*token);
    return Error::Unauthorized("Session tokens are not supported yet: use Authorization: Bearer <jwt>");
  }
  if (req.Header("x-session-token")) {
    return Error::Unauthorized("Session tokens are not supported yet: use Authorization: Bearer <jwt>");
  }
  return auth::Principal{};
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
    case net::Access::kToken: return "token";
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
  if (access.kind == net::Access::kPermission) RT_TRY(RequirePermission(*p, access.permission));
  req.auth = std::move(*p);
  return Ok();
}

}  // namespace rt::api
