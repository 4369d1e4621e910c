// /api/services: sync service namespace CRUD in the request's application.
#include "api/services_api.h"

#include <boost/json/array.hpp>

#include "api/access.h"
#include "api/body.h"
#include "api/errors.h"
#include "api/scope.h"
#include "core/json.h"

namespace rt::api {
namespace {

// Services belong to an application (not an environment): handlers get its id.
template <typename Fn>
net::Handler InApp(registry::ApplicationService& apps, const AuthGate& gate, Fn fn) {
  return Scoped(apps, gate, [fn = std::move(fn)](net::HttpRequest& req, const Scope& scope) {
    return fn(req, scope.application_id);
  });
}

net::HttpResponse ServiceResponse(int status, const Result<store::SyncService>& s) {
  if (!s.ok()) return ErrorResponse(s.error());
  return JsonResponse(status, json::Serialize(registry::ServiceToJson(*s)));
}

}  // namespace

void RegisterServiceRoutes(net::Router& router, registry::ServiceRegistry& services,
                           registry::ApplicationService& apps, const AuthGate& gate) {
  router.Add("GET", "/api/services", net::Access::Token("documents", "read"),
             InApp(apps, gate, [&services](net::HttpRequest&, const std::string& app) {
               auto list = services.List(app);
               if (!list.ok()) return ErrorResponse(list.error());
               boost::json::array arr;
               arr.reserve(list->size());
               for (const auto& s : *list) arr.push_back(registry::ServiceToJson(s));
               return JsonResponse(200, json::Serialize(boost::json::object{{"services", std::move(arr)}}));
             }));

  router.Add("POST", "/api/services", net::Access::Need("admin", "documents", "create"),
             InApp(apps, gate, [&services](net::HttpRequest& req, const std::string& app) {
               return WithBody(req, [&](const boost::json::object& body) {
                 return ServiceResponse(201, services.Create(app, body));
               });
             }));

  router.Add("GET", "/api/services/:id", net::Access::Token("documents", "read"),
             InApp(apps, gate, [&services](net::HttpRequest& req, const std::string& app) {
               return ServiceResponse(200, services.Get(app, req.Param("id")));
             }));

  router.Add("PATCH", "/api/services/:id", net::Access::Need("admin", "documents", "update"),
             InApp(apps, gate, [&services](net::HttpRequest& req, const std::string& app) {
               return WithBody(req, [&](const boost::json::object& body) {
                 return ServiceResponse(200, services.Update(app, req.Param("id"), body));
               });
             }));

  router.Add("DELETE", "/api/services/:id", net::Access::Need("admin", "documents", "delete"),
             InApp(apps, gate, [&services](net::HttpRequest& req, const std::string& app) {
               if (Status st = services.Delete(app, req.Param("id")); !st.ok()) return ErrorResponse(st.error());
               return NoContent();
             }));
}

}  // namespace rt::api
