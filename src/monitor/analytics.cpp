#include "monitor/analytics.h"

#include <algorithm>
#include <unordered_map>

#include "core/ids.h"
#include "core/log.h"
#include "monitor/percentiles.h"

namespace rt::monitor {
namespace {

constexpr int64_t kPruneEveryMs = 3600 * 1000;

int64_t Grew(uint64_t prev, uint64_t cur) { return cur > prev ? static_cast<int64_t>(cur - prev) : 0; }

int64_t FloorTo(int64_t now_ms, int64_t window_ms) {
  int64_t q = now_ms / window_ms;
  if (now_ms % window_ms < 0) --q;
  return q * window_ms;
}

void AddRow(store::AnalyticsRow& into, const store::AnalyticsRow& add) {
  into.count += add.count;
  into.count_database += add.count_database;
  into.count_sync += add.count_sync;
  into.count_socket += add.count_socket;
  store::MergeLatency(into.latency, add.latency);
}

}  // namespace

std::string WindowLabel(std::chrono::seconds window) {
  const int64_t s = window.count();
  if (s > 0 && s % 86400 == 0) return std::to_string(s / 86400) + "d";
  if (s > 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s > 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

std::vector<store::AnalyticsRow> WindowRows(const std::vector<events::TopicCounters::TopicRow>& prev,
                                            const std::vector<events::TopicCounters::TopicRow>& cur,
                                            const std::string& instance, int64_t window_start, int64_t window_end) {
  std::unordered_map<std::string_view, const events::TopicCounters::TopicRow*> before;
  for (const auto& p : prev) before.emplace(p.topic, &p);
  static const events::TopicCounters::TopicRow kZero{};
  std::vector<store::AnalyticsRow> out;
  for (const auto& c : cur) {
    auto it = before.find(c.topic);
    const auto& p = it == before.end() ? kZero : *it->second;
    store::AnalyticsRow r;
    r.topic = c.topic;
    r.window_start = window_start;
    r.window_end = window_end;
    r.instance = instance;
    r.count_database = Grew(p.counts[static_cast<size_t>(events::Source::kDatabase)],
                            c.counts[static_cast<size_t>(events::Source::kDatabase)]);
    r.count_sync = Grew(p.counts[static_cast<size_t>(events::Source::kSync)],
                        c.counts[static_cast<size_t>(events::Source::kSync)]);
    r.count_socket = Grew(p.counts[static_cast<size_t>(events::Source::kSocket)],
                          c.counts[static_cast<size_t>(events::Source::kSocket)]);
    r.count = r.count_database + r.count_sync + r.count_socket;
    const LatencyBuckets grew = Delta(p.latency.buckets, c.latency.buckets);
    if (std::any_of(grew.begin(), grew.end(), [](uint64_t n) { return n > 0; }))
      for (uint64_t n : grew) r.latency.push_back(static_cast<int64_t>(n));
    if (r.count == 0 && r.latency.empty()) continue;
    out.push_back(std::move(r));
  }
  return out;
}

void AddPending(PendingRows& pending, std::vector<store::AnalyticsRow> rows, size_t max_rows) {
  for (auto& r : rows) {
    auto key = std::make_pair(r.window_start, r.topic);
    auto it = pending.find(key);
    if (it == pending.end()) pending.emplace(std::move(key), std::move(r));
    else AddRow(it->second, r);
  }
  while (pending.size() > max_rows) {
    const int64_t oldest = pending.begin()->first.first;
    auto next = pending.lower_bound({oldest + 1, std::string()});
    if (next == pending.end()) return;  // one window only: nothing to fold into
    const int64_t into_start = next->first.first, into_end = next->second.window_end;
    while (pending.begin()->first.first == oldest) {
      auto node = pending.extract(pending.begin());
      store::AnalyticsRow& r = node.mapped();
      auto at = pending.find({into_start, r.topic});
      if (at != pending.end()) {
        AddRow(at->second, r);
      } else {
        r.window_start = into_start;
        r.window_end = into_end;
        pending.emplace(std::make_pair(into_start, r.topic), std::move(r));
      }
    }
  }
}

AnalyticsFlusher::AnalyticsFlusher(const events::TopicCounters& counters, store::AnalyticsRepository& repo,
                                   AnalyticsOptions options, int64_t now_ms)
    : counters_(counters),
      repo_(repo),
      options_(std::move(options)),
      window_ms_(std::max<int64_t>(1, options_.window.count()) * 1000),
      window_start_(FloorTo(now_ms, window_ms_)) {}

Status AnalyticsFlusher::Flush(int64_t now_ms) {
  auto reading = counters_.Topics();
  AddPending(pending_, WindowRows(prev_, reading, options_.instance, window_start_, window_end()));
  prev_ = std::move(reading);
  window_start_ = std::max(FloorTo(now_ms, window_ms_), window_end());
  if (pending_.empty()) return Ok();
  std::vector<store::AnalyticsRow> rows;
  rows.reserve(pending_.size());
  for (const auto& [key, row] : pending_) rows.push_back(row);
  Status st = repo_.Write(rows);
  if (!st.ok()) {
    log::Warn("analytics: cannot write the window's rows; kept for the next flush",
              {{"rows", static_cast<int64_t>(rows.size())}, {"error", st.error().message}});
    return st;
  }
  pending_.clear();
  return Ok();
}

void AnalyticsFlusher::MaybePrune(int64_t now_ms) {
  if (last_prune_ >= 0 && now_ms - last_prune_ < kPruneEveryMs) return;
  auto pruned = repo_.Prune(now_ms - options_.retention.count() * 1000);
  if (!pruned.ok()) {
    log::Warn("analytics: cannot prune old rows", {{"error", pruned.error().message}});
    return;
  }
  last_prune_ = now_ms;
  if (*pruned > 0) log::Info("analytics: pruned old rows", {{"rows", *pruned}});
}

AnalyticsWorker::AnalyticsWorker(const events::TopicCounters& counters, store::AnalyticsRepository& repo,
                                 AnalyticsOptions options)
    : counters_(counters), repo_(repo), options_(std::move(options)) {}

AnalyticsWorker::~AnalyticsWorker() { Stop(); }

void AnalyticsWorker::Start() { thread_ = std::thread([this] { Run(); }); }

void AnalyticsWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AnalyticsWorker::Run() {
  AnalyticsFlusher flusher(counters_, repo_, options_, NowMs());
  flusher.MaybePrune(NowMs());
  std::unique_lock lock(mu_);
  while (!stop_) {
    const int64_t wait_ms = flusher.window_end() - NowMs();
    if (wait_ms > 0) {
      cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stop_; });
      continue;  // re-check the time (and stop_)
    }
    lock.unlock();
    (void)flusher.Flush(NowMs());  // a failure is logged; the rows stay pending
    flusher.MaybePrune(NowMs());
    lock.lock();
  }
  lock.unlock();
  if (Status st = flusher.Flush(NowMs()); !st.ok())
    log::Error("analytics: the final flush failed; its rows are lost",
               {{"rows", static_cast<int64_t>(flusher.pending())}, {"error", st.error().message}});
}

}  // namespace rt::monitor
