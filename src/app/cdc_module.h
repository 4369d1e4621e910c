// CdcModule: runs the CDC readers of `serve` (docs/cdc.md). Every 2 s (and at once after a
// mapping or subscription change made here) it loads the captured mappings of every scope
// (store::CdcRepository::CapturedMappings), resolves each scope's target database — the
// application's `config.cdc.<environment>` URL, or CDC_DATABASE_URL for the default application —
// groups the mappings by target and keeps exactly one cdc::CdcReader per target URL, starting,
// updating and stopping readers as that set changes, without a restart. Without any target
// nothing runs (and nothing else is affected).
//
// Every configured target also gets an outbox worker (cdc/outbox.h) routing its `event_outbox`
// rows into the scopes that use the target.
//
// Readers publish through the EventRouter (so the schema gate, webhooks and metrics apply) and
// record every outcome in cdc_events (the subscription logs) before the LSN is confirmed.
//
// Ownership / lifetime: references the platform, repository and router (must outlive it); owns
// the readers and its refresh thread. Thread safety: Start/Stop on the owner's thread; Refresh,
// Status and Metrics from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <boost/json/array.hpp>

#include "app/platform.h"
#include "cdc/outbox.h"
#include "cdc/reader.h"
#include "core/config.h"
#include "events/router.h"
#include "store/cdc_repository.h"

namespace rt::app {

class CdcModule final : public cdc::ReaderSink {
 public:
  CdcModule(const Config& config, Platform& platform, store::CdcRepository& repo, events::EventRouter& router);
  ~CdcModule() override;

  // Runs on a reader's or outbox worker's thread after it published a transaction's events and
  // before it records / commits them: the webhooks' durability barrier (the deliveries those
  // events caused are stored before PostgreSQL is told the transaction is handled). Set before Start.
  void SetPublishBarrier(std::function<void()> barrier) { barrier_ = std::move(barrier); }
  void Start();
  void Stop();
  // Reload mappings and targets now (after a change made through the API).
  void Refresh();

  // GET /api/database/status: one entry per reader.
  boost::json::array Status() const;
  // Sums and maxima over the readers and outbox workers (the dashboard tick).
  struct Totals {
    double max_lag_seconds = 0, max_outbox_lag_seconds = 0;
    uint64_t captured = 0, routed = 0, failed = 0;
  };
  Totals Sum() const;
  // Prometheus lines (realtime_cdc_lag_seconds{target}, realtime_cdc_events_total{target,outcome}).
  std::string Metrics() const;

  // cdc::ReaderSink
  rt::Status Publish(const Scope& scope, events::RawEventInput input) override;
  rt::Status Record(const std::string& target_key, uint64_t commit_lsn, std::vector<cdc::CdcOutcome> outcomes,
                    bool complete) override;
  Result<uint64_t> RoutedPosition(const std::string& target_key) override;
  void AfterPublish() override {
    if (barrier_) barrier_();
  }

 private:
  void Run();
  void Sync();  // one refresh: compute targets, start/update/stop readers and outbox workers
  std::map<std::string, std::vector<Scope>> ConfiguredTargets();

  const Config& config_;
  Platform& platform_;
  store::CdcRepository& repo_;
  events::EventRouter& router_;
  std::function<void()> barrier_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  bool refresh_ = false;   // guarded by mu_
  std::string fingerprint_;  // run thread only: mappings + subscriptions + targets at the last Sync
  std::map<std::string, std::unique_ptr<cdc::CdcReader>> readers_;  // by target URL; guarded by mu_
  std::map<std::string, std::unique_ptr<cdc::OutboxWorker>> outboxes_;  // by target URL; guarded by mu_
  // Scopes with captured mappings but no target database (Status: "No CDC database configured").
  std::vector<std::pair<Scope, std::vector<std::string>>> untargeted_;  // (scope, mapping ids); guarded by mu_
  std::thread thread_;
};

}  // namespace rt::app
