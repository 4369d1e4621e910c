// /api/applications: tenant CRUD, and /api/applications/current for the request's scope.
#include <boost/json/array.hpp>

#include "api/body.h"
#include "api/errors.h"
#include "api/routes.h"
#include "api/scope.h"
#include "core/json.h"

namespace rt::api {
namespace {

net::HttpResponse AppResponse(int status, const store::Application& app) {
  return JsonResponse(status, json::Serialize(registry::ApplicationToJson(app)));
}

}  // namespace

void RegisterApplicationRoutes(net::Router& router, registry::ApplicationService& apps, const AuthGate& gate) {
  router.Add("GET", "/api/applications", [&apps, &gate](net::HttpRequest& req) {
    if (auto p = gate.RequireManagement(req); !p.ok()) return ErrorResponse(p.error());
    auto list = apps.List();
    if (!list.ok()) return ErrorResponse(list.error());
    boost::json::array arr;
    for (const auto& a : *list) arr.push_back(registry::ApplicationToJson(a));
    return JsonResponse(200, json::Serialize(arr));
  });

  router.Add("POST", "/api/applications", [&apps, &gate](net::HttpRequest& req) {
    if (auto p = gate.RequireManagement(req); !p.ok()) return ErrorResponse(p.error());
    return WithBody(req, [&](const boost::json::object& body) {
      auto app = apps.Create(body);
      return app.ok() ? AppResponse(201, *app) : ErrorResponse(app.error());
    });
  });

  router.Add("GET", "/api/applications/current", [&apps, &gate](net::HttpRequest& req) {
    auto principal = gate.Authenticate(req);
    if (!principal.ok()) return ErrorResponse(principal.error());
    auto ctx = ResolveScope(req, apps, std::move(*principal));
    if (!ctx.ok()) return ErrorResponse(ctx.error());
    auto app = apps.Get(ctx->application_id);
    if (!app.ok()) return ErrorResponse(app.error());
    boost::json::object body{{"application", registry::ApplicationToJson(*app)}, {"environment", ctx->environment}};
    return JsonResponse(200, json::Serialize(body));
  });

  router.Add("GET", "/api/applications/:id", [&apps, &gate](net::HttpRequest& req) {
    if (auto p = gate.RequireManagement(req); !p.ok()) return ErrorResponse(p.error());
    auto app = apps.Get(req.Param("id"));
    return app.ok() ? AppResponse(200, *app) : ErrorResponse(app.error());
  });

  router.Add("PATCH", "/api/applications/:id", [&apps, &gate](net::HttpRequest& req) {
    if (auto p = gate.RequireManagement(req); !p.ok()) return ErrorResponse(p.error());
    return WithBody(req, [&](const boost::json::object& body) {
      auto app = apps.Update(req.Param("id"), body);
      return app.ok() ? AppResponse(200, *app) : ErrorResponse(app.error());
    });
  });

  router.Add("DELETE", "/api/applications/:id", [&apps, &gate](net::HttpRequest& req) {
    if (auto p = gate.RequireManagement(req); !p.ok()) return ErrorResponse(p.error());
    Status st = apps.Delete(req.Param("id"));
    if (!st.ok()) return ErrorResponse(st.error());
    net::HttpResponse res;
    res.status = 204;
    res.content_type = "application/json";
    return res;
  });
}

}  // namespace rt::api
