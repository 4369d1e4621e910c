#include "api/access.h"

namespace rt::api {

Result<RequestContext> Authorize(const net::HttpRequest& req, registry::ApplicationService& apps,
                                 const AuthGate& gate, AccessRule rule) {
  auto principal = gate.Authenticate(req);
  if (!principal.ok()) return principal.take_error();
  if (principal->authenticated()) {
    if (rule.kind == AccessRule::kManage) RT_TRY(RequirePermission(*principal, "admin"));
    if (rule.kind == AccessRule::kPermission) RT_TRY(RequirePermission(*principal, rule.permission));
  } else if (!gate.development()) {
    return Error::Unauthorized("Authentication required: send Authorization: Bearer <token>");
  }
  return ResolveScope(req, apps, std::move(*principal));
}

}  // namespace rt::api
