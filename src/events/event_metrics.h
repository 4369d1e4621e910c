// Metrics of the publish path (docs/monitoring.md), cheap enough for it:
//   TopicCounters    realtime_events_received_total{source,topic}: events accepted by the router,
//                    by source and topic. The topic label is bounded: the first `max_topics`
//                    topics seen get their own series, every later one counts as topic="other"
//                    (REALTIME_METRICS_MAX_TOPICS, default 200).
//                    It also keeps, per topic, the subscriber count and a latency histogram
//                    (hot topics, analytics).
//   LatencyHistogram realtime_broadcast_latency_seconds: router accept -> frames handed to the
//                    subscribers' sockets, observed for a sample of delivered events (the hub
//                    samples one event in kSampleEvery per shard).
//
// Thread safety: Count / Observe from any thread (a shared lock and relaxed atomics); Snapshot
// from any thread (values may be a moment apart, never torn). Ownership: plain members of the
// router / hub.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "events/event.h"

namespace rt::events {

class LatencyHistogram {
 public:
  // Upper bounds in seconds (the +Inf bucket is implicit).
  static constexpr std::array<double, 12> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  void Observe(int64_t nanos);

  struct Snapshot {
    std::array<uint64_t, kBounds.size() + 1> buckets{};  // per bucket (not cumulative); last = +Inf
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  Snapshot Read() const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
};

class TopicCounters {
 public:
  static constexpr size_t kDefaultMaxTopics = 200;
  explicit TopicCounters(size_t max_topics = kDefaultMaxTopics);

  void Count(Source source, std::string_view topic);

  // Subscriptions on the topic on this instance: +1 / -1 (the hub, on subscribe / unsubscribe).
  void AddSubscribers(std::string_view topic, int64_t delta);
  // A delivered event's broadcast latency, per topic (the hub's samples).
  void ObserveLatency(std::string_view topic, int64_t nanos);

  struct Row {
    Source source;
    std::string topic;  // "other" for the overflow
    uint64_t count;
  };
  std::vector<Row> Snapshot() const;  // non-zero series only

  static constexpr size_t kSources = 3;
  // Everything known of one topic (hot topics, analytics); counts are cumulative.
  struct TopicRow {
    std::string topic;
    std::array<uint64_t, kSources> counts{};  // by Source
    int64_t subscribers = 0;
    LatencyHistogram::Snapshot latency;
  };
  std::vector<TopicRow> Topics() const;

 private:
  struct Slot {
    std::string topic;
    std::array<std::atomic<uint64_t>, kSources> counts{};
    std::atomic<int64_t> subscribers{0};
    LatencyHistogram latency;
  };
  Slot* Find(std::string_view topic);
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  const size_t max_topics_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Slot*, Hash, std::equal_to<>> index_;  // guarded by mu_
  std::vector<std::unique_ptr<Slot>> slots_;      // [0] = "other"; only appended (guarded by mu_)
};

}  // namespace rt::events
