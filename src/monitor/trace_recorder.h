// TraceRecorder: event traces (docs/debugger.md "Traces"). For a sample of the events this
// instance's router fans out (local or remote; REALTIME_TRACE_SAMPLE, deterministic on the event
// id so every instance samples the same events), it writes one `event_traces` row per event: the
// event and what the local fan-out did (events/routed_event.h RoutingCounts), through
// store::TraceRepository, in batches off the hot path.
//
// Routing decisions: the recorder asks the router to note, for the sampled events, what the hub
// did with each subscription (events/routed_event.h DecisionLog, bounded); each row carries
// them with the failing filter keys, and the active schema version the event passed.
//
// Hot path: the router hashes the event id once (SetDecisionTracing) and gives a sampled event a
// decision log; the observer appends a reference to each such event to a bounded queue (one short mutex; when full the event is not traced and counted
// in stats().dropped). A thread flushes every flush_interval: the events accepted at least
// `settle` ago (every shard has drained them, so their counts are final) become rows written in
// one transaction; younger ones wait for the next flush. Traces older than the retention, then
// all but the newest max_traces, are pruned at start and every prune_interval.
//
// Failure: traces are diagnostics, not data: a batch whose write fails is logged (once per
// failure episode) and its newest `recent` rows stay in an in-memory ring, retried with the next
// flush and served meanwhile by Recent(); older ones are counted in stats().failed and dropped.
// What is left when Stop's final flush fails is lost. A prune that fails is retried at the next interval.
// Ownership / lifetime: references the repository, which must outlive the recorder; owns its
// thread (Start, Stop; the destructor stops). The router's observer keeps the queue alive on its
// own and does nothing once the recorder stopped, so the router may outlive the recorder.
// Thread safety: Attach/Start/Stop from the owner's thread (Attach before events flow);
// Record from any thread; Flush/Prune from one thread at a time (the worker's, or a test's).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "events/routed_event.h"
#include "events/router.h"
#include "store/trace_repository.h"

namespace rt::monitor {

struct TraceOptions {
  std::string instance;                  // this process's id: each row's `instance`
  double sample = 1.0;                   // REALTIME_TRACE_SAMPLE: fraction of events traced (0..1)
  std::chrono::seconds retention{86400};  // REALTIME_TRACE_RETENTION
  int64_t max_traces = 1000000;          // REALTIME_TRACE_MAX
  std::chrono::milliseconds flush_interval{250};
  std::chrono::milliseconds settle{100};  // an event's age before its counts are read
  std::chrono::milliseconds prune_interval{std::chrono::minutes(5)};  // REALTIME_TRACE_PRUNE_INTERVAL
  size_t max_queued = 16384;              // events waiting for a flush; more are dropped
  // Envelope bytes of the events held for a flush (an event held keeps its payload and frames
  // alive); past this, sampled events are dropped (counted) so a burst of large events does not
  // grow the process by the size of the burst.
  size_t max_queued_bytes = 1 << 20;
  size_t recent = 1024;  // rows a failed write keeps in memory (retried, served by Recent)
  // The active schema version of (scope, topic), recorded with each trace (the event passed it).
  std::function<int64_t(const Scope&, std::string_view topic)> schema_version;
};

// Whether the event with this id is traced at `rate` (0..1): the same answer on every instance.
bool TraceSampled(std::string_view event_id, double rate);

// The row of one event as this instance routed it (its counts and decisions as they are now).
store::TraceRow TraceRowFor(const events::RoutedEvent& event, bool remote, const std::string& instance,
                            int64_t schema_version = 0);
// The row's `decisions` JSON: {"decisions":[{subscriptionId, socketId, verdict, filter,
// failed?: [{key, expected, actual | missing}]}], "omitted": n}, or "{}" when none were noted.
std::string DecisionsJson(const events::RoutedEvent& event);

struct TraceStats {
  std::atomic<uint64_t> queued{0};   // events sampled and queued
  std::atomic<uint64_t> dropped{0};  // sampled events not traced: the queue was full
  std::atomic<uint64_t> written{0};  // rows written
  std::atomic<uint64_t> failed{0};   // rows lost to failed writes
};

class TraceRecorder {
 public:
  TraceRecorder(store::TraceRepository& repo, TraceOptions options);
  ~TraceRecorder();
  TraceRecorder(const TraceRecorder&) = delete;
  TraceRecorder& operator=(const TraceRecorder&) = delete;

  // Registers the observer on the router (nothing when sample is 0).
  void Attach(events::EventRouter& router);
  // Starts the thread: prunes, then flushes every flush_interval.
  void Start();
  // Flushes everything queued (settled or not) once, and joins the thread. Idempotent; after it
  // the observer ignores events.
  void Stop();

  // The observer's work for an event routed without the router's sampling: queue it when sampled.
  void Record(const std::shared_ptr<const events::RoutedEvent>& event, bool remote);
  // Writes the queued events accepted at least `settle` before now_ns (steady clock), or all of
  // them; keeps the others. The write's status (rows dropped on failure).
  Status Flush(int64_t now_ns, bool all);
  // Prunes by retention and count (now_ms: wall clock).
  Status Prune(int64_t now_ms);
  // This instance's row of a trace from the in-memory ring of the newest rows the database does
  // not have yet (a write failed; retried at every flush); empty if not there.
  std::vector<store::TraceRow> Recent(const Scope& scope, const std::string& trace_id) const;

  const TraceStats& stats() const;
  const TraceOptions& options() const { return options_; }

 private:
  struct Queue;
  struct Held {
    std::shared_ptr<const events::RoutedEvent> event;
    bool remote;
  };
  void Run();

  store::TraceRepository& repo_;
  const TraceOptions options_;
  std::shared_ptr<Queue> queue_;  // shared with the router's observer
  std::vector<Held> held_;        // flushing thread only: taken from the queue, not settled yet
  bool failing_ = false;          // flushing thread only: the last write failed (logged)
  mutable std::mutex recent_mu_;
  std::deque<store::TraceRow> recent_;  // guarded by recent_mu_: rows a failed write left
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace rt::monitor
