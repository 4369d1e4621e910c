// Cluster interest without Redis: MemoryBroker honours SetInterest, and FollowInterest makes a
// broker follow the hub's TopicInterest (issue 20 item 4).
#include "events/cluster_interest.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "broker/cluster_rpc.h"
#include "broker/memory_broker.h"

namespace rt::events {
namespace {

using namespace std::chrono_literals;

class InlineShards final : public ShardExecutor {
 public:
  size_t shard_count() const override { return 2; }
  void PostToShard(size_t, std::function<void()> task) override { task(); }
};

class NullConn final : public Subscriber {
 public:
  Wire wire() const override { return Wire::kNativeWs; }
  const std::string& socket_id() const override { return id_; }
  bool Enqueue(const std::shared_ptr<const std::string>&) override { return true; }
  void Flush() override {}

 private:
  std::string id_ = "sock_1";
};

// What a broker hands its handler, by topic (thread-safe).
class Received {
 public:
  broker::BrokerHandler Handler() {
    return [this](broker::BrokerMessage&& m) {
      std::lock_guard lock(mu_);
      topics_.push_back(m.scope.application_id + "/" + m.topic);
      cv_.notify_all();
    };
  }
  bool WaitFor(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 5s, [&] { return topics_.size() >= n; });
  }
  std::vector<std::string> Topics() {
    std::lock_guard lock(mu_);
    return topics_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> topics_;
};

broker::BrokerMessage Msg(const std::string& app, const std::string& topic) {
  return {{app, "development"}, topic, "{}"};
}

TEST(ClusterInterest, MemoryBrokerDeliversOnlyWantedKeysAndControlAlways) {
  auto bus = std::make_shared<broker::MemoryBus>();
  broker::MemoryBroker a(bus), b(bus);
  Received at_b;
  ASSERT_TRUE(a.Start([](broker::BrokerMessage&&) {}).ok());
  ASSERT_TRUE(b.Start(at_b.Handler()).ok());
  b.SetInterest(TopicKey({"app_1", "development"}, "wanted"), true);
  EXPECT_TRUE(b.WhenSubscribed(TopicKey({"app_1", "development"}, "wanted"), [] { FAIL(); }));

  a.Publish(Msg("app_1", "unwanted"));
  a.Publish(Msg("app_2", "wanted"));  // same topic, other tenant
  a.Publish({{broker::kControlScope, broker::kControlScope}, "hello", "hello\ninst_a"});
  a.Publish(Msg("app_1", "wanted"));
  ASSERT_TRUE(at_b.WaitFor(2));
  // The control message and the wanted event arrived; what was published before them did not.
  EXPECT_EQ(at_b.Topics(), (std::vector<std::string>{"$cluster/hello", "app_1/wanted"}));

  b.SetInterest(TopicKey({"app_1", "development"}, "wanted"), false);
  b.SetInterest("app_1\x1f" "development\x1f" "glob.*", true);
  a.Publish(Msg("app_1", "wanted"));
  a.Publish(Msg("app_1", "glob.x"));
  ASSERT_TRUE(at_b.WaitFor(3));
  EXPECT_EQ(at_b.Topics().back(), "app_1/glob.x");
  EXPECT_EQ(at_b.Topics().size(), 3u);
}

TEST(ClusterInterest, BrokerFollowsTheHubsSubscriptions) {
  InlineShards shards;
  SubscriptionHub hub(shards);
  auto bus = std::make_shared<broker::MemoryBus>();
  broker::MemoryBroker a(bus), b(bus);
  FollowInterest(hub, b);
  Received at_b;
  ASSERT_TRUE(a.Start([](broker::BrokerMessage&&) {}).ok());
  ASSERT_TRUE(b.Start(at_b.Handler()).ok());
  const Scope scope{"app_1", "development"};
  NullConn c1, c2;

  a.Publish(Msg("app_1", "room"));  // nobody on B yet: not delivered
  std::string s1 = hub.Subscribe(0, &c1, scope, "room", Filter(), ReturnMode::kFull);
  std::string s2 = hub.Subscribe(1, &c2, scope, "room", Filter(), ReturnMode::kFull);
  a.Publish(Msg("app_1", "room"));
  ASSERT_TRUE(at_b.WaitFor(1));

  ASSERT_TRUE(hub.Unsubscribe(0, &c1, s1));  // one shard still subscribes: still wanted
  a.Publish(Msg("app_1", "room"));
  ASSERT_TRUE(at_b.WaitFor(2));

  ASSERT_TRUE(hub.Unsubscribe(1, &c2, s2));  // the last one: no longer wanted
  hub.Subscribe(0, &c1, scope, "marker", Filter(), ReturnMode::kFull);
  a.Publish(Msg("app_1", "room"));
  a.Publish(Msg("app_1", "marker"));
  ASSERT_TRUE(at_b.WaitFor(3));
  EXPECT_EQ(at_b.Topics(), (std::vector<std::string>{"app_1/room", "app_1/room", "app_1/marker"}));
  hub.RemoveAll(0, &c1);
  hub.RemoveAll(1, &c2);
}

}  // namespace
}  // namespace rt::events
