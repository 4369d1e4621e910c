// /api/database (spec/15-api-database.md): mappings, versions, promotion, subscriptions and the
// captured-event log in the request's application and environment (docs/database.md).
#include "api/database_api.h"


#include "api/access.h"
#include "api/body.h"
#include "api/errors.h"
#include "core/json.h"

namespace rt::api {
namespace {

net::Access Read() { return net::Access::Need("service", "mappings", "read"); }
net::Access Admin(const char* action) { return net::Access::Need("admin", "mappings", action); }

}  // namespace

void RegisterDatabaseRoutes(net::Router& router, cdc::MappingService& m, registry::ApplicationService& apps,
                            const AuthGate& gate, std::function<boost::json::value()> reader_status) {
  router.Add("GET", "/api/database/status", Read(),
             Scoped(apps, gate, [status = std::move(reader_status)](net::HttpRequest&, const Scope&) {
               return JsonResponse(200, json::Serialize(status ? status() : boost::json::value(nullptr)));
             }));

  router.Add("GET", "/api/database/mappings", Read(),
             Scoped(apps, gate, [&m](net::HttpRequest&, const Scope& s) { return Answer(m.List(s)); }));

  router.Add("POST", "/api/database/mappings", Admin("create"),
             Scoped(apps, gate, [&m](net::HttpRequest& req, const Scope& s) {
               return WithJson(req, [&](const boost::json::value& body) { return Answer(201, m.Create(s, body)); });
             }));

  router.Add("GET", "/api/database/mappings/status", Read(),
             Scoped(apps, gate, [&m](net::HttpRequest&, const Scope& s) { return Answer(m.EnvironmentStatus(s)); }));

  router.Add("GET", "/api/database/mappings/topic/:topic", Read(),
             Scoped(apps, gate, [&m](net::HttpRequest& req, const Scope& s) {
               return Answer(m.ByTopic(s, req.Param("topic")));
             }));

  router.Add("GET", "/api/database/mappings/:id", Read(),
             Scoped(apps, gate, [&m](net::HttpRequest& req, const Scope& s) {
               return Answer(200, m.Get(s, req.Param("id")));
             }));

  router.Add("PATCH", "/api/database/mappings/:id", Admin("update"),
             Scoped(apps, gate, [&m](net::HttpRequest& req, const Scope& s) {
               return WithJson(req, [&](const boost::json::value& body) {
                 return Answer(200, m.Update(s, req.Param("id"), body));
               });
             }));

  router.Add("DELETE", "/api/database/mappings/:id", Admin("delete"),
             Scoped(apps, gate, [&m](net::HttpRequest& req, const Scope& s) {
               if (Status st = m.Delete(s, req.Param("id")); !st.ok()) return ErrorResponse(st.error());
               return NoContent();
             }));

  router.Add("GET", "/api/database/mappings/:id/versions", Read(),
             Scoped(apps, gate, [&m](net::HttpRequest& req, const Scope& s) {
               return Answer(m.Versions(s, req.Param("id")));
             }));

  router.Add("POST", "/api/database/mappings/:id/versions", Admin("update"),
             Scoped(apps, gate, [&m](net::HttpRequest& req, const Scope& s) {
               return WithJson(req, [&](const boost::json::value& body) {
                 return Answer(201, m.CreateVersion(s, req.Param("id"), body));
               });
             }));

  router.Add("POST", "/api/database/mappings/:id/promote", Admin("update"),
             Scoped(apps, gate, [&m](net::HttpRequest& req, const Scope& s) {
               return WithJson(req, [&](const boost::json::value& body) {
                 return Answer(200, m.Promote(s, req.Param("id"), body));
               });
             }));

  router.Add("GET", "/api/database/subscriptions", Read(),
             Scoped(apps, gate, [&m](net::HttpRequest&, const Scope& s) { return Answer(m.Subscriptions(s)); }));

  router.Add("POST", "/api/database/subscriptions", Admin("create"),
             Scoped(apps, gate, [&m](net::HttpRequest& req, const Scope& s) {
               return WithJson(req, [&](const boost::json::value& body) { return Answer(201, m.Subscribe(s, body)); });
             }));

  router.Add("GET", "/api/database/subscriptions/logs", Read(),
             Scoped(apps, gate, [&m](net::HttpRequest& req, const Scope& s) {
               cdc::EventLogFilter f;
               f.event = StrQuery(req, "event");
               f.mapping_id = StrQuery(req, "mappingId");
               f.status = StrQuery(req, "status");
               auto page = ReadPageQuery(req);
               if (!page.ok()) return ErrorResponse(page.error());
               f.limit = page->limit;
               f.before = page->before;
               return Answer(m.Logs(s, f));
             }));

  router.Add("POST", "/api/database/subscriptions/:id/activate", Admin("update"),
             Scoped(apps, gate, [&m](net::HttpRequest& req, const Scope& s) {
               return Answer(200, m.SetSubscriptionActive(s, req.Param("id"), true));
             }));

  router.Add("POST", "/api/database/subscriptions/:id/deactivate", Admin("update"),
             Scoped(apps, gate, [&m](net::HttpRequest& req, const Scope& s) {
               return Answer(200, m.SetSubscriptionActive(s, req.Param("id"), false));
             }));
}

}  // namespace rt::api
