#include "monitor/alert_notifier.h"

#include "core/ids.h"
#include "core/json.h"
#include "monitor/alert_rule.h"
#include "webhooks/fanout.h"

namespace rt::monitor {

std::string AlertNotifier::Body(const store::AlertRow& alert, std::string_view event, const std::string& event_id,
                                int64_t now) {
  return json::Serialize(boost::json::object{{"id", event_id},
                                             {"topic", event},
                                             {"source", "system"},
                                             {"type", event},
                                             {"payload", AlertToJson(alert)},
                                             {"metadata", boost::json::object{{"timestamp", now}}}});
}

Status AlertNotifier::Notify(const store::AlertRuleRow& rule, const store::AlertRow& alert, std::string_view event) {
  if (rule.webhook_id.empty()) return Ok();
  auto scope = repo_.WebhookScope(rule.webhook_id);
  if (!scope.ok()) return scope.take_error();
  if (!*scope) return Error::NotFound("webhook endpoint " + rule.webhook_id + " no longer exists");
  webhooks::DeliveryJob job;
  job.webhook_id = rule.webhook_id;
  job.delivery_id = NewId("log");
  job.event = std::string(event);
  job.event_id = NewId("evt");
  job.topic = std::string(event);
  job.scope = **scope;
  job.body = Body(alert, event, job.event_id, NowMs());
  jobs::EnqueueOptions options;
  options.max_attempts = max_attempts_;
  auto id = queue_.Enqueue(jobs::kWebhookDeliveryQueue, webhooks::DeliveryJobToJson(job), options);
  if (!id.ok()) return id.take_error();
  return Ok();
}

}  // namespace rt::monitor
