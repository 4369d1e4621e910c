#include "app/dashboard.h"

#include <algorithm>

#include "core/ids.h"

namespace rt::app {
namespace {

constexpr int64_t kKeepMs = 3600 * 1000;  // an hour of samples

double Rate(double prev, double cur, double seconds) { return seconds > 0 && cur > prev ? (cur - prev) / seconds : 0; }

}  // namespace

Dashboard::Dashboard(std::function<DashboardRaw()> read, std::chrono::milliseconds tick)
    : read_(std::move(read)), tick_(tick) {}

Dashboard::~Dashboard() { Stop(); }

void Dashboard::Start() { thread_ = std::thread([this] { Run(); }); }

void Dashboard::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

double Dashboard::QuantileMs(const std::array<uint64_t, events::LatencyHistogram::kBounds.size() + 1>& b, double q) {
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

boost::json::object Dashboard::Compute(const DashboardRaw& p, const DashboardRaw& c, double s) {
  std::array<uint64_t, events::LatencyHistogram::kBounds.size() + 1> window{};
  for (size_t i = 0; i < window.size(); ++i) window[i] = c.latency[i] >= p.latency[i] ? c.latency[i] - p.latency[i] : 0;
  double accepted = Rate(p.connections_accepted, c.connections_accepted, s);
  double attempts = (c.webhook_success - p.webhook_success) + (c.webhook_failed - p.webhook_failed) +
                    (c.webhook_dead - p.webhook_dead);
  double success = attempts > 0 ? (c.webhook_success - p.webhook_success) / attempts : 1.0;
  return {
      {"delivery",
       boost::json::object{{"activeConnections", c.active_connections},
                           // connections opened per second per active connection (churn)
                           {"reconnectRate", c.active_connections > 0 ? accepted / c.active_connections : 0.0},
                           {"eventsInPerSec", Rate(p.events_in, c.events_in, s)},
                           {"eventsOutPerSec", Rate(p.events_out, c.events_out, s)},
                           {"fanoutLatencyP50", QuantileMs(window, 0.50)},
                           {"fanoutLatencyP95", QuantileMs(window, 0.95)},
                           {"fanoutLatencyP99", QuantileMs(window, 0.99)}}},
      {"pipeline",
       boost::json::object{{"cdcLag", c.cdc_lag_ms},
                           {"outboxLag", c.outbox_lag_ms},
                           {"eventsCapturedPerSec", Rate(p.cdc_captured, c.cdc_captured, s)},
                           {"eventsRoutedPerSec", Rate(p.cdc_routed, c.cdc_routed, s)},
                           {"mappingFailures", std::max(0.0, c.cdc_failed - p.cdc_failed)},
                           {"schemaValidationFailures", std::max(0.0, c.schema_failures - p.schema_failures)}}},
      {"reliability",
       boost::json::object{{"queueDepth", c.queue_depth},
                           {"retryCount", c.retrying},
                           {"dlqSize", c.dead},
                           {"webhookSuccessRate", success},
                           {"webhookFailureRate", 1.0 - success}}},
  };
}

boost::json::object Dashboard::Latest() const {
  std::lock_guard lock(mu_);
  if (samples_.empty()) return Compute({}, {}, 0);
  return samples_.back().second;
}

boost::json::array Dashboard::History(std::chrono::milliseconds window) const {
  boost::json::array out;
  const int64_t since = NowMs() - window.count();
  std::lock_guard lock(mu_);
  for (const auto& [at, sample] : samples_) {
    if (at < since) continue;
    boost::json::object o = sample;
    o["at"] = at;
    out.push_back(std::move(o));
  }
  return out;
}

void Dashboard::Run() {
  DashboardRaw prev = read_();
  auto prev_t = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, tick_, [this] { return stop_; });
    if (stop_) return;
    lock.unlock();
    DashboardRaw cur = read_();
    auto now = std::chrono::steady_clock::now();
    boost::json::object sample = Compute(prev, cur, std::chrono::duration<double>(now - prev_t).count());
    prev = cur;
    prev_t = now;
    lock.lock();
    const int64_t at = NowMs();
    samples_.emplace_back(at, std::move(sample));
    while (!samples_.empty() && samples_.front().first < at - kKeepMs) samples_.pop_front();
  }
}

}  // namespace rt::app
