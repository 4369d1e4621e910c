// OutboxWorker: the transactional outbox of one target database (docs/cdc.md, "Outbox").
// The application inserts a row into `event_outbox` in the same transaction as its business
// write; this worker routes it: in one target transaction it claims up to 100 unprocessed rows
// (`FOR UPDATE SKIP LOCKED`, oldest id first), publishes them through the sink, marks them
// processed and commits. A full batch is followed by the next one at once, otherwise it waits
// CDC_POLL_INTERVAL_MS. Several workers (instances) share a table without routing a row twice
// (a row is locked by one of them); a crash before the commit leaves the rows unprocessed, so
// they are routed again (at least once) with the same event ids (derived from target and row id).
// Processed rows older than a day are deleted hourly. Without an `event_outbox` table the worker
// waits (state "absent") and checks again every 30 s; `realtime outbox install` creates it.
//
// Ownership / lifetime: owns its thread and connection; the sink must outlive it.
// Thread safety: status and Stop from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "core/scope.h"
#include "events/event.h"

struct pg_conn;

namespace rt::cdc {

// The DDL `realtime outbox install` runs (idempotent).
extern const char* const kOutboxDdl;

struct OutboxOptions {
  std::string target_key;
  std::string conninfo;
  std::vector<Scope> scopes;  // every scope whose target this is: each receives the events
  std::chrono::milliseconds poll{1000};  // CDC_POLL_INTERVAL_MS
  int batch = 100;
  std::function<void()> before_commit;  // after a batch was published, before it is marked processed
};

struct OutboxStatus {
  std::string state = "stopped";  // starting | polling | absent | error | stopped
  std::string last_error;
  uint64_t routed = 0;
  int64_t pending = 0;      // unprocessed rows at the last check
  double lag_seconds = 0;   // age of the oldest unprocessed row
};

using OutboxPublish = std::function<Status(const Scope&, events::RawEventInput)>;

class OutboxWorker {
 public:
  OutboxWorker(OutboxOptions options, OutboxPublish publish);
  ~OutboxWorker();
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  void Start();
  void Stop();
  OutboxStatus status() const;
  const OutboxOptions& options() const { return options_; }

 private:
  void Run();
  Result<int> PollOnce(::pg_conn* conn);  // rows routed

  const OutboxOptions options_;
  OutboxPublish publish_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  OutboxStatus status_;
  std::thread thread_;
};

}  // namespace rt::cdc
