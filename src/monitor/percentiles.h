// Percentiles of the broadcast-latency histogram (events/event_metrics.h LatencyHistogram):
// bucket counts are mergeable (sum them across windows, topics or instances), and a quantile is
// read from the merged counts by linear interpolation inside the bucket that holds it.
//
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>

#include <boost/json/array.hpp>

#include "events/event_metrics.h"

namespace rt::monitor {

// Per-bucket (not cumulative) counts; the last bucket is +Inf.
using LatencyBuckets = std::array<uint64_t, events::LatencyHistogram::kBounds.size() + 1>;

// The q-quantile (0..1) in ms; 0 for an empty histogram; the +Inf bucket reads as the last bound.
double QuantileMs(const LatencyBuckets& buckets, double q);
// cur - prev per bucket (0 where a counter went backwards).
LatencyBuckets Delta(const LatencyBuckets& prev, const LatencyBuckets& cur);
// into += add per bucket.
void Merge(LatencyBuckets& into, const LatencyBuckets& add);
// As a JSON array of numbers, and back (missing or bad entries read as 0).
boost::json::array ToJson(const LatencyBuckets& buckets);
LatencyBuckets FromJson(const boost::json::value& v);

}  // namespace rt::monitor
