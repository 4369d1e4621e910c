#include "api/scope.h"

namespace rt::api {
namespace {

// The rules of ResolveScope (api/scope.h) up to, not including, the application lookup.
Result<Scope> ScopeOf(const net::HttpRequest& req, const auth::Principal& p) {
  Scope scope{registry::kDefaultApplicationId, registry::kDefaultEnvironment};
  // An admin user's session is a platform operator's: any application and environment (what it
  // may do there was checked against its roles by the route guard).
  const bool any_scope = p.Has("admin") || p.kind == auth::Principal::Kind::kSession;
  if (p.authenticated() && !p.application_id.empty()) scope.application_id = p.application_id;
  if (p.environment) scope.environment = *p.environment;

  if (const std::string* env = req.Header("x-environment"); env && !env->empty()) {
    if (!registry::IsValidEnvironment(*env))
      return Error::Validation("Invalid X-Environment '" + *env + "': expected development, staging or production");
    if (p.environment && *p.environment != *env && !any_scope)
      return Error::Forbidden("Token is limited to environment " + *p.environment);
    scope.environment = *env;
  }
  if (const std::string* app = req.Header("x-application-id"); app && !app->empty()) {
    if (p.authenticated() && *app != p.application_id && !any_scope)
      return Error::Forbidden("Token is for application " + p.application_id + ", not " + *app);
    scope.application_id = *app;
  }
  return scope;
}

}  // namespace

Result<RequestContext> ResolveScope(const net::HttpRequest& req, registry::ApplicationService& apps,
                                    auth::Principal principal) {
  auto scope = ScopeOf(req, principal);
  if (!scope.ok()) return scope.take_error();
  RT_TRY(apps.Resolve(scope->application_id));
  return RequestContext{std::move(scope->application_id), std::move(scope->environment), std::move(principal)};
}

std::optional<Result<Scope>> TryResolveScope(const net::HttpRequest& req, registry::ApplicationService& apps,
                                             const auth::Principal& principal) {
  auto scope = ScopeOf(req, principal);
  if (scope.ok() && !apps.IsKnown(scope->application_id)) return std::nullopt;
  return scope;
}

}  // namespace rt::api
