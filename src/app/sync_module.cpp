#include "app/sync_module.h"

#include <algorithm>

#include "core/ids.h"
#include "core/log.h"
#include "sync/hybrid_document_store.h"

namespace rt::app {
namespace {

}  // namespace

SyncModule::SyncModule(const Config& config, Platform& platform, events::EventRouter& router)
    : config_(config) {
  if (!config.redis_url.empty()) {
    broker::RedisPoolOptions options;
    options.url = config.redis_url;
    options.max_connections = static_cast<size_t>(std::max(4, config.db_pool_max)) + 2;
    auto pool = broker::RedisPool::Create(options);
    if (pool.ok()) {
      redis_ = std::move(*pool);
      sync::HybridOptions hybrid;
      hybrid.ttl_seconds = config.sync_doc_ttl_seconds;
      hybrid.write_through = config.sync_write_through;
      hybrid.flush_delay = std::chrono::milliseconds(config.sync_flush_delay_ms);
      store_ = std::make_unique<sync::HybridDocumentStore>(*redis_, platform.document_repo, hybrid);
    } else {
      init_ = pool.take_error();
    }
  }
  if (!store_) store_ = std::make_unique<sync::DbDocumentStore>(platform.document_repo);
  sync::DocumentLimits limits{static_cast<size_t>(config.sync_max_doc_bytes),
                              static_cast<size_t>(config.sync_max_depth)};
  documents_ = std::make_unique<sync::DocumentService>(
      *store_,
      [&services = platform.services](const std::string& app, const std::string& service) {
        return services.CheckUse(app, service);
      },
      [&router](const Scope& scope, events::RawEventInput in) { return router.Publish(scope, std::move(in)); },
      limits);
}

SyncModule::~SyncModule() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
}

Status SyncModule::Start() {
  if (!init_.ok()) return init_;
  if (auto* hybrid = dynamic_cast<sync::HybridDocumentStore*>(store_.get())) hybrid->Start();
  maintenance_ = std::thread([this] { MaintenanceLoop(); });
  log::Info("sync documents", {{"store", store_->Name()},
                               {"writeMode", redis_ ? (config_.sync_write_through ? "write-through" : "write-back")
                                                    : "durable"}});
  return Ok();
}

void SyncModule::Shutdown(std::chrono::milliseconds budget) {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
  auto* hybrid = dynamic_cast<sync::HybridDocumentStore*>(store_.get());
  uint64_t before = hybrid ? hybrid->flushed() : 0;
  if (Status st = store_->Flush(budget); !st.ok()) {
    log::Error("sync documents: final flush incomplete", {{"error", st.error().message}});
  } else if (hybrid) {
    log::Info("sync documents flushed", {{"documents", hybrid->flushed() - before}});
  }
}

void SyncModule::MaintenanceLoop() {
  std::string last_error;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      auto interval = std::chrono::milliseconds(config_.sync_sweep_interval_ms);
      if (cv_.wait_for(lock, interval, [&] { return stopping_; })) return;
    }
    Status st = store_->Maintain(NowMs());
    std::string error = st.ok() ? "" : st.error().message;
    if (error != last_error && !error.empty()) log::Warn("sync maintenance failed", {{"error", error}});
    if (error != last_error && error.empty()) log::Info("sync maintenance recovered");
    last_error = std::move(error);
  }
}

}  // namespace rt::app
