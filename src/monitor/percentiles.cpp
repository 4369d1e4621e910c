#include "monitor/percentiles.h"

#include <algorithm>

namespace rt::monitor {

double QuantileMs(const LatencyBuckets& b, double q) {
  uint64_t total = 0;
  for (uint64_t n : b) total += n;
  if (total == 0) return 0;
  double rank = q * static_cast<double>(total);
  uint64_t seen = 0;
  const auto& bounds = events::LatencyHistogram::kBounds;
  for (size_t i = 0; i < b.size(); ++i) {
    if (b[i] == 0) continue;
    if (static_cast<double>(seen + b[i]) >= rank) {
      if (i == bounds.size()) return bounds.back() * 1000;  // +Inf bucket: its lower bound
      double lower = i == 0 ? 0 : bounds[i - 1], upper = bounds[i];
      double within = (rank - static_cast<double>(seen)) / static_cast<double>(b[i]);
      return (lower + (upper - lower) * std::clamp(within, 0.0, 1.0)) * 1000;
    }
    seen += b[i];
  }
  return bounds.back() * 1000;
}

LatencyBuckets Delta(const LatencyBuckets& prev, const LatencyBuckets& cur) {
  LatencyBuckets d{};
  for (size_t i = 0; i < d.size(); ++i) d[i] = cur[i] >= prev[i] ? cur[i] - prev[i] : 0;
  return d;
}

void Merge(LatencyBuckets& into, const LatencyBuckets& add) {
  for (size_t i = 0; i < into.size(); ++i) into[i] += add[i];
}

boost::json::array ToJson(const LatencyBuckets& b) {
  boost::json::array a;
  a.reserve(b.size());
  for (uint64_t n : b) a.emplace_back(n);
  return a;
}

LatencyBuckets FromJson(const boost::json::value& v) {
  LatencyBuckets b{};
  const auto* a = v.if_array();
  if (!a) return b;
  for (size_t i = 0; i < b.size() && i < a->size(); ++i) {
    const auto& e = (*a)[i];
    if (e.is_uint64()) b[i] = e.as_uint64();
    else if (e.is_int64() && e.as_int64() > 0) b[i] = static_cast<uint64_t>(e.as_int64());
    else if (e.is_double() && e.as_double() > 0) b[i] = static_cast<uint64_t>(e.as_double());
  }
  return b;
}

}  // namespace rt::monitor
