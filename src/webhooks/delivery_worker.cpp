#include "webhooks/delivery_worker.h"

#include <random>

#include "core/ids.h"
#include "core/json.h"
#include "core/log.h"

namespace rt::webhooks {
namespace {

constexpr const char* kStopped = "client stopped";
constexpr size_t kSettleBatch = 64;
constexpr auto kSettleWait = std::chrono::milliseconds(2);
constexpr size_t kMinClaim = 16;  // with deliveries in flight, claim only when this many slots are free

int64_t Jitter(int64_t base_ms) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  if (base_ms <= 0) return 0;
  return std::uniform_int_distribution<int64_t>(0, base_ms - 1)(rng);
}

bool Success(int status) { return status >= 200 && status < 300; }

}  // namespace

DeliveryWorker::DeliveryWorker(jobs::Queue& queue, EndpointCache& cache, DeliveryWorkerOptions options)
    : queue_(queue),
      cache_(cache),
      options_(std::move(options)),
      lease_ms_(options_.http.timeout.count() + 5000),
      deliverer_(options_.http) {}

DeliveryWorker::~DeliveryWorker() { Stop(std::chrono::milliseconds(0)); }

void DeliveryWorker::Start() { thread_ = std::thread([this] { Run(); }); }

void DeliveryWorker::Wake() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_one();
}

void DeliveryWorker::Stop(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      stop_deadline_ = std::chrono::steady_clock::now() + grace;
    }
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  deliverer_.client().Stop();
}

void DeliveryWorker::Run() {
  std::vector<Done> done;
  bool cancelled = false;
  for (;;) {
    bool stopping = false;
    bool past_deadline = false;
    {
      std::unique_lock lock(mu_);
      // Group commit: a few more answers are on their way — wait up to 2 ms for them, so that a
      // settle (one database commit) covers many deliveries instead of one or two.
      if (!done_.empty() && done_.size() < kSettleBatch && in_flight_ > done_.size() && !stopping_)
        cv_.wait_for(lock, kSettleWait, [this] { return done_.size() >= kSettleBatch || stopping_; });
      done.swap(done_);
      stopping = stopping_;
      past_deadline = stopping_ && std::chrono::steady_clock::now() >= stop_deadline_;
      wake_ = false;
    }
    if (!done.empty()) {
      Settle(done);
      done.clear();
    }
    if (stopping) {
      ReleaseParked();
      if (in_flight_ == 0) return;
      if (past_deadline && !cancelled) {
        cancelled = true;  // the callbacks report "client stopped": released in Settle
        deliverer_.client().Stop();
      }
    } else {
      LaunchParked();
      if (ClaimMore()) continue;
    }
    std::unique_lock lock(mu_);
    auto wait = stopping ? std::chrono::milliseconds(20) : options_.poll;
    cv_.wait_for(lock, wait, [this] { return wake_ || !done_.empty() || (stopping_ && in_flight_ == 0); });
  }
}

bool DeliveryWorker::ClaimMore() {
  size_t busy = in_flight_ + parked_count_;
  if (busy >= options_.max_in_flight) return false;
  if (busy > 0 && options_.max_in_flight - busy < std::min(kMinClaim, options_.max_in_flight)) return false;
  int want = static_cast<int>(std::min<size_t>(options_.max_in_flight - busy, static_cast<size_t>(options_.claim_batch)));
  auto jobs = queue_.Claim(jobs::kWebhookDeliveryQueue, options_.worker_id, lease_ms_, want);
  if (!jobs.ok()) {
    log::Warn("webhook worker cannot claim jobs", {{"error", jobs.error().message}});
    return false;
  }
  bool refreshed = false;
  std::vector<std::pair<std::string, std::string>> skipped;
  for (auto& job : *jobs) {
    auto delivery = DeliveryJobFromJson(job.payload);
    if (!delivery.ok()) {
      (void)queue_.Bury(job.id, job.lease_token, delivery.error().message);
      continue;
    }
    auto endpoint = cache_.Find(delivery->webhook_id);
    if (!endpoint && !refreshed) {  // created on another instance moments ago?
      refreshed = true;
      (void)cache_.RefreshIfChanged();
      endpoint = cache_.Find(delivery->webhook_id);
    }
    if (!endpoint) {  // deleted or deactivated: nothing to deliver
      skipped.emplace_back(job.id, job.lease_token);
      ++stats_.skipped;
      continue;
    }
    StartOrPark(Task{std::move(job), std::move(*delivery), std::move(endpoint)});
  }
  if (!skipped.empty()) (void)queue_.CompleteBatch(skipped);
  return static_cast<int>(jobs->size()) == want;
}

void DeliveryWorker::StartOrPark(Task task) {
  const std::string& id = task.endpoint->id;
  if (endpoint_in_flight_[id] < task.endpoint->max_concurrency) {
    Launch(std::move(task));
    return;
  }
  parked_[id].push_back(std::move(task));
  ++parked_count_;
}

void DeliveryWorker::Launch(Task task) {
  ++in_flight_;
  ++stats_.in_flight;
  ++endpoint_in_flight_[task.endpoint->id];
  DeliveryRequest request{task.delivery.delivery_id, task.delivery.event, task.delivery.body,
                          task.delivery.attempt_base + task.job.attempt};
  auto endpoint = task.endpoint;
  deliverer_.Send(*endpoint, request, [this, task = std::move(task)](HttpResult result) mutable {
    {
      std::lock_guard lock(mu_);
      done_.push_back(Done{std::move(task), std::move(result)});
    }
    cv_.notify_one();
  });
}

void DeliveryWorker::LaunchParked() {
  if (parked_count_ == 0) return;
  const int64_t now = NowMs();
  for (auto it = parked_.begin(); it != parked_.end();) {
    auto& queue = it->second;
    while (!queue.empty() && endpoint_in_flight_[it->first] < queue.front().endpoint->max_concurrency) {
      Task task = std::move(queue.front());
      queue.pop_front();
      --parked_count_;
      // Waited long for a slot: make sure the lease covers the delivery.
      if (task.job.lease_expires_at - now < options_.http.timeout.count() + 1000) {
        if (!queue_.ExtendLease(task.job.id, task.job.lease_token, lease_ms_).ok()) continue;  // lease lost
        task.job.lease_expires_at = now + lease_ms_;
      }
      Launch(std::move(task));
    }
    it = queue.empty() ? parked_.erase(it) : std::next(it);
  }
}

void DeliveryWorker::ReleaseParked() {
  for (auto& [id, queue] : parked_)
    for (auto& task : queue) (void)queue_.Release(task.job.id, task.job.lease_token);
  parked_.clear();
  parked_count_ = 0;
}

void DeliveryWorker::Settle(std::vector<Done>& done) {
  const int64_t now = NowMs();
  std::vector<std::pair<std::string, std::string>> completed;
  std::vector<store::DeliveryAttempt> records;
  records.reserve(done.size());
  for (auto& d : done) {
    Task& t = d.task;
    const HttpResult& r = d.result;
    --in_flight_;
    --stats_.in_flight;
    if (--endpoint_in_flight_[t.endpoint->id] <= 0) endpoint_in_flight_.erase(t.endpoint->id);
    if (r.status == 0 && r.error == kStopped) {  // shutting down: give the job back untouched
      (void)queue_.Release(t.job.id, t.job.lease_token);
      continue;
    }
    store::DeliveryAttempt a;
    a.delivery_id = t.delivery.delivery_id;
    a.webhook_id = t.delivery.webhook_id;
    a.application_id = t.delivery.scope.application_id;
    a.environment = t.delivery.scope.environment;
    a.event = t.delivery.event;
    a.event_id = t.delivery.event_id;
    a.topic = t.delivery.topic;
    a.url = t.endpoint->url;
    a.job_id = t.job.id;
    a.attempt = t.delivery.attempt_base + t.job.attempt;  // continues after a manual retry
    a.status_code = r.status;
    a.duration_ms = r.duration_ms;
    a.error = r.error;
    a.response_body = r.body_prefix;
    a.at = now;
    if (Success(r.status)) {
      completed.emplace_back(t.job.id, t.job.lease_token);
      a.status = "delivered";
      ++stats_.success;
      records.push_back(std::move(a));
      continue;
    }
    std::string reason = r.error.empty() ? "HTTP " + std::to_string(r.status) : r.error;
    if (a.error.empty()) a.error = reason;
    if (r.permanent) {
      Status st = queue_.Bury(t.job.id, t.job.lease_token, reason);
      if (!st.ok()) log::Warn("webhook job not dead-lettered", {{"jobId", t.job.id}, {"error", st.error().message}});
      a.status = "dead";
      ++stats_.dead;
    } else {
      const bool last = t.job.attempt >= t.job.max_attempts;
      int64_t delay = last ? 0 : jobs::BackoffDelayMs(t.job.attempt, Jitter(options_.retry_base_ms),
                                                      options_.retry_base_ms, options_.retry_max_ms);
      auto out = queue_.Fail(t.job.id, t.job.lease_token, reason, delay);
      if (!out.ok()) log::Warn("webhook job outcome not recorded", {{"jobId", t.job.id}, {"error", out.error().message}});
      if (last || (out.ok() && out->dead)) {
        a.status = "dead";
        ++stats_.dead;
      } else {
        a.status = "retrying";
        a.next_attempt_at = out.ok() ? out->run_at : now + delay;
        ++stats_.failed;
      }
    }
    records.push_back(std::move(a));
  }
  if (completed.empty() && records.empty()) return;
  // One commit per settled batch: the completed jobs and every attempt's log row together.
  auto n = queue_.CompleteBatchWith(completed, [&records](store::DbSession& s) {
    return store::WebhookRepository::RecordAttemptsIn(s, records);
  });
  if (!n.ok())
    log::Warn("webhook outcomes not stored (the completed jobs will be delivered again)", {{"error", n.error().message}});
}

}  // namespace rt::webhooks
