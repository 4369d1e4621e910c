#include "events/router.h"

#include <gtest/gtest.h>

#include <vector>

#include "broker/cluster_rpc.h"

namespace rt::events {
namespace {

class NoShards final : public ShardExecutor {
 public:
  size_t shard_count() const override { return 1; }
  void PostToShard(size_t, std::function<void()> task) override { task(); }
};

class RecordingBroker final : public broker::Broker {
 public:
  Status Start(broker::BrokerHandler) override { return Ok(); }
  void Publish(broker::BrokerMessage m) override { sent.push_back(std::move(m)); }
  void Stop() override {}
  void SetInterest(const std::string&, bool) override {}
  bool WhenSubscribed(const std::string&, std::function<void()>) override { return true; }
  broker::BrokerStats Stats() const override { return {}; }
  std::string Name() const override { return "recording"; }
  std::vector<broker::BrokerMessage> sent;
};

struct RouterFixture : ::testing::Test {
  NoShards shards;
  SubscriptionHub hub{shards};
  RecordingBroker broker;
  registry::OpenTopicPolicy topics;
  EventRouter router{hub, broker, topics, NormalizeOptions{}};
  std::vector<std::pair<std::string, bool>> seen;  // (id, remote)
  Scope scope{"default", "development"};

  void SetUp() override {
    router.AddObserver([this](const RoutedEvent& e, bool remote) { seen.emplace_back(e.event().id, remote); });
  }
  RawEventInput Input(Source source, std::string id) {
    RawEventInput in;
    in.topic = "orders";
    in.source = source;
    in.id = std::move(id);
    return in;
  }
};

TEST_F(RouterFixture, ADatabaseEventWithAnIdAlreadyRoutedIsDroppedOnce) {
  auto first = router.Publish(scope, Input(Source::kDatabase, "evt_0123456789abcdef"));
  ASSERT_TRUE(first.ok());
  auto again = router.Publish(scope, Input(Source::kDatabase, "evt_0123456789abcdef"));
  ASSERT_TRUE(again.ok()) << "a repeat is not an error for its publisher";
  EXPECT_EQ(*again, "evt_0123456789abcdef");
  ASSERT_TRUE(router.Publish(scope, Input(Source::kDatabase, "evt_fedcba9876543210")).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, "evt_0123456789abcdef");
  EXPECT_EQ(seen[1].first, "evt_fedcba9876543210");
  EXPECT_EQ(broker.sent.size(), 2u);
  EXPECT_EQ(router.stats().duplicates.load(), 1u);
  EXPECT_EQ(router.stats().published.load(), 2u);
}

TEST_F(RouterFixture, OtherSourcesAreNotFiltered) {
  ASSERT_TRUE(router.Publish(scope, Input(Source::kSocket, "evt_same")).ok());
  ASSERT_TRUE(router.Publish(scope, Input(Source::kSocket, "evt_same")).ok());
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_EQ(router.stats().duplicates.load(), 0u);
}

TEST_F(RouterFixture, ARemoteRepeatOfALocalOrRemoteDatabaseEventIsDropped) {
  ASSERT_TRUE(router.Publish(scope, Input(Source::kDatabase, "evt_local")).ok());
  ASSERT_EQ(broker.sent.size(), 1u);
  broker::BrokerMessage echo = broker.sent[0];  // the same event coming back from another instance
  router.OnRemote(std::move(echo));
  // A database event first seen from another instance, then again (a second reader's replay).
  auto remote = Normalize(Input(Source::kDatabase, "evt_remote"), {}, 1);
  ASSERT_TRUE(remote.ok());
  std::string json = SerializeEvent(*remote);
  router.OnRemote({scope, "orders", json, ""});
  router.OnRemote({scope, "orders", json, ""});
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::make_pair(std::string("evt_local"), false));
  EXPECT_EQ(seen[1], std::make_pair(std::string("evt_remote"), true));
  EXPECT_EQ(router.stats().duplicates.load(), 2u);
}

TEST_F(RouterFixture, ControlMessagesGoToTheControlHandlerNeverToSubscribersOrObservers) {
  // A well-formed event envelope in the control scope: routed as an event, it would be seen.
  auto e = Normalize(Input(Source::kSocket, "evt_control"), {}, 1);
  ASSERT_TRUE(e.ok());
  const Scope control{broker::kControlScope, broker::kControlScope};
  router.OnRemote({control, "orders", SerializeEvent(*e), ""});  // no handler yet: dropped
  std::vector<std::string> handled;
  router.SetControlHandler([&](broker::BrokerMessage&& m) { handled.push_back(m.event_json); });
  router.OnRemote({control, "orders", "hello\ninst_x", ""});
  router.OnRemote({scope, "orders", SerializeEvent(*e), ""});  // an ordinary remote event still is one
  EXPECT_EQ(handled, std::vector<std::string>{"hello\ninst_x"});
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], std::make_pair(std::string("evt_control"), true));
  EXPECT_EQ(router.stats().remote.load(), 1u);
}

}  // namespace
}  // namespace rt::events
