#include "app/alerts_module.h"

#include "api/alerts_api.h"
#include "core/log.h"

namespace rt::app {

AlertsModule::AlertsModule(const Config& config, Platform& platform, std::string instance_id,
                           std::function<boost::json::object()> dashboard)
    : repo_(*platform.db),
      leases_(*platform.db),
      queue_(*platform.db),
      service_(repo_, platform.apps),
      notifier_(queue_, repo_, 1 + config.webhook_max_retries),
      evaluator_(
          repo_, leases_, std::move(dashboard), &notifier_,
          monitor::AlertEvaluatorOptions{std::move(instance_id), std::chrono::milliseconds(config.alerts_tick_ms)}) {}

void AlertsModule::Attach(net::Router& router) { api::RegisterAlertRoutes(router, service_); }

void AlertsModule::Start() {
  if (Status st = service_.EnsureBuiltins(); !st.ok())
    log::Warn("built-in alert rules not created yet (the evaluator retries when it takes over)",
              {{"error", st.error().message}});
  evaluator_.Start();
}

void AlertsModule::Stop() { evaluator_.Stop(); }

}  // namespace rt::app
