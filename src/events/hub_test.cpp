#include "events/hub.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <algorithm>
#include <functional>
#include <map>
#include <memory>

namespace rt::events {
namespace {

// Runs posted tasks when asked, on the calling thread (a deterministic stand-in for I/O threads).
class ManualExecutor final : public ShardExecutor {
 public:
  explicit ManualExecutor(size_t n) : n_(n) {}
  size_t shard_count() const override { return n_; }
  void PostToShard(size_t shard, std::function<void()> task) override { tasks_.emplace_back(shard, std::move(task)); }
  void RunAll() {
    auto tasks = std::move(tasks_);
    tasks_.clear();
    for (auto& [_, t] : tasks) t();
  }
  size_t pending() const { return tasks_.size(); }

 private:
  size_t n_;
  std::vector<std::pair<size_t, std::function<void()>>> tasks_;
};

class FakeConn final : public Subscriber {
 public:
  Wire wire() const override { return Wire::kNativeWs; }
  const std::string& socket_id() const override { return id; }
  std::string id;
  std::function<void()> on_enqueue;  // e.g. publishes meanwhile (the shard is busy)
  bool Enqueue(const std::shared_ptr<const std::string>& f) override {
    queued.push_back(f);
    if (on_enqueue) on_enqueue();
    return !full;
  }
  bool full = false;  // the connection is a slow consumer: frames are dropped
  void Flush() override {
    ++flushes;
    flushed_frames = queued.size();
  }
  size_t flushed_frames = 0;  // frames queued before the last Flush
  std::vector<std::shared_ptr<const std::string>> queued;
  int flushes = 0;
};

std::shared_ptr<const RoutedEvent> Ev(const Scope& scope, const char* topic, const char* payload) {
  RawEventInput in;
  in.topic = topic;
  in.payload = boost::json::parse(payload).as_object();
  auto e = Normalize(std::move(in), {}, 1);
  std::string json = SerializeEvent(*e);
  return std::make_shared<const RoutedEvent>(scope, std::move(*e), std::move(json));
}

TEST(Hub, DeliversByScopeTopicAndFilterSharingOneFrame) {
  ManualExecutor ex(2);
  SubscriptionHub hub(ex);
  Scope a{"app_a", "development"}, b{"app_b", "development"}, a_staging{"app_a", "staging"};
  FakeConn c1, c2, c3, c4;
  hub.Subscribe(0, &c1, a, "chat:room1", Filter(), ReturnMode::kFull);
  hub.Subscribe(1, &c2, a, "chat:room1", *Filter::Compile(boost::json::parse(R"({"n":1})")), ReturnMode::kFull);
  hub.Subscribe(1, &c3, b, "chat:room1", Filter(), ReturnMode::kFull);
  hub.Subscribe(0, &c4, a_staging, "chat:room1", Filter(), ReturnMode::kFull);

  hub.Publish(Ev(a, "chat:room1", R"({"n":1})"));
  hub.Publish(Ev(a, "chat:room1", R"({"n":2})"));
  EXPECT_EQ(ex.pending(), 2u);  // one drain per shard for the whole burst
  ex.RunAll();
  EXPECT_EQ(c1.queued.size(), 2u);
  EXPECT_EQ(c1.flushes, 1);  // coalesced
  EXPECT_EQ(c2.queued.size(), 1u);
  EXPECT_EQ(c1.queued[0].get(), c2.queued[0].get());  // the same buffer
  EXPECT_TRUE(c3.queued.empty());  // other application
  EXPECT_TRUE(c4.queued.empty());  // other environment
  EXPECT_EQ(hub.stats().delivered.load(), 3u);
  EXPECT_EQ(hub.stats().filtered.load(), 1u);
}

TEST(Hub, OneDeliveryPerConnectionAndCleanRemoval) {
  ManualExecutor ex(1);
  SubscriptionHub hub(ex);
  Scope s{"default", "development"};
  FakeConn c;
  std::string id1 = hub.Subscribe(0, &c, s, "t", Filter(), ReturnMode::kFull);
  hub.Subscribe(0, &c, s, "t", *Filter::Compile(boost::json::parse(R"({"x":1})")), ReturnMode::kFull);
  hub.Publish(Ev(s, "t", R"({"x":1})"));
  ex.RunAll();
  EXPECT_EQ(c.queued.size(), 1u);
  EXPECT_EQ(hub.CountFor(0, &c), 2u);
  EXPECT_FALSE(hub.Unsubscribe(0, &c, "sub_unknown"));
  FakeConn other;
  EXPECT_FALSE(hub.Unsubscribe(0, &other, id1));  // not its subscription
  EXPECT_TRUE(hub.Unsubscribe(0, &c, id1));
  hub.RemoveAll(0, &c);
  EXPECT_EQ(hub.CountFor(0, &c), 0u);
  EXPECT_EQ(hub.stats().subscriptions.load(), 0);
  hub.Publish(Ev(s, "t", R"({"x":1})"));
  ex.RunAll();
  EXPECT_EQ(c.queued.size(), 1u);
}

}  // namespace
}  // namespace rt::events

namespace rt::events {
namespace {

TEST(Hub, EqualFiltersShareAnEvaluationAndUnsubscribeCleanly) {
  ManualExecutor ex(1);
  SubscriptionHub hub(ex);
  Scope s{"default", "development"};
  FakeConn a, b, c;
  auto f = [](const char* spec) { return *Filter::Compile(boost::json::parse(spec)); };
  EXPECT_EQ(f(R"({"x":1,"y":"z"})").signature(), f(R"({"y":"z","x":1})").signature());
  EXPECT_NE(f(R"({"x":1})").signature(), f(R"({"x":2})").signature());
  std::string ida = hub.Subscribe(0, &a, s, "t", f(R"({"x":1,"y":"z"})"), ReturnMode::kFull);
  hub.Subscribe(0, &b, s, "t", f(R"({"y":"z","x":1})"), ReturnMode::kFull);
  hub.Subscribe(0, &c, s, "t", f(R"({"x":2})"), ReturnMode::kFull);
  hub.Publish(Ev(s, "t", R"({"x":1,"y":"z"})"));
  ex.RunAll();
  EXPECT_EQ(a.queued.size(), 1u);
  EXPECT_EQ(b.queued.size(), 1u);
  EXPECT_TRUE(c.queued.empty());
  EXPECT_EQ(hub.stats().filtered.load(), 1u);
  EXPECT_TRUE(hub.Unsubscribe(0, &a, ida));
  hub.Publish(Ev(s, "t", R"({"x":1,"y":"z"})"));
  ex.RunAll();
  EXPECT_EQ(a.queued.size(), 1u);
  EXPECT_EQ(b.queued.size(), 2u);
  hub.RemoveAll(0, &b);
  hub.RemoveAll(0, &c);
  EXPECT_EQ(hub.stats().subscriptions.load(), 0);
}

TEST(Hub, InboxIsBoundedDropsAreCountedAndItRecoversAfterADrain) {
  ManualExecutor ex(2);
  auto probe = Ev({"default", "development"}, "t", R"({"pad":"0123456789"})");
  size_t weight = probe->envelope_json().size() + sizeof(RoutedEvent);
  SubscriptionHub hub(ex, weight * 3);  // room for three events per shard
  Scope s{"default", "development"};
  FakeConn a, b;
  hub.Subscribe(0, &a, s, "t", Filter(), ReturnMode::kFull);
  hub.Subscribe(1, &b, s, "t", Filter(), ReturnMode::kFull);
  for (int i = 0; i < 5; ++i) hub.Publish(Ev(s, "t", R"({"pad":"0123456789"})"));
  EXPECT_EQ(hub.stats().dropped.load(), 4u);  // two events on each of the two shards
  EXPECT_EQ(ex.pending(), 2u);
  ex.RunAll();
  EXPECT_EQ(a.queued.size(), 3u);
  EXPECT_EQ(b.queued.size(), 3u);
  // The drain emptied the inboxes: accepted again.
  hub.Publish(Ev(s, "t", R"({"pad":"0123456789"})"));
  ex.RunAll();
  EXPECT_EQ(a.queued.size(), 4u);
  EXPECT_EQ(hub.stats().dropped.load(), 4u);
  // An event larger than the whole bound still passes when the inbox is empty.
  std::string big = R"({"pad":")" + std::string(weight * 4, 'x') + R"("})";
  hub.Publish(Ev(s, "t", big.c_str()));
  ex.RunAll();
  EXPECT_EQ(a.queued.size(), 5u);
  hub.RemoveAll(0, &a);
  hub.RemoveAll(1, &b);
}

}  // namespace
}  // namespace rt::events

namespace rt::events {
namespace {

TEST(Hub, FeedsPerTopicSubscribersAndLatencySamplesToTheTopicCounters) {
  ManualExecutor ex(1);
  SubscriptionHub hub(ex);
  TopicCounters counters;
  hub.SetTopicCounters(&counters);
  Scope s{"default", "development"};
  FakeConn c1, c2;
  std::string id = hub.Subscribe(0, &c1, s, "orders", Filter(), ReturnMode::kFull);
  hub.Subscribe(0, &c2, s, "orders", Filter(), ReturnMode::kFull);
  hub.Subscribe(0, &c2, s, "other.topic", Filter(), ReturnMode::kFull);
  hub.Subscribe(0, &c2, s, "direct:sock_1", Filter(), ReturnMode::kFull);  // the platform's own: not counted
  for (uint64_t i = 0; i < SubscriptionHub::kLatencySampleEvery; ++i) hub.Publish(Ev(s, "orders", R"({"n":1})"));
  ex.RunAll();
  auto find = [&](const std::string& topic) {
    for (auto& row : counters.Topics())
      if (row.topic == topic) return row;
    return TopicCounters::TopicRow{};
  };
  EXPECT_EQ(find("orders").subscribers, 2);
  EXPECT_EQ(find("other.topic").subscribers, 1);
  for (auto& row : counters.Topics()) EXPECT_NE(row.topic, "direct:sock_1");
  EXPECT_EQ(find("orders").latency.count, 1u);  // one sampled event in kLatencySampleEvery
  EXPECT_TRUE(hub.Unsubscribe(0, &c1, id));
  hub.RemoveAll(0, &c2);
  EXPECT_EQ(find("orders").subscribers, 0);
  EXPECT_EQ(find("other.topic").subscribers, 0);
}

}  // namespace
}  // namespace rt::events

namespace rt::events {
namespace {

TEST(Hub, CountsEachEventsSubscribersDeliveriesAndFilteredOncePerShard) {
  ManualExecutor ex(2);
  SubscriptionHub hub(ex);
  Scope s{"default", "development"};
  FakeConn matching, rejecting, other_topic;
  hub.Subscribe(0, &matching, s, "t", *Filter::Compile(boost::json::parse(R"({"x":1})")), ReturnMode::kFull);
  hub.Subscribe(1, &rejecting, s, "t", *Filter::Compile(boost::json::parse(R"({"x":2})")), ReturnMode::kFull);
  hub.Subscribe(1, &other_topic, s, "u", Filter(), ReturnMode::kFull);
  auto first = Ev(s, "t", R"({"x":1})");
  auto second = Ev(s, "t", R"({"x":3})");
  auto nobody = Ev(s, "v", R"({"x":1})");
  hub.Publish(first);
  hub.Publish(second);
  hub.Publish(nobody);
  EXPECT_EQ(first->routing().subscribers.load(), 0u);  // nothing before the drains
  ex.RunAll();
  EXPECT_EQ(first->routing().subscribers.load(), 2u);  // summed over both shards
  EXPECT_EQ(first->routing().delivered.load(), 1u);
  EXPECT_EQ(first->routing().filtered.load(), 1u);
  EXPECT_EQ(second->routing().subscribers.load(), 2u);
  EXPECT_EQ(second->routing().delivered.load(), 0u);
  EXPECT_EQ(second->routing().filtered.load(), 2u);
  EXPECT_EQ(nobody->routing().subscribers.load(), 0u);
  EXPECT_EQ(nobody->routing().delivered.load(), 0u);
  EXPECT_EQ(matching.queued.size(), 1u);
  EXPECT_TRUE(rejecting.queued.empty());
}

TEST(Hub, NotesEachSubscriptionsFateForTracedEventsOnlyBounded) {
  ManualExecutor ex(2);
  SubscriptionHub hub(ex);
  Scope s{"default", "development"};
  FakeConn matching, rejecting;
  matching.id = "sock_m";
  rejecting.id = "sock_r";
  auto m = hub.Subscribe(0, &matching, s, "t", *Filter::Compile(boost::json::parse(R"({"x":1})")), ReturnMode::kFull);
  auto r = hub.Subscribe(1, &rejecting, s, "t", *Filter::Compile(boost::json::parse(R"({"x":2})")), ReturnMode::kFull);
  auto traced = Ev(s, "t", R"({"x":1})");
  traced->RecordDecisions();
  auto untraced = Ev(s, "t", R"({"x":1})");
  hub.Publish(traced);
  hub.Publish(untraced);
  ex.RunAll();
  EXPECT_EQ(untraced->decisions(), nullptr);
  ASSERT_NE(traced->decisions(), nullptr);
  uint32_t omitted = 99;
  auto d = traced->decisions()->Decisions(&omitted);
  EXPECT_EQ(omitted, 0u);
  ASSERT_EQ(d.size(), 2u);
  std::map<std::string, const RoutingDecision*> by_id{{d[0].subscription_id.str(), &d[0]}, {d[1].subscription_id.str(), &d[1]}};
  ASSERT_TRUE(by_id.contains(m) && by_id.contains(r));
  EXPECT_EQ(by_id[m]->verdict, RoutingDecision::Verdict::kDelivered);
  EXPECT_EQ(by_id[m]->socket_id, "sock_m");
  EXPECT_EQ(by_id[r]->verdict, RoutingDecision::Verdict::kFiltered);
  EXPECT_EQ(by_id[r]->socket_id, "sock_r");
  ASSERT_NE(by_id[r]->filter, nullptr);
  EXPECT_EQ(boost::json::serialize(*by_id[r]->filter), R"({"x":2})");

  // A connection whose queue is over its limit drops the frame: noted as such.
  matching.full = true;
  auto dropped = Ev(s, "t", R"({"x":1})");
  dropped->RecordDecisions();
  hub.Publish(dropped);
  ex.RunAll();
  auto dd = dropped->decisions()->Decisions(&omitted);
  auto slow = std::find_if(dd.begin(), dd.end(), [&](const RoutingDecision& x) { return x.subscription_id == m; });
  ASSERT_NE(slow, dd.end());
  EXPECT_EQ(slow->verdict, RoutingDecision::Verdict::kDropped);
  EXPECT_STREQ(VerdictName(slow->verdict), "dropped");

  // Bounded: many subscribers keep DecisionLog::kMax decisions and count the rest.
  std::vector<std::unique_ptr<FakeConn>> many;
  for (int i = 0; i < 100; ++i) {
    many.push_back(std::make_unique<FakeConn>());
    hub.Subscribe(i % 2, many.back().get(), s, "big", Filter(), ReturnMode::kFull);
  }
  auto big = Ev(s, "big", R"({})");
  big->RecordDecisions();
  hub.Publish(big);
  ex.RunAll();
  EXPECT_EQ(big->routing().delivered.load(), 100u);
  auto kept = big->decisions()->Decisions(&omitted);
  EXPECT_EQ(kept.size(), 2 * DecisionLog::kPerVerdict);  // each of the 2 shards: kPerVerdict delivered
  EXPECT_EQ(kept.size() + omitted, 100u);
}

TEST(Hub, UnsubscribingInAnyOrderKeepsEveryOtherSubscriptionExact) {
  // Entries and groups are swap-removed with their places kept current: after removing a
  // shuffled half, exactly the remaining subscriptions receive, with their own filters.
  ManualExecutor ex(1);
  SubscriptionHub hub(ex);
  Scope s{"default", "development"};
  const int n = 300;
  std::vector<FakeConn> conns(n);
  std::vector<std::string> ids(n);
  const char* filters[] = {R"({"x":1})", R"({"x":2})", "null"};
  for (int i = 0; i < n; ++i)
    ids[i] = hub.Subscribe(0, &conns[i], s, "t", *Filter::Compile(boost::json::parse(filters[i % 3])), ReturnMode::kFull);
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = (i * 7919) % n;  // a permutation (7919 is prime, n = 300)
  std::vector<bool> gone(n, false);
  for (int k = 0; k < n / 2; ++k) {
    int i = order[k];
    ASSERT_TRUE(hub.Unsubscribe(0, &conns[i], ids[i]));
    gone[i] = true;
  }
  EXPECT_FALSE(hub.Unsubscribe(0, &conns[order[0]], ids[order[0]]));  // already gone
  hub.Publish(Ev(s, "t", R"({"x":1})"));
  ex.RunAll();
  for (int i = 0; i < n; ++i) {
    size_t want = !gone[i] && i % 3 != 1 ? 1 : 0;  // x:1 and no filter match; x:2 does not
    EXPECT_EQ(conns[i].queued.size(), want) << i;
  }
  // Everyone leaves: the topic disappears, a new subscriber starts clean.
  for (int i = 0; i < n; ++i) {
    if (!gone[i]) {
      ASSERT_TRUE(hub.Unsubscribe(0, &conns[i], ids[i]));
    }
  }
  EXPECT_EQ(hub.stats().subscriptions.load(), 0);
  FakeConn late;
  hub.Subscribe(0, &late, s, "t", Filter(), ReturnMode::kFull);
  hub.Publish(Ev(s, "t", R"({"x":3})"));
  ex.RunAll();
  EXPECT_EQ(late.queued.size(), 1u);
}

TEST(Hub, PublishWakesOnlyShardsWithSubscribersAndReportsInterestTransitions) {
  ManualExecutor ex(3);
  SubscriptionHub hub(ex);
  std::vector<std::pair<std::string, bool>> seen;
  hub.interest().SetListener([&](const std::string& key, bool on) { seen.emplace_back(key, on); });
  Scope s{"default", "development"};
  FakeConn a, b, c;
  std::string sa = hub.Subscribe(1, &a, s, "t", Filter(), ReturnMode::kFull);
  std::string sb = hub.Subscribe(1, &b, s, "t", Filter(), ReturnMode::kFull);  // same shard: no new transition
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], std::make_pair(TopicKey(s, "t"), true));
  EXPECT_EQ(hub.interest().Shards(TopicKey(s, "t")), uint64_t{1} << 1);
  hub.Publish(Ev(s, "t", R"({"x":1})"));
  EXPECT_EQ(ex.pending(), 1u);  // shards 0 and 2 are not woken
  hub.Publish(Ev(s, "nobody", R"({"x":1})"));
  EXPECT_EQ(ex.pending(), 1u);  // no shard at all for a topic without subscribers
  ex.RunAll();
  EXPECT_EQ(a.queued.size(), 1u);
  EXPECT_EQ(b.queued.size(), 1u);
  hub.Subscribe(2, &c, s, "t", Filter(), ReturnMode::kFull);
  EXPECT_EQ(hub.interest().Shards(TopicKey(s, "t")), (uint64_t{1} << 1) | (uint64_t{1} << 2));
  hub.Publish(Ev(s, "t", R"({"x":2})"));
  EXPECT_EQ(ex.pending(), 2u);
  ex.RunAll();
  EXPECT_EQ(c.queued.size(), 1u);
  EXPECT_TRUE(hub.Unsubscribe(1, &a, sa));
  EXPECT_TRUE(hub.Unsubscribe(1, &b, sb));
  EXPECT_EQ(hub.interest().Shards(TopicKey(s, "t")), uint64_t{1} << 2);
  EXPECT_EQ(seen.size(), 1u);  // shard 2 still subscribes
  hub.RemoveAll(2, &c);
  EXPECT_EQ(hub.interest().Shards(TopicKey(s, "t")), 0u);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1], std::make_pair(TopicKey(s, "t"), false));
  EXPECT_TRUE(hub.interest().Keys().empty());
}

// A drain that ends with more events already waiting leaves its flush to the next drain (one
// write for both), within the bound; a lone event is flushed at once.
TEST(Hub, BusyShardCoalescesFlushesWithinTheBound) {
  ManualExecutor ex(1);
  SubscriptionHub hub(ex);
  hub.SetFlushCoalescing(std::chrono::hours(1));
  Scope s{"default", "development"};
  FakeConn a;
  hub.Subscribe(0, &a, s, "t", Filter(), ReturnMode::kFull);
  int more = 1;  // the first delivery publishes one more event while the drain runs
  a.on_enqueue = [&] {
    if (more-- > 0) hub.Publish(Ev(s, "t", R"({"n":2})"));
  };
  hub.Publish(Ev(s, "t", R"({"n":1})"));
  ex.RunAll();
  EXPECT_EQ(a.queued.size(), 1u);
  EXPECT_EQ(a.flushes, 0);  // deferred: the next drain is queued
  EXPECT_EQ(ex.pending(), 1u);
  ex.RunAll();
  EXPECT_EQ(a.flushes, 1);  // one flush for both events
  EXPECT_EQ(a.flushed_frames, 2u);
  hub.Publish(Ev(s, "t", R"({"n":3})"));  // not busy: flushed by its own drain
  ex.RunAll();
  EXPECT_EQ(a.flushes, 2);

  // Without coalescing every drain flushes.
  hub.SetFlushCoalescing(std::chrono::nanoseconds(0));
  more = 1;
  hub.Publish(Ev(s, "t", R"({"n":4})"));
  ex.RunAll();
  EXPECT_EQ(a.flushes, 3);
  ex.RunAll();
  EXPECT_EQ(a.flushes, 4);

  // The bound: with a 1 ns bound a busy shard defers once, then flushes although still busy.
  hub.SetFlushCoalescing(std::chrono::nanoseconds(1));
  more = 3;
  hub.Publish(Ev(s, "t", R"({"n":5})"));
  ex.RunAll();
  EXPECT_EQ(a.flushes, 4);
  ex.RunAll();
  EXPECT_EQ(a.flushes, 5);
  hub.RemoveAll(0, &a);
}

// A subscriber that leaves while its frames wait for the next drain is never flushed after.
TEST(Hub, RemoveAllForgetsADeferredFlush) {
  ManualExecutor ex(1);
  SubscriptionHub hub(ex);
  hub.SetFlushCoalescing(std::chrono::hours(1));
  Scope s{"default", "development"};
  auto a = std::make_unique<FakeConn>();
  FakeConn b;
  hub.Subscribe(0, a.get(), s, "t", Filter(), ReturnMode::kFull);
  hub.Subscribe(0, &b, s, "t", Filter(), ReturnMode::kFull);
  int more = 1;
  b.on_enqueue = [&] {
    if (more-- > 0) hub.Publish(Ev(s, "t", R"({"n":2})"));
  };
  hub.Publish(Ev(s, "t", R"({"n":1})"));
  ex.RunAll();
  EXPECT_EQ(a->flushes, 0);
  hub.RemoveAll(0, a.get());
  a.reset();  // ASan would report a flush through the dangling pointer
  ex.RunAll();
  EXPECT_EQ(b.flushes, 1);
  EXPECT_EQ(b.queued.size(), 2u);
  hub.RemoveAll(0, &b);
}

}  // namespace
}  // namespace rt::events
