// WorkersModule: the background work of an instance, shared by `serve` and `worker`: the durable
// job queue, the webhook endpoints (cache, API service), the fan-out from the event router and
// the queue consumers (the webhook delivery worker; the CDC readers and outbox run beside it in
// app/cdc_module.h),
// plus housekeeping on one thread: endpoint cache refresh (2 s), heartbeat in the `workers` table
// (5 s, listed by GET /api/workers), queue gauges (5 s) and delivery-log retention (hourly).
//
// `serve` runs the consumers unless REALTIME_WORKERS=off; `worker` always does, without HTTP.
//
// Ownership / lifetime: references the Platform (must outlive it). Create, then Start; Stop
// before the platform and the event router are destroyed. The fan-out must be hooked to the
// router (AttachTo) before the router publishes. Thread safety: Start/Stop from the owner's
// thread; the accessors from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/platform.h"
#include "core/config.h"
#include "events/router.h"
#include "gateway/client_ops.h"
#include "jobs/db_queue.h"
#include "store/webhook_repository.h"
#include "store/worker_repository.h"
#include "webhooks/delivery_worker.h"
#include "webhooks/endpoint_cache.h"
#include "webhooks/fanout.h"
#include "webhooks/secret_box.h"
#include "webhooks/webhook_service.h"

namespace rt::app {

// The platform's secret box (webhook secrets, TOTP secrets): REALTIME_SECRET_KEY, else the key
// file <data dir>/secret.key (created on first use).
Result<webhooks::SecretBox> OpenSecretBox(const Config& config);

struct QueueGauge {
  std::string queue;
  jobs::QueueStats stats;
};

class WorkersModule {
 public:
  // kind: "serve" or "worker".
  static Result<std::unique_ptr<WorkersModule>> Create(const Config& config, Platform& platform,
                                                       std::string instance_id, std::string kind);
  ~WorkersModule();

  // Hooks the fan-out to the router's events (AttachRouter) and, in `serve`, to the gateways'
  // connection events too (AttachTo).
  void AttachRouter(events::EventRouter& router);
  void AttachTo(events::EventRouter& router, gateway::GatewayDeps& deps);
  Status Start();
  void Stop(std::chrono::milliseconds grace);

  webhooks::WebhookService& webhooks() { return *service_; }
  webhooks::Fanout& fanout() { return fanout_; }
  // Deployments (deploy/deployment_service.h): seals the secrets of endpoints they create, and
  // reloads the endpoint cache after they changed endpoints (app/config_reload.h).
  const webhooks::SecretBox& secret_box() const { return box_; }
  Status RefreshEndpoints() { return cache_.Refresh(); }  // the debugger's `webhook` replay enqueues through it
  // The REST durability barrier (api::Dispatcher::SetAfterHandler): waits until the webhook
  // deliveries this thread's request caused are stored (up to 5 s; logged when the wait fails).
  void AwaitEnqueued();
  store::WorkerRepository& worker_repo() { return worker_repo_; }
  bool consuming() const { return worker_ != nullptr; }

  // Metrics (app/metrics_text.cpp).
  std::vector<QueueGauge> queue_gauges() const;
  const webhooks::FanoutStats& fanout_stats() const { return fanout_.stats(); }
  const webhooks::DeliveryStats* delivery_stats() const { return worker_ ? &worker_->stats() : nullptr; }

 private:
  WorkersModule(const Config& config, Platform& platform, std::string instance_id, std::string kind,
                webhooks::SecretBox box);
  void Housekeeping();
  void Beat(bool stopped);
  void SampleQueues();

  const Config& config_;
  const std::string instance_id_;
  const std::string kind_;
  const int64_t started_at_;
  jobs::DbQueue queue_;
  store::WebhookRepository webhook_repo_;
  store::WorkerRepository worker_repo_;
  webhooks::SecretBox box_;
  webhooks::EndpointCache cache_;
  webhooks::Fanout fanout_;
  std::unique_ptr<webhooks::DeliveryWorker> worker_;
  std::unique_ptr<webhooks::WebhookService> service_;

  // False once destruction began; shared with the hooks given to the router and the gateways.
  std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;           // guarded by mu_
  std::vector<QueueGauge> gauges_;  // guarded by mu_
  std::thread housekeeping_;
};

}  // namespace rt::app
