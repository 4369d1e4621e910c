// Log-linear latency histogram (HdrHistogram-style): exact below 128, then 64 sub-buckets per
// power of two, so any recorded value is reported within 1/64 (1.6%) of its true value.
// Values are microseconds. Mergeable across processes through a sparse text form.
// Thread safety: none (one histogram per worker thread; merge in the coordinator).
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace loadgen {

class Histogram {
 public:
  static constexpr int kSubBits = 6;  // 64 sub-buckets per power of two
  static constexpr size_t kBuckets = (64 - kSubBits) * (1u << kSubBits) + (2u << kSubBits);

  Histogram() : counts_(kBuckets, 0) {}

  void Record(uint64_t v) {
    ++counts_[Index(v)];
    ++total_;
    max_ = std::max(max_, v);
  }
  void Reset() {
    std::fill(counts_.begin(), counts_.end(), 0);
    total_ = 0;
    max_ = 0;
  }
  void Merge(const Histogram& o) {
    for (size_t i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    max_ = std::max(max_, o.max_);
  }
  uint64_t count() const { return total_; }
  uint64_t max() const { return max_; }

  // The value at quantile q (0..1): the upper bound of its bucket (never above max).
  uint64_t Quantile(double q) const {
    if (total_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total_));
    if (rank >= total_) rank = total_ - 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen > rank) return std::min(UpperBound(i), max_);
    }
    return max_;
  }

  // "max;idx:count,idx:count,..." (only non-empty buckets).
  std::string Serialize() const {
    std::string out = std::to_string(max_) + ";";
    for (size_t i = 0; i < kBuckets; ++i)
      if (counts_[i]) out += std::to_string(i) + ":" + std::to_string(counts_[i]) + ",";
    return out;
  }
  static Histogram Parse(const std::string& s) {
    Histogram h;
    size_t semi = s.find(';');
    if (semi == std::string::npos) return h;
    h.max_ = std::stoull(s.substr(0, semi));
    std::istringstream in(s.substr(semi + 1));
    std::string item;
    while (std::getline(in, item, ',')) {
      size_t colon = item.find(':');
      if (colon == std::string::npos) continue;
      size_t idx = std::stoull(item.substr(0, colon));
      uint64_t n = std::stoull(item.substr(colon + 1));
      if (idx < kBuckets) {
        h.counts_[idx] += n;
        h.total_ += n;
      }
    }
    return h;
  }

  static size_t Index(uint64_t v) {
    constexpr uint64_t kLinear = 2u << kSubBits;  // 128: exact
    if (v < kLinear) return static_cast<size_t>(v);
    int e = 63 - std::countl_zero(v);  // >= kSubBits + 1
    int shift = e - kSubBits;
    return static_cast<size_t>(shift) * (1u << kSubBits) + static_cast<size_t>(v >> shift);
  }
  static uint64_t UpperBound(size_t idx) {
    constexpr size_t kLinear = 2u << kSubBits;
    if (idx < kLinear) return idx;
    size_t shift = idx / (1u << kSubBits) - 1;
    uint64_t m = idx % (1u << kSubBits) + (1u << kSubBits);
    return ((m + 1) << shift) - 1;
  }

 private:
  std::vector<uint64_t> counts_;
  uint64_t total_ = 0;
  uint64_t max_ = 0;
};

}  // namespace loadgen
