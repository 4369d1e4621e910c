#include "monitor/trace_recorder.h"

#include <boost/json/array.hpp>
#include <algorithm>
#include <iterator>
#include <map>

#include "core/ids.h"
#include "events/filter.h"
#include "core/json.h"
#include "core/log.h"

namespace rt::monitor {

struct TraceRecorder::Queue {
  std::mutex mu;
  std::vector<Held> items;  // guarded by mu
  bool closed = false;      // guarded by mu: Stop ran, Push ignores events
  size_t max = 0;
  size_t max_bytes = 0;
  std::atomic<size_t> bytes{0};  // envelope bytes held (queued here or in held_)
  double sample = 1.0;
  TraceStats stats;

  // The hot path: for a sampled event (chosen once, by the caller) one short lock.
  void Push(const std::shared_ptr<const events::RoutedEvent>& e, bool remote, bool sampled) {
    if (!sampled) return;
    std::lock_guard lock(mu);
    if (closed) return;
    const size_t size = e->envelope_json().size();
    if (items.size() >= max || bytes.load(std::memory_order_relaxed) + size > max_bytes) {
      stats.dropped.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    bytes.fetch_add(size, std::memory_order_relaxed);
    items.push_back({e, remote});
    stats.queued.fetch_add(1, std::memory_order_relaxed);
  }
};

namespace {

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool TraceSampled(std::string_view event_id, double rate) {
  if (rate >= 1.0) return true;
  if (rate <= 0.0) return false;
  uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across processes and builds
  for (unsigned char c : event_id) h = (h ^ c) * 1099511628211ull;
  return static_cast<double>(h % 1000000) < rate * 1000000.0;
}

std::string DecisionsJson(const events::RoutedEvent& routed) {
  const events::DecisionLog* log = routed.decisions();
  if (!log) return "{}";
  uint32_t omitted = 0;
  auto decisions = log->Decisions(&omitted);
  // A filtered subscription says which keys failed; subscriptions share filters: explain once.
  std::map<const boost::json::value*, boost::json::array> failures;
  auto failed = [&](const std::shared_ptr<const boost::json::value>& spec) -> const boost::json::array& {
    auto [it, fresh] = failures.try_emplace(spec.get());
    if (!fresh || !spec) return it->second;
    auto filter = events::Filter::Compile(*spec);
    if (!filter.ok()) return it->second;
    for (auto& term : filter->Explain(routed.event().payload).terms) {
      if (term.matched) continue;
      boost::json::object f{{"key", term.key}, {"expected", std::move(term.expected)}};
      if (term.actual) f["actual"] = std::move(*term.actual);
      else f["missing"] = true;
      it->second.push_back(std::move(f));
    }
    return it->second;
  };
  boost::json::array list;
  for (const auto& d : decisions) {
    boost::json::object o{{"subscriptionId", d.subscription_id.view()},
                          {"socketId", d.socket_id.view()},
                          {"verdict", events::VerdictName(d.verdict)},
                          {"filter", d.filter ? *d.filter : boost::json::value(nullptr)}};
    if (d.verdict == events::RoutingDecision::Verdict::kFiltered) o["failed"] = failed(d.filter);
    list.push_back(std::move(o));
  }
  return json::Serialize(boost::json::object{{"decisions", std::move(list)}, {"omitted", omitted}});
}

store::TraceRow TraceRowFor(const events::RoutedEvent& routed, bool remote, const std::string& instance,
                            int64_t schema_version) {
  const events::RealtimeEvent& e = routed.event();
  const events::RoutingCounts& c = routed.routing();
  store::TraceRow t;
  t.trace_id = store::TraceIdFor(e.id);
  t.instance = instance;
  t.event_id = e.id;
  t.application_id = routed.scope().application_id;
  t.environment = routed.scope().environment;
  t.topic = e.topic;
  t.source = events::SourceName(e.source);
  t.type = e.type;
  t.payload = json::Serialize(e.payload);
  t.timestamp = e.metadata.timestamp;
  t.remote = remote;
  t.subscriber_count = c.subscribers.load(std::memory_order_relaxed);
  t.delivered_count = c.delivered.load(std::memory_order_relaxed);
  t.filtered_count = c.filtered.load(std::memory_order_relaxed);
  t.schema_version = schema_version;
  t.decisions = DecisionsJson(routed);
  return t;
}

TraceRecorder::TraceRecorder(store::TraceRepository& repo, TraceOptions options)
    : repo_(repo), options_(std::move(options)), queue_(std::make_shared<Queue>()) {
  queue_->max = options_.max_queued;
  queue_->max_bytes = options_.max_queued_bytes;
  queue_->sample = options_.sample;
}

TraceRecorder::~TraceRecorder() { Stop(); }

std::vector<store::TraceRow> TraceRecorder::Recent(const Scope& scope, const std::string& trace_id) const {
  std::vector<store::TraceRow> out;
  std::lock_guard lock(recent_mu_);
  for (auto it = recent_.rbegin(); it != recent_.rend(); ++it)
    if (it->trace_id == trace_id && it->application_id == scope.application_id &&
        it->environment == scope.environment) {
      out.push_back(*it);
      break;  // one row per (trace, instance), and these are all this instance's
    }
  return out;
}

const TraceStats& TraceRecorder::stats() const { return queue_->stats; }

void TraceRecorder::Attach(events::EventRouter& router) {
  if (options_.sample <= 0.0) return;
  // The router samples each event once (one hash) and gives the sampled ones a decision log: the
  // observer queues exactly those.
  router.SetDecisionTracing([rate = options_.sample](std::string_view id) { return TraceSampled(id, rate); });
  router.AddRetainingObserver([q = queue_](const std::shared_ptr<const events::RoutedEvent>& e, bool remote) {
    q->Push(e, remote, e->decisions() != nullptr);
  });
}

void TraceRecorder::Record(const std::shared_ptr<const events::RoutedEvent>& event, bool remote) {
  queue_->Push(event, remote, TraceSampled(event->event().id, options_.sample));
}

Status TraceRecorder::Flush(int64_t now_ns, bool all) {
  {
    std::vector<Held> incoming;
    std::lock_guard lock(queue_->mu);
    incoming.swap(queue_->items);
    if (held_.empty()) {
      held_.swap(incoming);
    } else {
      for (auto& h : incoming) held_.push_back(std::move(h));
    }
  }
  const int64_t settled_before = now_ns - std::chrono::duration_cast<std::chrono::nanoseconds>(options_.settle).count();
  std::vector<store::TraceRow> rows;
  std::vector<Held> young;
  for (auto& h : held_) {
    if (all || h.event->accepted_ns() <= settled_before) {
      const auto& ev = *h.event;
      int64_t version = options_.schema_version ? options_.schema_version(ev.scope(), ev.event().topic) : 0;
      rows.push_back(TraceRowFor(ev, h.remote, options_.instance, version));
      queue_->bytes.fetch_sub(h.event->envelope_json().size(), std::memory_order_relaxed);
    } else {
      young.push_back(std::move(h));
    }
  }
  held_.swap(young);
  std::vector<store::TraceRow> batch;  // the rows a failed write left in the ring first, then the new
  {
    std::lock_guard lock(recent_mu_);
    if (rows.empty() && recent_.empty()) return Ok();
    batch.assign(std::make_move_iterator(recent_.begin()), std::make_move_iterator(recent_.end()));
    recent_.clear();
  }
  for (auto& r : rows) batch.push_back(std::move(r));
  Status st = repo_.WriteBatch(batch);
  if (st.ok()) {
    queue_->stats.written.fetch_add(batch.size(), std::memory_order_relaxed);
    if (failing_) log::Info("traces: writing again");
    failing_ = false;
    return st;
  }
  // Kept for the next flush (and for the API meanwhile), the newest `recent` of them.
  size_t keep = std::min(batch.size(), options_.recent);
  queue_->stats.failed.fetch_add(batch.size() - keep, std::memory_order_relaxed);
  {
    std::lock_guard lock(recent_mu_);
    recent_.assign(std::make_move_iterator(batch.end() - static_cast<std::ptrdiff_t>(keep)),
                   std::make_move_iterator(batch.end()));
  }
  if (!failing_)
    log::Warn("traces: a batch could not be written; the newest rows are kept in memory and retried "
              "(logged once until a write succeeds)",
              {{"rows", static_cast<int64_t>(batch.size())}, {"error", st.error().message}});
  failing_ = true;
  return st;
}

Status TraceRecorder::Prune(int64_t now_ms) {
  auto n = repo_.Prune(now_ms - options_.retention.count() * 1000, options_.max_traces);
  if (!n.ok()) {
    log::Warn("traces: prune failed (retried later)", {{"error", n.error().message}});
    return n.take_error();
  }
  if (*n > 0) log::Debug("traces: pruned", {{"rows", *n}});
  return Ok();
}

void TraceRecorder::Start() {
  if (thread_.joinable() || options_.sample <= 0.0) return;
  thread_ = std::thread([this] { Run(); });
}

void TraceRecorder::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(queue_->mu);
    queue_->closed = true;
  }
  if (options_.sample > 0.0) (void)Flush(SteadyNs(), true);
}

void TraceRecorder::Run() {
  (void)Prune(NowMs());
  auto next_prune = std::chrono::steady_clock::now() + options_.prune_interval;
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, options_.flush_interval, [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    (void)Flush(SteadyNs(), false);
    if (std::chrono::steady_clock::now() >= next_prune) {
      (void)Prune(NowMs());
      next_prune = std::chrono::steady_clock::now() + options_.prune_interval;
    }
    lock.lock();
  }
}

}  // namespace rt::monitor
