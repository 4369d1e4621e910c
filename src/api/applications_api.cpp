// /api/applications: tenant CRUD (admin), and /api/applications/current (any token of the
// application) for the request's scope. Secrets in `config` are masked in every answer; an admin
// sees them with ?reveal=true (docs/security.md).
#include <boost/json/array.hpp>

#include "api/access.h"
#include "api/body.h"
#include "api/errors.h"
#include "api/routes.h"
#include "api/scope.h"
#include "core/json.h"
#include "identity/rbac.h"

namespace rt::api {
namespace {

// ?reveal=true: only for an admin token (or the anonymous development caller on loopback, who
// may manage everything anyway); anyone else asking gets 403.
Result<bool> Reveal(const net::HttpRequest& req, const AuthGate& gate) {
  const std::string* q = req.Query("reveal");
  if (!q || *q == "false" || *q == "0") return false;
  if (*q != "true" && *q != "1") return Error::Validation("reveal must be true or false");
  auto p = gate.Authenticate(req);
  if (!p.ok()) return p.take_error();
  if (p->Has("admin") || (!p->authenticated() && gate.AnonymousAllowed(req))) return true;
  if (p->kind == auth::Principal::Kind::kSession && identity::Allows(p->permissions, "applications", "update"))
    return true;
  return Error::Forbidden("Only an admin may reveal secrets");
}

net::HttpResponse AppResponse(int status, const store::Application& app, bool reveal) {
  return JsonResponse(status, json::Serialize(registry::ApplicationToJson(app, reveal)));
}

// The handler gets the reveal flag once it is validated.
template <typename Fn>
net::Handler WithReveal(const AuthGate& gate, Fn fn) {
  return [&gate, fn = std::move(fn)](net::HttpRequest& req) {
    auto reveal = Reveal(req, gate);
    if (!reveal.ok()) return ErrorResponse(reveal.error());
    return fn(req, *reveal);
  };
}

}  // namespace

void RegisterApplicationRoutes(net::Router& router, registry::ApplicationService& apps, const AuthGate& gate) {
  router.Add("GET", "/api/applications", net::Access::Need("admin", "applications", "read"),
             WithReveal(gate, [&apps](net::HttpRequest&, bool reveal) {
               auto list = apps.List();
               if (!list.ok()) return ErrorResponse(list.error());
               boost::json::array arr;
               for (const auto& a : *list) arr.push_back(registry::ApplicationToJson(a, reveal));
               return JsonResponse(200, json::Serialize(arr));
             }));

  router.Add("POST", "/api/applications", net::Access::Need("admin", "applications", "create"),
             WithReveal(gate, [&apps](net::HttpRequest& req, bool reveal) {
               return WithBody(req, [&](const boost::json::object& body) {
                 auto app = apps.Create(body);
                 return app.ok() ? AppResponse(201, *app, reveal) : ErrorResponse(app.error());
               });
             }));

  router.Add("GET", "/api/applications/current", net::Access::Token("applications", "read"),
             WithReveal(gate, [&apps, &gate](net::HttpRequest& req, bool reveal) {
               auto ctx = Authorize(req, apps, gate);
               if (!ctx.ok()) return ErrorResponse(ctx.error());
               auto app = apps.Get(ctx->application_id);
               if (!app.ok()) return ErrorResponse(app.error());
               boost::json::object body{{"application", registry::ApplicationToJson(*app, reveal)},
                                        {"environment", ctx->environment}};
               return JsonResponse(200, json::Serialize(body));
             }));

  router.Add("GET", "/api/applications/:id", net::Access::Need("admin", "applications", "read"),
             WithReveal(gate, [&apps](net::HttpRequest& req, bool reveal) {
               auto app = apps.Get(req.Param("id"));
               return app.ok() ? AppResponse(200, *app, reveal) : ErrorResponse(app.error());
             }));

  router.Add("PATCH", "/api/applications/:id", net::Access::Need("admin", "applications", "update"),
             WithReveal(gate, [&apps](net::HttpRequest& req, bool reveal) {
               return WithBody(req, [&](const boost::json::object& body) {
                 auto app = apps.Update(req.Param("id"), body);
                 return app.ok() ? AppResponse(200, *app, reveal) : ErrorResponse(app.error());
               });
             }));

  router.Add("DELETE", "/api/applications/:id", net::Access::Need("admin", "applications", "delete"),
             [&apps](net::HttpRequest& req) {
               Status st = apps.Delete(req.Param("id"));
               if (!st.ok()) return ErrorResponse(st.error());
               return NoContent();
             });
}

}  // namespace rt::api
