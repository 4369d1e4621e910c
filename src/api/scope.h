// Request scope: which (application, environment) a REST request acts on, from the
// X-Application-Id (default "default") and X-Environment (default "development") headers.
// Unknown application -> NotFound (404); invalid environment -> Validation (400).
// Later issues add the authenticated principal to RequestContext.
//
// Thread safety: ResolveScope may be called from any thread; it may block on the database.
#pragma once

#include <string>

#include "core/result.h"
#include "net/http_message.h"
#include "registry/application_service.h"

namespace rt::api {

struct RequestContext {
  std::string application_id;
  std::string environment;
};

Result<RequestContext> ResolveScope(const net::HttpRequest& req, registry::ApplicationService& apps);

}  // namespace rt::api
