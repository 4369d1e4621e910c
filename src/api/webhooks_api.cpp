// /api/webhooks (spec/23-api-webhooks.md) and /api/workers: webhook endpoints, their delivery
// logs, test pings and dead-letter retries in the request's application and environment; the
// worker heartbeats (docs/webhooks.md, docs/jobs.md).
#include "api/webhooks_api.h"

#include <boost/json/array.hpp>

#include "api/access.h"
#include "api/body.h"
#include "api/errors.h"
#include "core/ids.h"
#include "core/json.h"

namespace rt::api {
namespace {

constexpr int64_t kWorkerLostAfterMs = 15000;  // three missed heartbeats

boost::json::object WorkerToJson(const store::WorkerRow& w, int64_t now) {
  boost::json::array queues;
  for (const auto& q : w.queues) queues.emplace_back(q);
  const char* status = w.stopped_at != 0 ? "stopped" : (now - w.last_beat > kWorkerLostAfterMs ? "lost" : "running");
  return boost::json::object{{"id", w.id},
                             {"kind", w.kind},
                             {"host", w.host},
                             {"pid", w.pid},
                             {"version", w.version},
                             {"queues", std::move(queues)},
                             {"startedAt", w.started_at},
                             {"lastBeat", w.last_beat},
                             {"stoppedAt", w.stopped_at == 0 ? boost::json::value(nullptr) : boost::json::value(w.stopped_at)},
                             {"status", status}};
}

}  // namespace

void RegisterWebhookRoutes(net::Router& router, webhooks::WebhookService& hooks, registry::ApplicationService& apps,
                           const AuthGate& gate) {
  router.Add("GET", "/api/webhooks", net::Access::Need("service", "webhooks", "read"),
             Scoped(apps, gate, [&hooks](net::HttpRequest&, const Scope& s) { return Answer(hooks.List(s)); }));

  router.Add("POST", "/api/webhooks", net::Access::Need("service", "webhooks", "create"),
             Scoped(apps, gate, [&hooks](net::HttpRequest& req, const Scope& s) {
               return WithJson(req, [&](const boost::json::value& body) { return Answer(201, hooks.Create(s, body)); });
             }));

  router.Add("GET", "/api/webhooks/logs", net::Access::Need("service", "webhooks", "read"),
             Scoped(apps, gate, [&hooks](net::HttpRequest& req, const Scope& s) {
               webhooks::LogFilter f;
               f.event = StrQuery(req, "event");
               f.webhook_id = StrQuery(req, "webhookId");
               f.status = StrQuery(req, "status");
               auto page = ReadPageQuery(req);
               if (!page.ok()) return ErrorResponse(page.error());
               f.limit = page->limit;
               f.before = page->before;
               return Answer(hooks.Logs(s, f));
             }));

  router.Add("GET", "/api/webhooks/logs/:id", net::Access::Need("service", "webhooks", "read"),
             Scoped(apps, gate, [&hooks](net::HttpRequest& req, const Scope& s) {
               return Answer(200, hooks.GetLog(s, req.Param("id")));
             }));

  router.Add("POST", "/api/webhooks/logs/:id/retry", net::Access::Need("service", "webhooks", "update"),
             Scoped(apps, gate, [&hooks](net::HttpRequest& req, const Scope& s) {
               return Answer(202, hooks.RetryLog(s, req.Param("id")));
             }));

  router.Add("GET", "/api/webhooks/:id", net::Access::Need("service", "webhooks", "read"),
             Scoped(apps, gate, [&hooks](net::HttpRequest& req, const Scope& s) {
               return Answer(200, hooks.Get(s, req.Param("id")));
             }));

  router.Add("POST", "/api/webhooks/:id/activate", net::Access::Need("service", "webhooks", "update"),
             Scoped(apps, gate, [&hooks](net::HttpRequest& req, const Scope& s) {
               return Answer(200, hooks.SetActive(s, req.Param("id"), true));
             }));

  router.Add("POST", "/api/webhooks/:id/deactivate", net::Access::Need("service", "webhooks", "update"),
             Scoped(apps, gate, [&hooks](net::HttpRequest& req, const Scope& s) {
               return Answer(200, hooks.SetActive(s, req.Param("id"), false));
             }));

  router.Add("POST", "/api/webhooks/:id/test", net::Access::Need("service", "webhooks", "update"),
             Scoped(apps, gate, [&hooks](net::HttpRequest& req, const Scope& s) {
               return Answer(200, hooks.Test(s, req.Param("id")));
             }));

  router.Add("DELETE", "/api/webhooks/:id", net::Access::Need("service", "webhooks", "delete"),
             Scoped(apps, gate, [&hooks](net::HttpRequest& req, const Scope& s) {
               if (Status st = hooks.Delete(s, req.Param("id")); !st.ok()) return ErrorResponse(st.error());
               return NoContent();
             }));
}

void RegisterWorkerRoutes(net::Router& router, store::WorkerRepository& workers) {
  router.Add("GET", "/api/workers", net::Access::Need("admin", "workers", "read"), [&workers](net::HttpRequest&) {
    auto rows = workers.List();
    if (!rows.ok()) return ErrorResponse(rows.error());
    const int64_t now = NowMs();
    boost::json::array out;
    for (const auto& w : *rows) out.push_back(WorkerToJson(w, now));
    return JsonResponse(200, json::Serialize(out));
  });
}

}  // namespace rt::api
