#include "api/auth.h"

namespace rt::api {

Result<auth::Principal> AuthGate::Authenticate(const net::HttpRequest& req) const {
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
  if (!p->authenticated() && development_) return p;
  RT_TRY(RequirePermission(*p, "admin"));
  return p;
}

}  // namespace rt::api
