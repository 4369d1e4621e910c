// /api/schemas: schema registry routes in the request's (application, environment) scope.
#include "api/schemas_api.h"

#include <boost/json/array.hpp>

#include "api/access.h"
#include "api/body.h"
#include "api/errors.h"
#include "api/scope.h"
#include "core/json.h"

namespace rt::api {
namespace {

net::HttpResponse SchemaResponse(int status, const Result<store::SchemaVersion>& v) {
  if (!v.ok()) return ErrorResponse(v.error());
  return JsonResponse(status, json::Serialize(registry::SchemaToJson(*v)));
}

}  // namespace

void RegisterSchemaRoutes(net::Router& router, registry::SchemaService& schemas, registry::ApplicationService& apps,
                          const AuthGate& gate) {
  router.Add("GET", "/api/schemas/:topic/versions", net::Access::Token("schemas", "read"),
             Scoped(apps, gate, [&schemas](net::HttpRequest& req, const Scope& s) {
               auto list = schemas.List(s, req.Param("topic"));
               if (!list.ok()) return ErrorResponse(list.error());
               boost::json::array arr;
               arr.reserve(list->size());
               for (const auto& v : *list) arr.push_back(registry::SchemaToJson(v));
               return JsonResponse(200, json::Serialize(arr));
             }));

  router.Add("GET", "/api/schemas/:topic/versions/:version", net::Access::Token("schemas", "read"),
             Scoped(apps, gate, [&schemas](net::HttpRequest& req, const Scope& s) {
               return SchemaResponse(200, schemas.Get(s, req.Param("topic"), req.Param("version")));
             }));

  router.Add("GET", "/api/schemas/:topic/latest", net::Access::Token("schemas", "read"),
             Scoped(apps, gate, [&schemas](net::HttpRequest& req, const Scope& s) {
               return SchemaResponse(200, schemas.Latest(s, req.Param("topic")));
             }));

  router.Add("POST", "/api/schemas/:topic", net::Access::Need("admin", "schemas", "create"),
             Scoped(apps, gate, [&schemas](net::HttpRequest& req, const Scope& s) {
               return WithBody(req, [&](const boost::json::object& body) {
                 return SchemaResponse(201, schemas.Register(s, req.Param("topic"), body));
               });
             }));

  router.Add("POST", "/api/schemas/:topic/validate", net::Access::Token("schemas", "read"),
             Scoped(apps, gate, [&schemas](net::HttpRequest& req, const Scope& s) {
               return WithBody(req, [&](const boost::json::object& body) {
                 auto errors = schemas.Validate(s, req.Param("topic"), body);
                 if (!errors.ok()) return ErrorResponse(errors.error());
                 boost::json::object out{{"valid", errors->empty()}};
                 if (!errors->empty()) out["errors"] = registry::ViolationsToJson(*errors);
                 return JsonResponse(200, json::Serialize(out));
               });
             }));
}

}  // namespace rt::api
