#include "api/scope.h"

namespace rt::api {

Result<RequestContext> ResolveScope(const net::HttpRequest& req, registry::ApplicationService& apps,
                                    auth::Principal principal) {
  RequestContext ctx{registry::kDefaultApplicationId, registry::kDefaultEnvironment, std::move(principal)};
  const auth::Principal& p = ctx.principal;
  // An admin user's session is a platform operator's: any application and environment (what it
  // may do there was checked against its roles by the route guard).
  const bool any_scope = p.Has("admin") || p.kind == auth::Principal::Kind::kSession;
  if (p.authenticated() && !p.application_id.empty()) ctx.application_id = p.application_id;
  if (p.environment) ctx.environment = *p.environment;

  if (const std::string* env = req.Header("x-environment"); env && !env->empty()) {
    if (!registry::IsValidEnvironment(*env))
      return Error::Validation("Invalid X-Environment '" + *env + "': expected development, staging or production");
    if (p.environment && *p.environment != *env && !any_scope)
      return Error::Forbidden("Token is limited to environment " + *p.environment);
    ctx.environment = *env;
  }
  if (const std::string* app = req.Header("x-application-id"); app && !app->empty()) {
    if (p.authenticated() && *app != p.application_id && !any_scope)
      return Error::Forbidden("Token is for application " + p.application_id + ", not " + *app);
    ctx.application_id = *app;
  }
  RT_TRY(apps.Resolve(ctx.application_id));
  return ctx;
}

}  // namespace rt::api
