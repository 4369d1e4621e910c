// AlertNotifier: tells a rule's webhook endpoint (webhookId) that its alert fired or resolved, by
// enqueueing one delivery on the durable "webhook-delivery" queue (webhooks/fanout.h DeliveryJob):
// the delivery worker then signs, sends, retries and logs it like any webhook delivery (event
// type `alert.firing` / `alert.resolved`; the endpoint's `events` filter does not apply: the rule
// asked for it). Body, in the RealtimeEvent shape:
//   {"id":"evt_…","topic":"alert.firing","source":"system","type":"alert.firing",
//    "payload":<the alert, AlertToJson>,"metadata":{"timestamp":<ms>}}
//
// Ownership / lifetime: references the queue and the repository (must outlive it).
// Thread safety: Notify may be called from any thread; it blocks on the database.
// Failure: the enqueue's error (the evaluator logs it; the notification is not retried), or
// NotFoundError when the endpoint no longer exists.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "jobs/queue.h"
#include "store/alert_repository.h"

namespace rt::monitor {

inline constexpr std::string_view kAlertFiringEvent = "alert.firing";
inline constexpr std::string_view kAlertResolvedEvent = "alert.resolved";

class AlertNotifier {
 public:
  AlertNotifier(jobs::Queue& queue, store::AlertRepository& repo, int max_attempts)
      : queue_(queue), repo_(repo), max_attempts_(max_attempts) {}

  // Enqueues the delivery of `event` for `alert` to rule.webhook_id (nothing when it is empty).
  Status Notify(const store::AlertRuleRow& rule, const store::AlertRow& alert, std::string_view event);

  // The delivery body (exposed for tests).
  static std::string Body(const store::AlertRow& alert, std::string_view event, const std::string& event_id,
                          int64_t now);

 private:
  jobs::Queue& queue_;
  store::AlertRepository& repo_;
  const int max_attempts_;
};

}  // namespace rt::monitor
