#include "api/scope.h"

namespace rt::api {

Result<RequestContext> ResolveScope(const net::HttpRequest& req, registry::ApplicationService& apps) {
  RequestContext ctx{registry::kDefaultApplicationId, registry::kDefaultEnvironment};
  if (const std::string* env = req.Header("x-environment"); env && !env->empty()) {
    if (!registry::IsValidEnvironment(*env))
      return Error::Validation("Invalid X-Environment '" + *env + "': expected development, staging or production");
    ctx.environment = *env;
  }
  if (const std::string* app = req.Header("x-application-id"); app && !app->empty()) {
    ctx.application_id = *app;
  }
  RT_TRY(apps.Resolve(ctx.application_id));
  return ctx;
}

}  // namespace rt::api
