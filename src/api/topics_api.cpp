// /api/topics: topic registry CRUD in the request's (application, environment) scope.
#include "api/topics_api.h"

#include <boost/json/array.hpp>

#include "api/access.h"
#include "api/body.h"
#include "api/errors.h"
#include "api/scope.h"
#include "core/json.h"

namespace rt::api {
namespace {

net::HttpResponse TopicResponse(int status, const Result<store::Topic>& topic) {
  if (!topic.ok()) return ErrorResponse(topic.error());
  return JsonResponse(status, json::Serialize(registry::TopicToJson(*topic)));
}

}  // namespace

void RegisterTopicRoutes(net::Router& router, registry::TopicService& topics, registry::ApplicationService& apps,
                         const AuthGate& gate) {
  // The reads are answered from the topic catalog's memory on the I/O thread when they can
  // (registry/topic_catalog.h), else from the database on the blocking pool; same bodies.
  router.AddWithInline("GET", "/api/topics", net::Access::Token("topics", "read"),
             ScopedInline(apps, [&topics](net::HttpRequest&, const Scope& s) -> std::optional<net::HttpResponse> {
               auto body = topics.ListJsonFromMemory(s);
               if (!body) return std::nullopt;
               return JsonResponse(200, std::move(*body));
             }),
             Scoped(apps, gate, [&topics](net::HttpRequest&, const Scope& s) {
               auto list = topics.List(s);
               if (!list.ok()) return ErrorResponse(list.error());
               boost::json::array arr;
               arr.reserve(list->size());
               for (const auto& t : *list) arr.push_back(registry::TopicToJson(t));
               return JsonResponse(200, json::Serialize(arr));
             }));

  router.Add("POST", "/api/topics", net::Access::Need("admin", "topics", "create"),
             Scoped(apps, gate, [&topics](net::HttpRequest& req, const Scope& s) {
               return WithBody(
                   req, [&](const boost::json::object& body) { return TopicResponse(201, topics.Create(s, body)); });
             }));

  router.AddWithInline("GET", "/api/topics/:name", net::Access::Token("topics", "read"),
             ScopedInline(apps, [&topics](net::HttpRequest& req, const Scope& s) -> std::optional<net::HttpResponse> {
               auto body = topics.GetJsonFromMemory(s, req.Param("name"));
               if (!body) return std::nullopt;
               if (!body->ok()) return ErrorResponse(body->error());
               return JsonResponse(200, std::move(**body));
             }),
             Scoped(apps, gate, [&topics](net::HttpRequest& req, const Scope& s) {
               return TopicResponse(200, topics.Get(s, req.Param("name")));
             }));

  router.Add("PATCH", "/api/topics/:name", net::Access::Need("admin", "topics", "update"),
             Scoped(apps, gate, [&topics](net::HttpRequest& req, const Scope& s) {
               return WithBody(req, [&](const boost::json::object& body) {
                 return TopicResponse(200, topics.Update(s, req.Param("name"), body));
               });
             }));

  router.Add("DELETE", "/api/topics/:name", net::Access::Need("admin", "topics", "delete"),
             Scoped(apps, gate, [&topics](net::HttpRequest& req, const Scope& s) {
               const std::string& name = req.Param("name");
               if (Status st = topics.Delete(s, name); !st.ok()) return ErrorResponse(st.error());
               return JsonResponse(200, json::Serialize(boost::json::object{{"deleted", true}, {"name", name}}));
             }));
}

}  // namespace rt::api
