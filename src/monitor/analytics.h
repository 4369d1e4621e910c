// The analytics worker (spec/28 "Analytics Worker", docs/monitoring.md "Analytics"): per topic
// and per window (REALTIME_ANALYTICS_WINDOW, default one minute, aligned to the wall clock:
// start = floor(now / window) * window), the events this instance's router accepted, by source,
// and the fan-out latency histogram of the events delivered here, written as one row per topic
// to the `analytics` table (store/analytics_repository.h); GET /api/metrics/analytics sums the
// instances. Rows older than REALTIME_ANALYTICS_RETENTION (default 30 d) are pruned at start and
// then hourly.
//
// The counters (events/event_metrics.h TopicCounters) are cumulative; each flush turns the
// growth since the previous reading into the rows of the window that just ended.
//
// Failure: a write that fails is logged and its rows stay pending; the next flush writes them
// again with its own (the write replaces rows by key, so a repeat is harmless). Pending rows are
// bounded (kMaxPendingRows): past that, the oldest window's counts are folded into the next
// one's, so counts are never dropped while the process lives. What is pending when the process
// stops and the final write fails is lost (logged).
//
// Ownership / lifetime: the worker references the counters and the repository, which must
// outlive it; it owns its thread (Start, Stop; the destructor stops).
// Thread safety: AnalyticsWorker Start/Stop from the owner's thread. AnalyticsFlusher is not
// thread-safe (the worker's thread only). The free functions are pure.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "events/event_metrics.h"
#include "store/analytics_repository.h"

namespace rt::monitor {

struct AnalyticsOptions {
  std::string instance;                           // this process's id (its heartbeat's)
  std::chrono::seconds window{60};                // REALTIME_ANALYTICS_WINDOW (>= 1 s)
  std::chrono::seconds retention{30 * 86400};     // REALTIME_ANALYTICS_RETENTION
};

// "1m" for 60 s; otherwise the largest of d/h/m/s that divides the window ("2s", "5m", "90s").
std::string WindowLabel(std::chrono::seconds window);

// The rows of one window [window_start, window_end) from two readings of TopicCounters::Topics():
// per topic (the "other" overflow included) the growth of each source's count and of each latency
// bucket. A topic absent from prev grew from zero; a counter lower than before counts 0 (never
// negative); a topic with no new event and no new latency sample gets no row.
std::vector<store::AnalyticsRow> WindowRows(const std::vector<events::TopicCounters::TopicRow>& prev,
                                            const std::vector<events::TopicCounters::TopicRow>& cur,
                                            const std::string& instance, int64_t window_start, int64_t window_end);

// Rows not written yet, by (window_start, topic).
using PendingRows = std::map<std::pair<int64_t, std::string>, store::AnalyticsRow>;
constexpr size_t kMaxPendingRows = 20000;

// Adds rows to pending (counts and latency of the same key add up). While pending holds more than
// max_rows and more than one window, the oldest window's rows are folded into the next window's.
void AddPending(PendingRows& pending, std::vector<store::AnalyticsRow> rows, size_t max_rows = kMaxPendingRows);

// The worker's state without its thread (unit-tested with explicit times).
class AnalyticsFlusher {
 public:
  // The first window is the one holding now_ms; everything counted before is in it.
  AnalyticsFlusher(const events::TopicCounters& counters, store::AnalyticsRepository& repo, AnalyticsOptions options,
                   int64_t now_ms);

  // Closes the current window: its rows (the counters' growth since the last reading) join the
  // pending rows, and all pending rows are written; kept on failure (returned). The next window
  // is the one holding now_ms, never one that starts before the closed one's end.
  Status Flush(int64_t now_ms);
  // Prunes rows older than the retention when the last successful prune is an hour old (or none).
  void MaybePrune(int64_t now_ms);

  int64_t window_start() const { return window_start_; }
  int64_t window_end() const { return window_start_ + window_ms_; }
  size_t pending() const { return pending_.size(); }

 private:
  const events::TopicCounters& counters_;
  store::AnalyticsRepository& repo_;
  const AnalyticsOptions options_;
  const int64_t window_ms_;
  int64_t window_start_;
  int64_t last_prune_ = -1;
  std::vector<events::TopicCounters::TopicRow> prev_;  // the last reading ({} = all zero)
  PendingRows pending_;
};

class AnalyticsWorker {
 public:
  AnalyticsWorker(const events::TopicCounters& counters, store::AnalyticsRepository& repo, AnalyticsOptions options);
  ~AnalyticsWorker();
  AnalyticsWorker(const AnalyticsWorker&) = delete;
  AnalyticsWorker& operator=(const AnalyticsWorker&) = delete;

  // Starts the thread: prunes, then flushes at every window boundary.
  void Start();
  // Flushes the partial window (once; counted up to now) and joins the thread. Idempotent.
  void Stop();

 private:
  void Run();

  const events::TopicCounters& counters_;
  store::AnalyticsRepository& repo_;
  const AnalyticsOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace rt::monitor
