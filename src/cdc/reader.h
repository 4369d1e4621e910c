// CdcReader: the change-data-capture pipeline of one target database (docs/cdc.md):
//   prepare the target (wal_level, publication = the mapped tables, REPLICA IDENTITY FULL where a
//   mapping needs old values, the pgoutput slot) -> stream the slot (cdc/pg_replication.h) ->
//   decode (cdc/pgoutput.h, cdc/pg_values.h) -> evaluate the mappings of each changed table
//   (cdc/mapping.h) -> at each Commit, publish the transaction's events through the sink (the
//   event router), record every outcome, and only then confirm the commit's end LSN to the slot.
//
// Guarantees: PostgreSQL sends a transaction only after it committed; its events are published
// together when its Commit message arrives, in change order, so a subscriber never sees an
// uncommitted change nor, for transactions of up to kChunkEvents mapped events, half of one.
// A larger transaction streams: every kChunkEvents outcomes are published and recorded as they
// arrive, so memory stays bounded whatever its size (rows are never held, only mapped events).
// Nothing is lost: the slot's confirmed position moves only past transactions whose events were
// handed to the sink and recorded, so after a crash PostgreSQL resends the rest. Recording is
// grouped and pipelined: a transaction's events are published at its commit; consecutive
// transactions are recorded together (one sink transaction) when the stream has nothing more to
// read, after 20 ms, or at kChunkEvents outcomes — on a recorder thread (cdc/recorder.h), so
// decoding goes on while the platform database commits; a group is confirmed once recorded.
// Duplicates are rare and recognisable: the sink records each routed transaction's commit LSN
// with its outcomes, and a transaction PostgreSQL resends at or below that position is skipped;
// only a crash between routing a transaction (or a chunk of a large one) and recording its group
// publishes it again, with the same event ids (derived from target, commit LSN, change index,
// mapping and scope), which the router's duplicate filter drops when it saw them.
//
// One reader per slot: PostgreSQL lets one connection stream a slot at a time; a second instance
// is refused ("replication slot … is active for PID …"), reports state "standby" and retries every
// retry_delay, taking over within that delay after the streaming instance dies (its connection
// closes and the slot is released). The slot is the election.
//
// Ownership / lifetime: owns its thread and connections; the sink must outlive it.
// Thread safety: SetMappings, status and Stop may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cdc/mapping.h"
#include "cdc/pg_replication.h"
#include "core/result.h"
#include "core/scope.h"
#include "events/event.h"

namespace rt::cdc {

// A mapping the reader captures, with the scope whose clients receive its events.
struct ReaderMapping {
  Scope scope;
  CompiledMapping compiled;
};

// What happened to one evaluated change (cdc_events / the subscription logs).
struct CdcOutcome {
  std::string event_id;
  Scope scope;
  std::string mapping_id;
  std::string table;
  std::string operation;
  std::string topic;
  std::string status;  // routed | filtered_when | filtered_trigger | needs_old_row | failed_template | failed_schema | failed
  std::string error;
  std::string lsn;  // the transaction's commit LSN
  int64_t at = 0;
  // log_ + commit LSN (16 hex) + change index (8 hex) + 4 hex of the event id: deterministic (a
  // replayed outcome is not logged twice) and increasing, so the log's index grows at its end.
  std::string log_id;
};

class ReaderSink {
 public:
  virtual ~ReaderSink() = default;
  // Publishes one event (the router); an error is recorded as the outcome (e.g. failed_schema).
  virtual Status Publish(const Scope& scope, events::RawEventInput input) = 0;
  // Records outcomes (one database transaction). complete: the transaction's last outcomes —
  // its commit LSN becomes the target's routed position, before the LSN is confirmed to
  // PostgreSQL; otherwise a chunk of a large transaction (the position does not move). An error
  // stops the stream before the confirmation: PostgreSQL resends the transaction (at least once).
  virtual Status Record(const std::string& target_key, uint64_t commit_lsn, std::vector<CdcOutcome> outcomes,
                        bool complete) = 0;
  // Called on the reader's thread after it published events and before their outcomes are handed
  // to the recorder thread (the webhooks' durability barrier waits for this thread's enqueues).
  virtual void AfterPublish() {}
  // The last recorded routed position of the target (0: none). Transactions at or below it were
  // routed before a crash that came before their confirmation: the reader skips them.
  virtual Result<uint64_t> RoutedPosition(const std::string& target_key) = 0;
};

struct ReaderOptions {
  std::string target_key;  // short stable id of the target (ids, metrics, status)
  std::string conninfo;    // postgresql:// URL
  std::string slot = "realtime_cdc_slot";
  std::string publication = "realtime_cdc_pub";
  bool set_replica_identity = true;  // CDC_SET_REPLICA_IDENTITY
  std::chrono::milliseconds retry_delay{2000};
};

struct ReaderStatus {
  std::string state = "stopped";  // starting | streaming | standby | idle | error | stopped
  std::string slot;
  std::string confirmed_lsn;
  int64_t lag_bytes = 0;
  double lag_seconds = 0;
  std::string last_error;
  std::string failure;  // FailureName of the last error ("" when none)
  uint64_t captured = 0;  // row changes decoded on mapped tables
  uint64_t routed = 0;    // events published
  uint64_t filtered = 0;
  uint64_t failed = 0;
  uint64_t log_sampled_out = 0;  // routed outcomes left out of the event log (kRoutedLogPerSecond)
  std::vector<std::string> tables;
  std::vector<std::string> warnings;  // e.g. a mapping that needs old rows on a table without FULL identity
};

class CdcReader {
 public:
  // Outcomes held per transaction before a chunk is published and recorded (see Guarantees).
  static constexpr size_t kChunkEvents = 4096;
  // The event log (sink Record) keeps every filtered or failed outcome, and routed ones up to this
  // rate per reader (bursts of kChunkEvents): above it routed events are sampled — the counters
  // stay exact. Logging every event of a 100k rows/s stream would cost more than routing it.
  static constexpr double kRoutedLogPerSecond = 2000;

  CdcReader(ReaderOptions options, ReaderSink& sink);
  ~CdcReader();
  CdcReader(const CdcReader&) = delete;
  CdcReader& operator=(const CdcReader&) = delete;

  // Replaces the captured mappings; a changed table set re-syncs the publication and restarts
  // the stream from the confirmed position (nothing is lost).
  void SetMappings(std::vector<ReaderMapping> mappings);
  void Start();
  void Stop();
  ReaderStatus status() const;
  const ReaderOptions& options() const { return options_; }

 private:
  struct Shared;
  void Run();
  Status RunOnce();  // one connect-prepare-stream cycle; returns why it ended

  const ReaderOptions options_;
  ReaderSink& sink_;
  std::unique_ptr<Shared> shared_;
  std::thread thread_;
};

}  // namespace rt::cdc
