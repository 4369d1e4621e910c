// AlertsModule: the alerts of an instance (docs/monitoring.md "Alerts"): the rules and history
// repository, the API service and routes (/api/alerts), and the alert evaluator, which runs on
// the one instance of the cluster holding the "alert-evaluator" lease and notifies rules'
// webhooks through the durable webhook-delivery queue.
//
// Ownership / lifetime: references the Platform (must outlive it); `dashboard` must stay callable
// until Stop. Register the routes before the server starts; Start after the dashboard started,
// Stop before it stops. Thread safety: Attach/Start/Stop from the owner's thread.
// Failure: none at construction; Start logs (and the evaluator retries each tick) while the
// database is unavailable.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>

#include "app/platform.h"
#include "core/config.h"
#include "jobs/db_queue.h"
#include "monitor/alert_evaluator.h"
#include "monitor/alert_notifier.h"
#include "monitor/alert_service.h"
#include "net/router.h"
#include "store/alert_repository.h"
#include "store/lease_repository.h"

namespace rt::app {

class AlertsModule {
 public:
  AlertsModule(const Config& config, Platform& platform, std::string instance_id,
               std::function<boost::json::object()> dashboard);

  void Attach(net::Router& router);
  // Inserts the missing built-in rules, then starts the evaluator.
  void Start();
  // Stops the evaluator and releases its lease (another instance takes over at its next tick).
  void Stop();

 private:
  store::AlertRepository repo_;
  store::LeaseRepository leases_;
  jobs::DbQueue queue_;
  monitor::AlertService service_;
  monitor::AlertNotifier notifier_;
  monitor::AlertEvaluator evaluator_;
};

}  // namespace rt::app
