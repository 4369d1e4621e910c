// /api/services: sync service namespace CRUD in the request's application.
#include "api/services_api.h"

#include <boost/json/array.hpp>

#include "api/body.h"
#include "api/errors.h"
#include "api/scope.h"
#include "core/json.h"

namespace rt::api {
namespace {

enum class Access { kRead, kWrite };

// Reads: any authenticated caller; writes: admin (RequireManagement). Anonymous only in
// development. Returns the request's application.
Result<std::string> ApplicationFor(Access access, const net::HttpRequest& req, registry::ApplicationService& apps,
                                   const AuthGate& gate) {
  auto principal = access == Access::kWrite ? gate.RequireManagement(req) : gate.Authenticate(req);
  if (!principal.ok()) return principal.take_error();
  if (!principal->authenticated() && !gate.development())
    return Error::Unauthorized("Authentication required: send Authorization: Bearer <token>");
  auto ctx = ResolveScope(req, apps, std::move(*principal));
  if (!ctx.ok()) return ctx.take_error();
  return std::move(ctx->application_id);
}

template <typename Fn>
net::Handler InApp(Access access, registry::ApplicationService& apps, const AuthGate& gate, Fn fn) {
  return [access, &apps, &gate, fn = std::move(fn)](net::HttpRequest& req) {
    auto app = ApplicationFor(access, req, apps, gate);
    if (!app.ok()) return ErrorResponse(app.error());
    return fn(req, *app);
  };
}

net::HttpResponse ServiceResponse(int status, const Result<store::SyncService>& s) {
  if (!s.ok()) return ErrorResponse(s.error());
  return JsonResponse(status, json::Serialize(registry::ServiceToJson(*s)));
}

}  // namespace

void RegisterServiceRoutes(net::Router& router, registry::ServiceRegistry& services,
                           registry::ApplicationService& apps, const AuthGate& gate) {
  router.Add("GET", "/api/services",
             InApp(Access::kRead, apps, gate, [&services](net::HttpRequest&, const std::string& app) {
               auto list = services.List(app);
               if (!list.ok()) return ErrorResponse(list.error());
               boost::json::array arr;
               arr.reserve(list->size());
               for (const auto& s : *list) arr.push_back(registry::ServiceToJson(s));
               return JsonResponse(200, json::Serialize(boost::json::object{{"services", std::move(arr)}}));
             }));

  router.Add("POST", "/api/services",
             InApp(Access::kWrite, apps, gate, [&services](net::HttpRequest& req, const std::string& app) {
               return WithBody(req, [&](const boost::json::object& body) {
                 return ServiceResponse(201, services.Create(app, body));
               });
             }));

  router.Add("GET", "/api/services/:id",
             InApp(Access::kRead, apps, gate, [&services](net::HttpRequest& req, const std::string& app) {
               return ServiceResponse(200, services.Get(app, req.Param("id")));
             }));

  router.Add("PATCH", "/api/services/:id",
             InApp(Access::kWrite, apps, gate, [&services](net::HttpRequest& req, const std::string& app) {
               return WithBody(req, [&](const boost::json::object& body) {
                 return ServiceResponse(200, services.Update(app, req.Param("id"), body));
               });
             }));

  router.Add("DELETE", "/api/services/:id",
             InApp(Access::kWrite, apps, gate, [&services](net::HttpRequest& req, const std::string& app) {
               if (Status st = services.Delete(app, req.Param("id")); !st.ok()) return ErrorResponse(st.error());
               net::HttpResponse res;
               res.status = 204;
               return res;
             }));
}

}  // namespace rt::api
