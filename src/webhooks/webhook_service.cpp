#include "webhooks/webhook_service.h"

#include <future>

#include "core/ids.h"
#include "core/log.h"
#include "events/event.h"

namespace rt::webhooks {
namespace {

boost::json::array Strings(const std::vector<std::string>& v) {
  boost::json::array a;
  a.reserve(v.size());
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

boost::json::value OrNull(int64_t v) { return v == 0 ? boost::json::value(nullptr) : boost::json::value(v); }

Error NotFound(const std::string& id) { return Error::NotFound("Webhook not found: " + id); }

}  // namespace

boost::json::object EndpointToJson(const store::WebhookEndpointRow& row) {
  return boost::json::object{{"id", row.id},
                             {"url", row.url},
                             {"events", Strings(row.events)},
                             {"topics", Strings(row.topics)},
                             {"active", row.active},
                             {"applicationId", row.application_id},
                             {"environment", row.environment},
                             {"signatureScheme", row.signature_scheme},
                             {"maxConcurrency", row.max_concurrency},
                             {"ordering", row.ordering},
                             {"description", row.description},
                             {"createdAt", row.created_at},
                             {"updatedAt", row.updated_at}};
}

boost::json::object LogToJson(const store::DeliveryLog& l) {
  boost::json::array history;
  for (const auto& a : l.history)
    history.push_back(boost::json::object{{"attempt", a.attempt},
                                          {"statusCode", a.status_code == 0 ? boost::json::value(nullptr)
                                                                            : boost::json::value(a.status_code)},
                                          {"durationMs", a.duration_ms},
                                          {"error", a.error},
                                          {"responseBody", a.response_body},
                                          {"at", a.at}});
  return boost::json::object{
      {"id", l.id},
      {"webhookId", l.webhook_id},
      {"event", l.event},
      {"url", l.url},
      {"statusCode", l.status_code == 0 ? boost::json::value(nullptr) : boost::json::value(l.status_code)},
      {"success", l.success},
      {"attempts", l.attempts},
      {"deliveredAt", OrNull(l.delivered_at)},
      {"status", l.status},
      {"eventId", l.event_id},
      {"topic", l.topic},
      {"durationMs", l.duration_ms},
      {"error", l.error},
      {"responseBody", l.response_body},
      {"nextAttemptAt", OrNull(l.next_attempt_at)},
      {"applicationId", l.application_id},
      {"environment", l.environment},
      {"createdAt", l.created_at},
      {"updatedAt", l.updated_at},
      {"history", std::move(history)}};
}

WebhookService::WebhookService(store::WebhookRepository& repo, const SecretBox& box, EndpointCache& cache,
                               jobs::Queue& queue, UrlRules rules, HttpClientOptions http)
    : repo_(repo), box_(box), cache_(cache), queue_(queue), rules_(rules), deliverer_(std::move(http)) {}

Status WebhookService::Changed() {
  Status st = cache_.Refresh();
  if (!st.ok()) log::Warn("webhook endpoint cache not refreshed (retried every 2 s)", {{"error", st.error().message}});
  return Ok();  // the change itself is stored; the poll picks it up
}

Result<boost::json::object> WebhookService::Create(const Scope& scope, const boost::json::value& body) {
  auto spec = ParseEndpointSpec(body, rules_);
  if (!spec.ok()) return spec.take_error();
  auto sealed = box_.Seal(spec->secret);
  if (!sealed.ok()) return sealed.take_error();
  store::WebhookEndpointRow row;
  row.id = NewId("wh");
  row.application_id = scope.application_id;
  row.environment = scope.environment;
  row.url = spec->url;
  row.secret = std::move(*sealed);
  row.events = spec->events;
  row.topics = spec->topics;
  row.active = spec->active;
  row.signature_scheme = spec->signature_scheme;
  row.max_concurrency = spec->max_concurrency;
  row.ordering = spec->ordering;
  row.description = spec->description;
  row.created_at = row.updated_at = NowMs();
  RT_TRY(repo_.Insert(row));
  RT_TRY(Changed());
  auto out = EndpointToJson(row);
  out["secret"] = spec->secret;  // echoed once, never returned again
  return out;
}

Result<boost::json::array> WebhookService::List(const Scope& scope) {
  auto rows = repo_.List(scope.application_id, scope.environment);
  if (!rows.ok()) return rows.take_error();
  boost::json::array out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(EndpointToJson(r));
  return out;
}

Result<boost::json::object> WebhookService::Get(const Scope& scope, const std::string& id) {
  auto row = repo_.Get(scope.application_id, scope.environment, id);
  if (!row.ok()) return row.take_error();
  if (!*row) return NotFound(id);
  return EndpointToJson(**row);
}

Result<boost::json::object> WebhookService::SetActive(const Scope& scope, const std::string& id, bool active) {
  auto found = repo_.SetActive(scope.application_id, scope.environment, id, active, NowMs());
  if (!found.ok()) return found.take_error();
  if (!*found) return NotFound(id);
  RT_TRY(Changed());
  return Get(scope, id);
}

Status WebhookService::Delete(const Scope& scope, const std::string& id) {
  auto found = repo_.Delete(scope.application_id, scope.environment, id);
  if (!found.ok()) return found.take_error();
  if (!*found) return NotFound(id);
  return Changed();
}

Result<boost::json::array> WebhookService::Logs(const Scope& scope, const LogFilter& f) {
  if (!f.event.empty() && f.event != "webhook.test" && !IsEventType(f.event))
    return Error::Validation("event: unknown event type \"" + f.event + "\"");
  if (!f.status.empty() && f.status != "delivered" && f.status != "retrying" && f.status != "dead" &&
      f.status != "pending")
    return Error::Validation("status must be delivered, retrying, dead or pending");
  if (f.limit < 1 || f.limit > 1000) return Error::Validation("limit must be between 1 and 1000");
  store::LogQuery q;
  q.application_id = scope.application_id;
  q.environment = scope.environment;
  q.event = f.event;
  q.webhook_id = f.webhook_id;
  q.status = f.status;
  q.before = f.before;
  q.limit = f.limit;
  auto logs = repo_.ListLogs(q);
  if (!logs.ok()) return logs.take_error();
  boost::json::array out;
  out.reserve(logs->size());
  for (const auto& l : *logs) out.push_back(LogToJson(l));
  return out;
}

Result<boost::json::object> WebhookService::GetLog(const Scope& scope, const std::string& id) {
  auto log = repo_.GetLog(scope.application_id, scope.environment, id);
  if (!log.ok()) return log.take_error();
  if (!*log) return Error::NotFound("Delivery log not found: " + id);
  return LogToJson(**log);
}

Result<boost::json::object> WebhookService::RetryLog(const Scope& scope, const std::string& id) {
  auto log = repo_.GetLog(scope.application_id, scope.environment, id);
  if (!log.ok()) return log.take_error();
  if (!*log) return Error::NotFound("Delivery log not found: " + id);
  if ((*log)->status != "dead" || (*log)->job_id.empty())
    return Error::Conflict("Only a dead-lettered delivery can be retried (this one is " + (*log)->status + ")");
  auto dead = queue_.FindDead((*log)->job_id);
  if (!dead.ok()) return dead.take_error();
  if (!*dead) return Error::Conflict("The delivery is no longer dead-lettered (already retried?)");
  boost::json::value payload = (*dead)->payload;
  if (payload.is_object()) payload.as_object()["attemptBase"] = (*log)->attempts;
  RT_TRY(queue_.Retry((*log)->job_id, &payload));
  auto marked = repo_.MarkRequeued(scope.application_id, scope.environment, id, NowMs());
  if (!marked.ok()) return marked.take_error();
  return GetLog(scope, id);
}

Result<boost::json::object> WebhookService::Test(const Scope& scope, const std::string& id) {
  auto row = repo_.Get(scope.application_id, scope.environment, id);
  if (!row.ok()) return row.take_error();
  if (!*row) return NotFound(id);
  auto secret = box_.Open((*row)->secret);
  if (!secret.ok()) return secret.take_error();
  Endpoint ep;
  ep.id = (*row)->id;
  ep.scope = scope;
  ep.url = (*row)->url;
  ep.secret = std::move(*secret);
  ep.signature_scheme = (*row)->signature_scheme;

  events::RealtimeEvent e;
  e.id = NewId("evt");
  e.topic = "webhook.test";
  e.source = events::Source::kSocket;
  e.type = "webhook.test";
  e.payload = boost::json::object{{"webhookId", ep.id}, {"message", "Test delivery from the Realtime Platform"}};
  e.metadata.timestamp = NowMs();
  DeliveryRequest request{NewId("log"), "webhook.test", events::SerializeEvent(e), 1};

  std::promise<HttpResult> promise;
  auto answer = promise.get_future();
  deliverer_.Send(ep, request, [&promise](HttpResult r) { promise.set_value(std::move(r)); });
  HttpResult r = answer.get();  // the client's timeout bounds the wait

  const bool ok = r.status >= 200 && r.status < 300;
  store::DeliveryAttempt a;
  a.delivery_id = request.delivery_id;
  a.webhook_id = ep.id;
  a.application_id = scope.application_id;
  a.environment = scope.environment;
  a.event = "webhook.test";
  a.event_id = e.id;
  a.topic = e.topic;
  a.url = ep.url;
  a.attempt = 1;
  a.status_code = r.status;
  a.duration_ms = r.duration_ms;
  a.error = ok || !r.error.empty() ? r.error : "HTTP " + std::to_string(r.status);
  a.response_body = r.body_prefix;
  a.at = NowMs();
  a.status = ok ? "delivered" : "dead";
  if (Status st = repo_.RecordAttempts({a}); !st.ok())
    log::Warn("webhook test delivery not logged", {{"error", st.error().message}});
  return boost::json::object{{"deliveryId", request.delivery_id},
                             {"success", ok},
                             {"statusCode", r.status == 0 ? boost::json::value(nullptr) : boost::json::value(r.status)},
                             {"durationMs", r.duration_ms},
                             {"error", a.error}};
}

}  // namespace rt::webhooks
