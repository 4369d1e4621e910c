// SyncModule: the sync documents wired for `serve` — the document store (the platform database;
// with REDIS_URL, Redis + database: sync/hybrid_document_store.h), the DocumentService that
// publishes through the EventRouter, and a maintenance thread that calls the store's Maintain
// every 5 s (the dirty sweep and the purge of expired documents).
//
// Lifetime: build after the RealtimeCore (it publishes through core.router) and before the
// routes are registered; Start() before the HTTP server starts; Shutdown() after the server and
// the blocking pool have stopped (no write in flight) and before the core stops: it stops the
// maintenance thread and makes every acknowledged write durable (the final flush), bounded by
// the budget. The Platform and router must outlive the module.
// Thread safety: `documents` is thread-safe; Start/Shutdown run on the owner's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "app/platform.h"
#include "broker/redis_pool.h"
#include "core/config.h"
#include "events/router.h"
#include "sync/document_service.h"
#include "sync/document_store.h"

namespace rt::app {

class SyncModule {
 public:
  SyncModule(const Config& config, Platform& platform, events::EventRouter& router);
  ~SyncModule();

  // kValidation for a REDIS_URL the document cache cannot use (rediss://).
  Status Start();
  void Shutdown(std::chrono::milliseconds budget);

  sync::DocumentService& documents() { return *documents_; }

 private:
  void MaintenanceLoop();

  const Config& config_;
  std::unique_ptr<broker::RedisPool> redis_;
  std::unique_ptr<sync::DocumentStore> store_;
  std::unique_ptr<sync::DocumentService> documents_;
  Status init_;  // why the configured store cannot be used (reported by Start)

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread maintenance_;
};

}  // namespace rt::app
