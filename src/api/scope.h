// Request scope: which (application, environment) a REST request acts on.
//   application: X-Application-Id, else the token's audience, else "default";
//   environment: X-Environment, else the token's env claim, else "development".
// Unknown application -> 404; invalid environment -> 400; a non-admin token used for another
// application (wrong audience) -> 401; a token limited to another environment -> 403.
//
// Thread safety: ResolveScope may be called from any thread; it may block on the database.
// TryResolveScope never blocks (for answers given on the I/O thread).
#pragma once

#include <optional>
#include <string>

#include "auth/principal.h"
#include "core/result.h"
#include "core/scope.h"
#include "net/http_message.h"
#include "registry/application_service.h"

namespace rt::api {

struct RequestContext {
  std::string application_id;
  std::string environment;
  auth::Principal principal;
};

Result<RequestContext> ResolveScope(const net::HttpRequest& req, registry::ApplicationService& apps,
                                    auth::Principal principal);

// The same rules without the database: the scope, a rule's error, or nullopt when the
// application is not known from ResolveScope's recent answers (ResolveScope decides then).
std::optional<Result<Scope>> TryResolveScope(const net::HttpRequest& req, registry::ApplicationService& apps,
                                             const auth::Principal& principal);

}  // namespace rt::api
