// TxRecorder: records a CDC reader's outcome batches through the ReaderSink on a thread of its
// own, in order, so the reader keeps decoding and publishing while the platform database commits
// (docs/cdc.md "Guarantees"). A batch is a group of committed transactions (complete: its commit
// LSN becomes the routed position; end: the WAL position PostgreSQL may be told is handled once
// it is recorded) or a chunk of a large transaction (complete = false, end = 0). durable() is the
// end of the last recorded complete batch: only it may be confirmed to PostgreSQL.
//
// Back-pressure: Enqueue blocks while kMaxQueued batches wait. A failed Record stops the
// recorder: error() returns it and later batches are dropped (not recorded, never confirmed, so
// PostgreSQL resends them after the reader reconnects).
//
// Ownership / lifetime: owns its thread; the sink must outlive it. Stop (or the destructor) joins.
// Thread safety: Enqueue, Drain, Stop from the reader's thread; durable/error/idle from any.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cdc/reader.h"

namespace rt::cdc {

class TxRecorder {
 public:
  static constexpr size_t kMaxQueued = 2;

  TxRecorder(ReaderSink& sink, std::string target_key);
  ~TxRecorder();
  TxRecorder(const TxRecorder&) = delete;
  TxRecorder& operator=(const TxRecorder&) = delete;

  // record = false: nothing to write (transactions on unmapped tables); the batch only moves
  // durable() past `end` once everything before it is recorded.
  void Enqueue(std::vector<CdcOutcome> outcomes, uint64_t commit_lsn, uint64_t end, bool complete, bool record);
  // Waits until every queued batch is recorded (or one failed); returns error() or Ok.
  Status Drain();
  void Stop();

  uint64_t durable() const;
  std::optional<Error> error() const;
  bool idle() const;  // nothing queued or being recorded

 private:
  struct Batch {
    std::vector<CdcOutcome> outcomes;
    uint64_t commit_lsn = 0, end = 0;
    bool complete = false, record = true;
  };
  void Run();

  ReaderSink& sink_;
  const std::string target_key_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;       // guarded by mu_
  bool busy_ = false;             // guarded by mu_: a batch is being recorded
  bool stop_ = false;             // guarded by mu_
  uint64_t durable_ = 0;          // guarded by mu_
  std::optional<Error> error_;    // guarded by mu_
  std::thread thread_;
};

}  // namespace rt::cdc
