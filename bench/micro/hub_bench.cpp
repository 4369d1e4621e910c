// Filter evaluation and local fan-out: the per-delivery cost of the hub, without sockets.
//   build/bin/micro_bench --benchmark_filter=.
#include <benchmark/benchmark.h>

#include <boost/json/parse.hpp>
#include <mutex>

#include "events/hub.h"

namespace rt::events {
namespace {

class InlineExecutor final : public ShardExecutor {
 public:
  size_t shard_count() const override { return 1; }
  void PostToShard(size_t, std::function<void()> task) override { task(); }
};

class CountingSubscriber final : public Subscriber {
 public:
  Wire wire() const override { return Wire::kNativeWs; }
  const std::string& socket_id() const override { return id; }
  std::string id;
  bool Enqueue(const std::shared_ptr<const std::string>& f) override {
    last = f;
    ++frames;
    return true;
  }
  void Flush() override {}
  std::shared_ptr<const std::string> last;
  uint64_t frames = 0;
};

std::shared_ptr<const RoutedEvent> Event(const Scope& scope, int n) {
  RawEventInput in;
  in.topic = "session.status";
  in.payload = boost::json::parse(R"({"campusId":12,"status":"active","user":{"role":"admin"},"pad":"0123456789012345678901234567890123456789"})").as_object();
  in.payload["n"] = n;
  auto e = Normalize(std::move(in), {}, 1);
  std::string json = SerializeEvent(*e);
  return std::make_shared<const RoutedEvent>(scope, std::move(*e), std::move(json));
}

void BM_FilterMatch(benchmark::State& state) {
  auto f = *Filter::Compile(boost::json::parse(R"({"campusId":12,"status":{"in":["pending","active"]},"user.role":"admin"})"));
  auto payload = boost::json::parse(R"({"campusId":12,"status":"active","user":{"role":"admin"},"x":1})").as_object();
  for (auto _ : state) benchmark::DoNotOptimize(f.Matches(payload));
}
BENCHMARK(BM_FilterMatch);

void BM_FilterReject(benchmark::State& state) {
  auto f = *Filter::Compile(boost::json::parse(R"({"campusId":13})"));
  auto payload = boost::json::parse(R"({"campusId":12,"status":"active"})").as_object();
  for (auto _ : state) benchmark::DoNotOptimize(f.Matches(payload));
}
BENCHMARK(BM_FilterReject);

// One publish to N subscribers of one topic (frame serialized once, shared by all).
void BM_FanOut(benchmark::State& state) {
  InlineExecutor ex;
  SubscriptionHub hub(ex);
  Scope scope{"default", "development"};
  std::vector<CountingSubscriber> subs(static_cast<size_t>(state.range(0)));
  bool filtered = state.range(1) != 0;
  for (size_t i = 0; i < subs.size(); ++i) {
    Filter f = filtered ? *Filter::Compile(boost::json::parse(i % 10 == 0 ? R"({"campusId":12})" : R"({"campusId":13})"))
                        : Filter();
    hub.Subscribe(0, &subs[i], scope, "session.status", std::move(f), ReturnMode::kFull);
  }
  int n = 0;
  for (auto _ : state) hub.Publish(Event(scope, n++));
  state.counters["deliveries/s"] =
      benchmark::Counter(static_cast<double>(hub.stats().delivered.load()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FanOut)->Args({1000, 0})->Args({5000, 0})->Args({5000, 1});

// The metrics' share of the publish path (issue 16: ≤ 2%): one publish to 1,000 subscribers
// with the router's per-topic count and the hub's per-topic subscribers and latency samples
// (arg 1) or with REALTIME_METRICS=off (arg 0). Compare the two times per publish.
void BM_FanOutMetrics(benchmark::State& state) {
  InlineExecutor ex;
  SubscriptionHub hub(ex);
  TopicCounters counters;
  const bool on = state.range(0) != 0;
  if (on) hub.SetTopicCounters(&counters);
  else hub.SetLatencySampling(false);
  Scope scope{"default", "development"};
  std::vector<CountingSubscriber> subs(1000);
  for (auto& sub : subs) hub.Subscribe(0, &sub, scope, "session.status", Filter(), ReturnMode::kFull);
  for (int t = 0; t < 150; ++t) counters.Count(Source::kSocket, "topic." + std::to_string(t));  // a busy table
  int n = 0;
  for (auto _ : state) {
    auto ev = Event(scope, n++);
    if (on) counters.Count(ev->event().source, ev->event().topic);  // EventRouter::Publish's share
    hub.Publish(std::move(ev));
  }
  state.SetLabel(on ? "metrics on" : "REALTIME_METRICS=off");
}
BENCHMARK(BM_FanOutMetrics)->Arg(0)->Arg(1)->Repetitions(5)->ReportAggregatesOnly(true);

// The traces' share of the publish path (issue 17: ≤ 5%): one publish to 1,000 subscribers
// traced as REALTIME_TRACE_SAMPLE=1 does it (arg 1: the hub notes the bounded per-subscription
// decisions, the recorder's observer queues a reference under a lock) or untraced (arg 0).
// The rows are built and written by the recorder's thread, off this path.
void BM_FanOutTraced(benchmark::State& state) {
  InlineExecutor ex;
  SubscriptionHub hub(ex);
  const bool on = state.range(0) != 0;
  Scope scope{"default", "development"};
  std::vector<CountingSubscriber> subs(1000);
  for (auto& sub : subs) hub.Subscribe(0, &sub, scope, "session.status", Filter(), ReturnMode::kFull);
  std::mutex mu;
  std::vector<std::shared_ptr<const RoutedEvent>> queue;  // the recorder's queue
  queue.reserve(64);
  int n = 0;
  for (auto _ : state) {
    auto ev = Event(scope, n++);
    if (on) ev->RecordDecisions();  // EventRouter::FanOut, for a sampled event
    hub.Publish(ev);
    if (on) {
      std::lock_guard lock(mu);  // the observer (TraceRecorder::Queue::Push)
      queue.push_back(std::move(ev));
      // The recorder's thread lets them go after a flush; here in the timed loop, so that both
      // variants pay for freeing their events (the rows it builds are measured end to end).
      if (queue.size() == 64) queue.clear();
    }
  }
  state.SetLabel(on ? "traced" : "REALTIME_TRACE_SAMPLE=0");
}
BENCHMARK(BM_FanOutTraced)->Arg(0)->Arg(1)->Repetitions(5)->ReportAggregatesOnly(true);

// Filling a big room: N connections subscribe to one topic (half with one shared filter, half
// without), then all leave. Reported per subscribe+unsubscribe; flat in N when both are O(1).
void BM_SubscribeBigTopic(benchmark::State& state) {
  InlineExecutor ex;
  const size_t n = static_cast<size_t>(state.range(0));
  Scope scope{"default", "development"};
  std::vector<CountingSubscriber> subs(n);
  auto filter = *Filter::Compile(boost::json::parse(R"({"campusId":12})"));
  for (auto _ : state) {
    SubscriptionHub hub(ex);
    std::vector<std::string> ids;
    ids.reserve(n);
    for (size_t i = 0; i < n; ++i)
      ids.push_back(hub.Subscribe(0, &subs[i], scope, "room", i % 2 ? filter : Filter(), ReturnMode::kFull));
    for (size_t i = 0; i < n; ++i) hub.Unsubscribe(0, &subs[i], ids[i]);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_SubscribeBigTopic)->Arg(1000)->Arg(10000);

// One per-topic count (shared lock + hash lookup + relaxed add) among 200 topics.
void BM_TopicCount(benchmark::State& state) {
  TopicCounters counters;
  for (int t = 0; t < 200; ++t) counters.Count(Source::kSocket, "topic." + std::to_string(t));
  for (auto _ : state) counters.Count(Source::kSocket, "topic.117");
}
BENCHMARK(BM_TopicCount);

}  // namespace
}  // namespace rt::events
