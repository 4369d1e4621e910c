// /api/alerts: rules (GET/POST /api/alerts/rules, GET/PATCH/DELETE /api/alerts/rules/:id), the
// history (GET /api/alerts?severity=&environment=&state=&ruleId=&limit=&offset=, GET
// /api/alerts/:id) and POST /api/alerts/:id/ack (docs/monitoring.md "Alerts").
#include "api/alerts_api.h"

#include <any>

#include "api/body.h"
#include "api/errors.h"
#include "auth/principal.h"

namespace rt::api {
namespace {

// Who acknowledges: the session's user id or the token's subject ("anonymous" in development).
std::string Caller(const net::HttpRequest& req) {
  const auto* p = std::any_cast<auth::Principal>(&req.auth);
  if (!p || !p->authenticated() || p->subject.empty()) return "anonymous";
  return p->subject;
}

Result<monitor::AlertQuery> ReadAlertQuery(const net::HttpRequest& req) {
  monitor::AlertQuery q;
  q.severity = StrQuery(req, "severity");
  q.environment = StrQuery(req, "environment");
  q.state = StrQuery(req, "state");
  q.rule_id = StrQuery(req, "ruleId");
  auto limit = IntQuery(req, "limit", 100, 1, 1000);
  if (!limit.ok()) return limit.take_error();
  auto offset = IntQuery(req, "offset", 0, 0, 1000000);
  if (!offset.ok()) return offset.take_error();
  q.limit = static_cast<int>(*limit);
  q.offset = static_cast<int>(*offset);
  return q;
}

}  // namespace

void RegisterAlertRoutes(net::Router& router, monitor::AlertService& alerts) {
  router.Add("GET", "/api/alerts/rules", net::Access::Need("admin", "metrics", "read"),
             [&alerts](net::HttpRequest&) { return Answer(alerts.ListRules()); });

  router.Add(
      "POST", "/api/alerts/rules", net::Access::Need("admin", "metrics", "create"), [&alerts](net::HttpRequest& req) {
        return WithBody(req, [&](const boost::json::object& body) { return Answer(201, alerts.CreateRule(body)); });
      });

  router.Add("GET", "/api/alerts/rules/:id", net::Access::Need("admin", "metrics", "read"),
             [&alerts](net::HttpRequest& req) { return Answer(200, alerts.GetRule(req.Param("id"))); });

  router.Add("PATCH", "/api/alerts/rules/:id", net::Access::Need("admin", "metrics", "update"),
             [&alerts](net::HttpRequest& req) {
               return WithBody(req, [&](const boost::json::object& body) {
                 return Answer(200, alerts.UpdateRule(req.Param("id"), body));
               });
             });

  router.Add("DELETE", "/api/alerts/rules/:id", net::Access::Need("admin", "metrics", "delete"),
             [&alerts](net::HttpRequest& req) {
               if (Status st = alerts.DeleteRule(req.Param("id")); !st.ok()) return ErrorResponse(st.error());
               return NoContent();
             });

  router.Add("GET", "/api/alerts", net::Access::Need("admin", "metrics", "read"), [&alerts](net::HttpRequest& req) {
    auto q = ReadAlertQuery(req);
    if (!q.ok()) return ErrorResponse(q.error());
    return Answer(alerts.ListAlerts(*q));
  });

  router.Add("GET", "/api/alerts/:id", net::Access::Need("admin", "metrics", "read"),
             [&alerts](net::HttpRequest& req) { return Answer(200, alerts.GetAlert(req.Param("id"))); });

  router.Add(
      "POST", "/api/alerts/:id/ack", net::Access::Need("admin", "metrics", "update"),
      [&alerts](net::HttpRequest& req) { return Answer(200, alerts.Acknowledge(req.Param("id"), Caller(req))); });
}

}  // namespace rt::api
