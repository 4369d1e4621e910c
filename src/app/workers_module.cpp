#include "app/workers_module.h"

#include <unistd.h>

#include <climits>

#include "core/ids.h"
#include "core/log.h"

namespace rt::app {
namespace {

constexpr auto kCacheRefresh = std::chrono::seconds(2);
constexpr auto kBeatEvery = std::chrono::seconds(5);
constexpr auto kPruneEvery = std::chrono::hours(1);
constexpr int64_t kForgetWorkersAfterMs = 24LL * 3600 * 1000;

std::string HostName() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}


}  // namespace

Result<webhooks::SecretBox> OpenSecretBox(const Config& config) {
  if (!config.secret_key.empty()) return webhooks::SecretBox::FromKeyMaterial(config.secret_key);
  if (config.uses_postgres() && !config.development())
    log::Warn("REALTIME_SECRET_KEY is not set: webhook secrets and TOTP secrets are encrypted with a key file in the data directory; "
              "every instance sharing this database needs the same key (set REALTIME_SECRET_KEY on all of them)",
              {{"dataDir", config.data_dir}});
  return webhooks::SecretBox::LoadOrCreateKeyFile(config.data_dir + "/secret.key");
}

Result<std::unique_ptr<WorkersModule>> WorkersModule::Create(const Config& config, Platform& platform,
                                                             std::string instance_id, std::string kind) {
  auto box = OpenSecretBox(config);
  if (!box.ok()) return Error::Validation("webhook secret key: " + box.error().message);
  return std::unique_ptr<WorkersModule>(
      new WorkersModule(config, platform, std::move(instance_id), std::move(kind), std::move(*box)));
}

WorkersModule::WorkersModule(const Config& config, Platform& platform, std::string instance_id, std::string kind,
                             webhooks::SecretBox box)
    : config_(config),
      instance_id_(std::move(instance_id)),
      kind_(std::move(kind)),
      started_at_(NowMs()),
      queue_(*platform.db),
      webhook_repo_(*platform.db),
      worker_repo_(*platform.db),
      box_(std::move(box)),
      cache_(webhook_repo_, box_),
      fanout_(queue_, cache_, webhooks::FanoutOptions{100000, 1 + config.webhook_max_retries, 500}) {
  webhooks::HttpClientOptions http;
  http.ca_file = config.webhook_ca_file;
  http.allow_private = config.webhook_allow_private;
  http.timeout = std::chrono::milliseconds(config.webhook_timeout_ms);
  http.max_idle_per_host = 100;  // the largest maxConcurrency: no connection churn at full concurrency
  service_ = std::make_unique<webhooks::WebhookService>(
      webhook_repo_, box_, cache_, queue_,
      webhooks::UrlRules{config.webhook_allow_http, config.webhook_allow_private}, http);
  if (kind_ == "worker" || config.workers) {
    webhooks::DeliveryWorkerOptions o;
    o.worker_id = instance_id_;
    o.http = http;
    o.retry_base_ms = config.webhook_retry_base_ms;
    o.retry_max_ms = config.webhook_retry_max_ms;
    o.max_in_flight = static_cast<size_t>(config.webhook_concurrency);
    o.poll = std::chrono::milliseconds(config.worker_poll_ms);
    worker_ = std::make_unique<webhooks::DeliveryWorker>(queue_, cache_, std::move(o));
  }
}

WorkersModule::~WorkersModule() {
  alive_->store(false, std::memory_order_release);
  Stop(std::chrono::milliseconds(0));
}

void WorkersModule::AttachRouter(events::EventRouter& router) {
  // The router and the gateways outlive this module (connections closed during the realtime
  // core's destruction still report their disconnect): the hooks check `alive_` first.
  router.AddObserver([this, alive = alive_](const events::RoutedEvent& e, bool remote) {
    if (alive->load(std::memory_order_acquire)) fanout_.OnEvent(e, remote);
  });
}

void WorkersModule::AttachTo(events::EventRouter& router, gateway::GatewayDeps& deps) {
  AttachRouter(router);
  deps.connection_observer = [this, alive = alive_](const Scope& scope, const std::string& socket_id,
                                                    const std::string& subject, bool connected) {
    if (alive->load(std::memory_order_acquire)) fanout_.OnConnection(scope, socket_id, subject, connected);
  };
}

Status WorkersModule::Start() {
  if (Status st = cache_.Refresh(); !st.ok())
    log::Warn("webhook endpoints not loaded yet (retried every 2 s)", {{"error", st.error().message}});
  fanout_.Start([this] {
    if (worker_) worker_->Wake();
  });
  if (worker_) worker_->Start();
  Beat(false);
  housekeeping_ = std::thread([this] { Housekeeping(); });
  log::Info("workers started", {{"instance", instance_id_},
                                {"kind", kind_},
                                {"queues", worker_ ? std::string(jobs::kWebhookDeliveryQueue) : std::string()}});
  return Ok();
}

void WorkersModule::Stop(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (housekeeping_.joinable()) housekeeping_.join();
  fanout_.Stop();  // enqueue what is buffered
  if (worker_) worker_->Stop(grace);
  if (started_at_ > 0) Beat(true);
}

void WorkersModule::AwaitEnqueued() {
  if (!fanout_.AwaitThisThread(std::chrono::seconds(5)))
    log::Warn("webhook deliveries of an acknowledged request are not stored yet (database slow or down); they "
              "stay buffered and are retried");
}

void WorkersModule::Beat(bool stopped) {
  if (stopped) {
    (void)worker_repo_.MarkStopped(instance_id_, NowMs());
    return;
  }
  store::WorkerRow row;
  row.id = instance_id_;
  row.kind = kind_;
  row.host = HostName();
  row.pid = static_cast<int64_t>(getpid());
  row.version = REALTIME_VERSION;
  if (worker_) row.queues = {std::string(jobs::kWebhookDeliveryQueue)};
  row.started_at = started_at_;
  row.last_beat = NowMs();
  if (Status st = worker_repo_.Beat(row); !st.ok())
    log::Debug("worker heartbeat not written", {{"error", st.error().message}});
}

void WorkersModule::SampleQueues() {
  std::vector<QueueGauge> gauges;
  for (std::string_view q : {jobs::kWebhookDeliveryQueue, jobs::kAlertsQueue, jobs::kAnalyticsEventsQueue}) {
    auto s = queue_.Stats(q);
    if (!s.ok()) return;
    gauges.push_back({std::string(q), *s});
  }
  std::lock_guard lock(mu_);
  gauges_ = std::move(gauges);
}

std::vector<QueueGauge> WorkersModule::queue_gauges() const {
  std::lock_guard lock(mu_);
  return gauges_;
}

void WorkersModule::Housekeeping() {
  using Clock = std::chrono::steady_clock;
  auto next_beat = Clock::now() + kBeatEvery;
  auto next_prune = Clock::now();
  SampleQueues();
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, kCacheRefresh, [this] { return stopping_; })) return;
    }
    (void)cache_.RefreshIfChanged();
    if (Clock::now() >= next_beat) {
      next_beat = Clock::now() + kBeatEvery;
      Beat(false);
      SampleQueues();
    }
    if (Clock::now() >= next_prune) {
      next_prune = Clock::now() + kPruneEvery;
      const int64_t now = NowMs();
      auto pruned = webhook_repo_.PruneLogs(now - int64_t{config_.webhook_log_retention_days} * 86400 * 1000);
      if (pruned.ok() && *pruned > 0) log::Info("webhook delivery logs pruned", {{"rows", *pruned}});
      (void)worker_repo_.Prune(now - kForgetWorkersAfterMs);
    }
  }
}

}  // namespace rt::app
