#include "events/event_metrics.h"

#include <mutex>

namespace rt::events {

TopicCounters::TopicCounters(size_t max_topics) : max_topics_(max_topics) {
  slots_.push_back(std::make_unique<Slot>());
  slots_[0]->topic = "other";
}

void TopicCounters::Count(Source source, std::string_view topic) {
  const size_t s = static_cast<size_t>(source) % kSources;
  Find(topic)->counts[s].fetch_add(1, std::memory_order_relaxed);
}

void TopicCounters::AddSubscribers(std::string_view topic, int64_t delta) {
  Find(topic)->subscribers.fetch_add(delta, std::memory_order_relaxed);
}

void TopicCounters::ObserveLatency(std::string_view topic, int64_t nanos) { Find(topic)->latency.Observe(nanos); }

TopicCounters::Slot* TopicCounters::Find(std::string_view topic) {
  Slot* slot = nullptr;
  {
    std::shared_lock lock(mu_);
    auto it = index_.find(topic);
    if (it != index_.end()) slot = it->second;
    else if (slots_.size() > max_topics_) slot = slots_[0].get();  // full: "other"
  }
  if (!slot) {
    std::unique_lock lock(mu_);
    auto it = index_.find(topic);
    if (it != index_.end()) {
      slot = it->second;
    } else if (slots_.size() > max_topics_) {
      slot = slots_[0].get();
    } else {
      slots_.push_back(std::make_unique<Slot>());
      slot = slots_.back().get();
      slot->topic = std::string(topic);
      index_.emplace(slot->topic, slot);
    }
  }
  return slot;
}

std::vector<TopicCounters::TopicRow> TopicCounters::Topics() const {
  std::vector<TopicRow> out;
  std::shared_lock lock(mu_);
  out.reserve(slots_.size());
  for (const auto& slot : slots_) {
    TopicRow row;
    row.topic = slot->topic;
    for (size_t s = 0; s < kSources; ++s) row.counts[s] = slot->counts[s].load(std::memory_order_relaxed);
    row.subscribers = slot->subscribers.load(std::memory_order_relaxed);
    row.latency = slot->latency.Read();
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<TopicCounters::Row> TopicCounters::Snapshot() const {
  std::vector<Row> out;
  std::shared_lock lock(mu_);
  for (const auto& slot : slots_) {
    for (size_t s = 0; s < kSources; ++s) {
      uint64_t n = slot->counts[s].load(std::memory_order_relaxed);
      if (n) out.push_back({static_cast<Source>(s), slot->topic, n});
    }
  }
  return out;
}

void LatencyHistogram::Observe(int64_t nanos) {
  if (nanos < 0) nanos = 0;
  double seconds = static_cast<double>(nanos) / 1e9;
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(nanos), std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::Read() const {
  Snapshot s;
  for (size_t i = 0; i < buckets_.size(); ++i) s.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
  s.count = 0;
  for (uint64_t b : s.buckets) s.count += b;  // consistent with the buckets
  s.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return s;
}

}  // namespace rt::events
