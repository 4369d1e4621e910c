// DeliveryWorker: the consumer of the "webhook-delivery" queue. One loop thread claims jobs in
// batches, signs and posts them through its own HTTP client (many requests in flight, keep-alive
// per endpoint host), and settles the outcomes in batches:
//   2xx                      -> job completed, log "delivered"
//   other status / net error -> retry after min(base·2^(attempt-1) + jitter, max), log "retrying";
//                               on the last attempt (1 + REALTIME_WEBHOOK_MAX_RETRIES) "dead"
//   refused (SSRF, bad URL)  -> dead-lettered at once, log "dead"
// Each attempt adds a row to the delivery log (webhook_deliveries / webhook_attempts).
//
// Limits: at most max_in_flight deliveries per worker, at most the endpoint's maxConcurrency per
// endpoint (further jobs wait in memory, their leases extended when needed); FIFO endpoints'
// jobs are serialized by the queue itself (jobs/queue.h, EnqueueOptions::group).
// Jobs of an endpoint that was deleted or deactivated are completed without a delivery.
//
// Crash safety: a job stays leased (lease = timeout + 5 s) while it is delivered; if this
// process dies the lease expires and another worker (or this one, restarted) delivers it again:
// at least once, never lost. Receivers deduplicate on X-Webhook-Delivery-Id.
// Graceful stop: no new claims; in-flight deliveries get `grace` to finish, then are cancelled
// and released (their attempt is not counted), as are jobs waiting for a slot.
//
// Ownership / lifetime: references the queue and cache (must outlive it); logs are written in the
// queue's completion transaction (store::WebhookRepository::RecordAttemptsIn); owns its
// HTTP client and loop thread. Thread safety: Start/Stop from the owner's thread; Wake and
// stats() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "jobs/queue.h"
#include "store/webhook_repository.h"
#include "webhooks/delivery.h"
#include "webhooks/endpoint_cache.h"
#include "webhooks/fanout.h"

namespace rt::webhooks {

struct DeliveryWorkerOptions {
  std::string worker_id;
  HttpClientOptions http;       // timeout, CA file, SSRF
  int64_t retry_base_ms = 1000;  // REALTIME_WEBHOOK_RETRY_BASE_MS
  int64_t retry_max_ms = 60000;  // REALTIME_WEBHOOK_RETRY_MAX_MS
  size_t max_in_flight = 256;    // REALTIME_WEBHOOK_CONCURRENCY
  int claim_batch = 100;
  std::chrono::milliseconds poll{200};  // REALTIME_WORKER_POLL_MS: idle claim interval
};

struct DeliveryStats {
  std::atomic<uint64_t> success{0};  // attempts answered 2xx
  std::atomic<uint64_t> failed{0};   // failed attempts that will be retried
  std::atomic<uint64_t> dead{0};     // deliveries dead-lettered
  std::atomic<uint64_t> skipped{0};  // jobs of deleted / deactivated endpoints
  std::atomic<int64_t> in_flight{0};
};

class DeliveryWorker {
 public:
  DeliveryWorker(jobs::Queue& queue, EndpointCache& cache, DeliveryWorkerOptions options);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void Start();
  void Wake();  // jobs were enqueued: claim now instead of at the next poll
  void Stop(std::chrono::milliseconds grace);

  const DeliveryStats& stats() const { return stats_; }

 private:
  struct Task {
    jobs::Job job;
    DeliveryJob delivery;
    std::shared_ptr<const Endpoint> endpoint;
  };
  struct Done {
    Task task;
    HttpResult result;
  };

  void Run();
  bool ClaimMore();  // true if a full batch came back (claim again at once)
  void StartOrPark(Task task);
  void Launch(Task task);
  void LaunchParked();
  void Settle(std::vector<Done>& done);
  void ReleaseParked();

  jobs::Queue& queue_;
  EndpointCache& cache_;
  const DeliveryWorkerOptions options_;
  const int64_t lease_ms_;
  Deliverer deliverer_;
  DeliveryStats stats_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Done> done_;  // guarded by mu_
  bool wake_ = false;       // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  std::chrono::steady_clock::time_point stop_deadline_;  // guarded by mu_

  // Loop thread only.
  size_t in_flight_ = 0;
  size_t parked_count_ = 0;
  std::unordered_map<std::string, int> endpoint_in_flight_;
  std::unordered_map<std::string, std::deque<Task>> parked_;
  std::thread thread_;
};

}  // namespace rt::webhooks
