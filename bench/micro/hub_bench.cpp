// Filter evaluation and local fan-out: the per-delivery cost of the hub, without sockets.
//   build/bin/micro_bench --benchmark_filter=.
#include <benchmark/benchmark.h>

#include <boost/json/parse.hpp>

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
  void Enqueue(const std::shared_ptr<const std::string>& f) override {
    last = f;
    ++frames;
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

}  // namespace
}  // namespace rt::events
