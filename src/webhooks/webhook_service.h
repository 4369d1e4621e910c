// WebhookService: the Webhooks API (spec/23-api-webhooks.md) over the repository, the secret
// box, the endpoint cache and the queue. Answers are JSON in the spec's shapes (docs/webhooks.md):
//   endpoint: {id, url, events, topics, active, applicationId, environment, signatureScheme,
//              maxConcurrency, ordering, description, createdAt, updatedAt}  (never the secret;
//              the create answer alone echoes it once)
//   log:      {id, webhookId, event, url, statusCode, success, attempts, deliveredAt, status,
//              eventId, topic, durationMs, error, responseBody, nextAttemptAt, createdAt,
//              updatedAt, history: [{attempt, statusCode, durationMs, error, responseBody, at}]}
//
// Ownership / lifetime: references its collaborators, which must outlive it; owns the HTTP
// client of the test route. Thread safety: every method may be called from any thread; they
// block on the database (and Test on the receiver, up to the timeout): blocking pool only.
// Failure: ValidationError (400), NotFoundError (404: also another scope's id), ConflictError
// (409: retrying a delivery that is not dead), UnavailableError (database).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.h"
#include "core/scope.h"
#include "jobs/queue.h"
#include "store/webhook_repository.h"
#include "webhooks/delivery.h"
#include "webhooks/endpoint.h"
#include "webhooks/endpoint_cache.h"
#include "webhooks/secret_box.h"

namespace rt::webhooks {

struct LogFilter {
  std::string event;
  std::string webhook_id;
  std::string status;
  int64_t before = 0;
  int limit = 100;
};

class WebhookService {
 public:
  WebhookService(store::WebhookRepository& repo, const SecretBox& box, EndpointCache& cache, jobs::Queue& queue,
                 UrlRules rules, HttpClientOptions http);

  Result<boost::json::object> Create(const Scope& scope, const boost::json::value& body);
  Result<boost::json::array> List(const Scope& scope);
  Result<boost::json::object> Get(const Scope& scope, const std::string& id);
  Result<boost::json::object> SetActive(const Scope& scope, const std::string& id, bool active);
  Status Delete(const Scope& scope, const std::string& id);
  Result<boost::json::array> Logs(const Scope& scope, const LogFilter& filter);
  Result<boost::json::object> GetLog(const Scope& scope, const std::string& id);
  // Re-queues a dead-lettered delivery with a fresh set of attempts.
  Result<boost::json::object> RetryLog(const Scope& scope, const std::string& id);
  // Sends a signed ping ({topic:"webhook.test", type:"webhook.test"}) now, waits for the answer,
  // logs it like a delivery and returns {deliveryId, success, statusCode, durationMs, error}.
  Result<boost::json::object> Test(const Scope& scope, const std::string& id);

  const UrlRules& rules() const { return rules_; }

 private:
  Status Changed();  // reload the cache after a change made here

  store::WebhookRepository& repo_;
  const SecretBox& box_;
  EndpointCache& cache_;
  jobs::Queue& queue_;
  const UrlRules rules_;
  Deliverer deliverer_;  // the test route's client
};

boost::json::object EndpointToJson(const store::WebhookEndpointRow& row);
boost::json::object LogToJson(const store::DeliveryLog& log);

}  // namespace rt::webhooks
