#include "app/dashboard.h"

#include "core/ids.h"
#include "core/log.h"

namespace rt::app {
namespace {

constexpr int64_t kKeepMs = 3600 * 1000;  // an hour of samples

}  // namespace

Dashboard::Dashboard(std::function<DashboardRaw()> read, std::chrono::milliseconds tick, std::string instance,
                     std::string kind, std::unique_ptr<monitor::ClusterWindows> cluster)
    : read_(std::move(read)),
      tick_(tick),
      instance_(std::move(instance)),
      kind_(std::move(kind)),
      cluster_(std::move(cluster)) {}

Dashboard::~Dashboard() { Stop(); }

void Dashboard::Start() { thread_ = std::thread([this] { Run(); }); }

void Dashboard::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    if (cluster_) cluster_->Leave(instance_);
  }
}

boost::json::object Dashboard::Latest() const {
  std::lock_guard lock(mu_);
  boost::json::object out = monitor::RenderDashboard(merged_);
  out["instances"] = instances_;
  return out;
}

boost::json::array Dashboard::HotTopics(size_t limit) const {
  std::lock_guard lock(mu_);
  return monitor::RenderHotTopics(merged_, limit);
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

void Dashboard::Record(std::vector<monitor::DashboardWindow> windows) {
  boost::json::array instances;
  for (const auto& w : windows)
    instances.push_back(boost::json::object{{"id", w.instance},
                                            {"kind", w.kind},
                                            {"at", w.at},
                                            {"activeConnections", w.active_connections},
                                            {"eventsInPerSec", w.events_in},
                                            {"eventsOutPerSec", w.events_out}});
  monitor::DashboardWindow merged = monitor::MergeWindows(windows);
  boost::json::object sample = monitor::RenderDashboard(merged);
  std::lock_guard lock(mu_);
  merged_ = std::move(merged);
  instances_ = std::move(instances);
  const int64_t at = NowMs();
  samples_.emplace_back(at, std::move(sample));
  while (!samples_.empty() && samples_.front().first < at - kKeepMs) samples_.pop_front();
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
    monitor::DashboardWindow mine =
        monitor::ComputeWindow(prev, cur, std::chrono::duration<double>(now - prev_t).count());
    mine.instance = instance_;
    mine.kind = kind_;
    mine.at = NowMs();
    prev = std::move(cur);
    prev_t = now;
    Record(cluster_ ? cluster_->Exchange(mine) : std::vector<monitor::DashboardWindow>{mine});
    lock.lock();
  }
}

std::unique_ptr<monitor::ClusterWindows> MakeClusterWindows(const std::string& redis_url,
                                                            std::chrono::milliseconds tick) {
  const auto max_age = std::max(tick * 3, std::chrono::milliseconds(3000));
  if (redis_url.empty()) return std::make_unique<monitor::ClusterWindows>(nullptr, max_age);
  auto pool = broker::RedisPool::Create({redis_url, 2});
  if (!pool.ok()) {
    log::Warn("cluster metrics unavailable: the dashboard shows this instance only", {{"error", pool.error().message}});
    return std::make_unique<monitor::ClusterWindows>(nullptr, max_age);
  }
  return std::make_unique<monitor::ClusterWindows>(std::move(*pool), max_age);
}

}  // namespace rt::app
