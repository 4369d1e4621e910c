#include "api/access.h"

namespace rt::api {

Result<RequestContext> Authorize(const net::HttpRequest& req, registry::ApplicationService& apps,
                                 const AuthGate& gate) {
  auto principal = gate.Authenticate(req);
  if (!principal.ok()) return principal.take_error();
  if (!principal->authenticated() && !gate.AnonymousAllowed(req))
    return Error::Unauthorized("Authentication required: send Authorization: Bearer <token>");
  return ResolveScope(req, apps, std::move(*principal));
}

}  // namespace rt::api
