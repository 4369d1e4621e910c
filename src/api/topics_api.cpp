// /api/topics: topic registry CRUD in the request's (application, environment) scope.
#include "api/topics_api.h"

#include <boost/json/array.hpp>

#include "api/body.h"
#include "api/errors.h"
#include "api/scope.h"
#include "core/json.h"

namespace rt::api {
namespace {

enum class Access { kRead, kWrite };

// Reads: any authenticated caller; anonymous only in development. Writes: admin; anonymous only
// in development (RequireManagement). Then the request's scope (api/scope.h).
Result<Scope> ScopeFor(Access access, const net::HttpRequest& req, registry::ApplicationService& apps,
                       const AuthGate& gate) {
  auto principal = access == Access::kWrite ? gate.RequireManagement(req) : gate.Authenticate(req);
  if (!principal.ok()) return principal.take_error();
  if (!principal->authenticated() && !gate.development())
    return Error::Unauthorized("Authentication required: send Authorization: Bearer <token>");
  auto ctx = ResolveScope(req, apps, std::move(*principal));
  if (!ctx.ok()) return ctx.take_error();
  return Scope{std::move(ctx->application_id), std::move(ctx->environment)};
}

template <typename Fn>
net::Handler Scoped(Access access, registry::ApplicationService& apps, const AuthGate& gate, Fn fn) {
  return [access, &apps, &gate, fn = std::move(fn)](net::HttpRequest& req) {
    auto scope = ScopeFor(access, req, apps, gate);
    if (!scope.ok()) return ErrorResponse(scope.error());
    return fn(req, *scope);
  };
}

net::HttpResponse TopicResponse(int status, const Result<store::Topic>& topic) {
  if (!topic.ok()) return ErrorResponse(topic.error());
  return JsonResponse(status, json::Serialize(registry::TopicToJson(*topic)));
}

}  // namespace

void RegisterTopicRoutes(net::Router& router, registry::TopicService& topics, registry::ApplicationService& apps,
                         const AuthGate& gate) {
  router.Add("GET", "/api/topics", Scoped(Access::kRead, apps, gate, [&topics](net::HttpRequest&, const Scope& s) {
               auto list = topics.List(s);
               if (!list.ok()) return ErrorResponse(list.error());
               boost::json::array arr;
               arr.reserve(list->size());
               for (const auto& t : *list) arr.push_back(registry::TopicToJson(t));
               return JsonResponse(200, json::Serialize(arr));
             }));

  router.Add("POST", "/api/topics",
             Scoped(Access::kWrite, apps, gate, [&topics](net::HttpRequest& req, const Scope& s) {
               return WithBody(
                   req, [&](const boost::json::object& body) { return TopicResponse(201, topics.Create(s, body)); });
             }));

  router.Add("GET", "/api/topics/:name",
             Scoped(Access::kRead, apps, gate, [&topics](net::HttpRequest& req, const Scope& s) {
               return TopicResponse(200, topics.Get(s, req.Param("name")));
             }));

  router.Add("PATCH", "/api/topics/:name",
             Scoped(Access::kWrite, apps, gate, [&topics](net::HttpRequest& req, const Scope& s) {
               return WithBody(req, [&](const boost::json::object& body) {
                 return TopicResponse(200, topics.Update(s, req.Param("name"), body));
               });
             }));

  router.Add("DELETE", "/api/topics/:name",
             Scoped(Access::kWrite, apps, gate, [&topics](net::HttpRequest& req, const Scope& s) {
               const std::string& name = req.Param("name");
               if (Status st = topics.Delete(s, name); !st.ok()) return ErrorResponse(st.error());
               return JsonResponse(200, json::Serialize(boost::json::object{{"deleted", true}, {"name", name}}));
             }));
}

}  // namespace rt::api
