// The Broker port contract, run against MemoryBroker (two brokers on one MemoryBus) and
// RedisBroker (two instances on the Redis of REALTIME_TEST_REDIS_URL).
#include <gtest/gtest.h>

#include <future>

#include "backends.h"
#include "broker/memory_broker.h"
#include "broker/redis_broker.h"
#include "broker_test_util.h"
#include "core/ids.h"

namespace rt::testing {
namespace {

using broker::Broker;
using broker::BrokerMessage;

class BrokerConformance : public ::testing::TestWithParam<BrokerBackend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BROKER_BACKEND(GetParam());
    prefix_ = NewId("topic") + ".";
  }

  // A broker for one more instance (memory: on the shared bus; Redis: a fresh instance id).
  std::unique_ptr<Broker> Make(std::string_view name) {
    if (GetParam() == BrokerBackend::kMemory) return std::make_unique<broker::MemoryBroker>(bus_);
    return std::make_unique<broker::RedisBroker>(RedisUrl(), NewId(name));
  }

  // Interested in every event (a glob): the contract below is about delivery, not interest
  // (redis_interest_test.cpp and the interest tests at the end are).
  std::unique_ptr<Broker> Started(std::string_view name, Inbox& inbox, bool everything = true) {
    auto b = Make(name);
    if (everything) b->SetInterest(broker::kAllEvents, true);
    auto s = b->Start(inbox.Handler());
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    EXPECT_TRUE(b->Stats().connected);
    return b;
  }

  BrokerMessage Msg(const std::string& topic, std::string json, Scope scope = {"app_1", "development"}) {
    return {std::move(scope), prefix_ + topic, std::move(json)};
  }

  std::shared_ptr<broker::MemoryBus> bus_ = std::make_shared<broker::MemoryBus>();
  std::string prefix_;
};

TEST_P(BrokerConformance, DeliversToOthersExactlyOnceAndNeverToSelf) {
  Inbox in_a(prefix_), in_b(prefix_);
  auto a = Started("a", in_a);
  auto b = Started("b", in_b);

  a->Publish(Msg("orders.created", R"({"id":"evt_1","data":{"n":1}})", {"app_1", "production"}));
  ASSERT_TRUE(in_b.WaitFor(1));
  auto got = in_b.Messages()[0];
  EXPECT_EQ(got.scope, (Scope{"app_1", "production"}));
  EXPECT_EQ(got.topic, prefix_ + "orders.created");
  EXPECT_EQ(got.event_json, R"({"id":"evt_1","data":{"n":1}})");

  // B answers; when A has B's message, A's own earlier message would have arrived before it.
  b->Publish(Msg("orders.shipped", R"({"id":"evt_2"})"));
  ASSERT_TRUE(in_a.WaitFor(1));
  // Markers: once each has the other's marker, a duplicate of what it received (or an echo of
  // what it published) before the marker would have arrived ahead of it.
  a->Publish(Msg("marker", R"({"marker":"a"})"));
  b->Publish(Msg("marker", R"({"marker":"b"})"));
  ASSERT_TRUE(in_a.WaitFor(2));
  ASSERT_TRUE(in_b.WaitFor(2));
  auto at_a = in_a.Messages(), at_b = in_b.Messages();
  ASSERT_EQ(at_a.size(), 2u);
  EXPECT_EQ(at_a[0].event_json, R"({"id":"evt_2"})");
  EXPECT_EQ(at_a[1].event_json, R"({"marker":"b"})");
  ASSERT_EQ(at_b.size(), 2u);
  EXPECT_EQ(at_b[0].event_json, R"({"id":"evt_1","data":{"n":1}})");
  EXPECT_EQ(at_b[1].event_json, R"({"marker":"a"})");

  EXPECT_EQ(a->Stats().published, 2u);
  EXPECT_EQ(b->Stats().published, 2u);
  EXPECT_GE(b->Stats().received, 1u);
  EXPECT_EQ(a->Stats().dropped, 0u);
  EXPECT_EQ(b->Stats().dropped, 0u);
}

TEST_P(BrokerConformance, ManyMessagesArriveInOrder) {
  Inbox in_a(prefix_), in_b(prefix_);
  auto a = Started("a", in_a);
  auto b = Started("b", in_b);
  constexpr int kCount = 2000;
  for (int i = 0; i < kCount; ++i) a->Publish(Msg("seq", "{\"seq\":" + std::to_string(i) + "}"));
  ASSERT_TRUE(in_b.WaitFor(kCount, 20s)) << in_b.size();
  auto messages = in_b.Messages();
  ASSERT_EQ(messages.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    ASSERT_EQ(messages[i].event_json, "{\"seq\":" + std::to_string(i) + "}") << i;
  }
  EXPECT_EQ(in_a.size(), 0u);
  EXPECT_EQ(a->Stats().published, static_cast<uint64_t>(kCount));
}

TEST_P(BrokerConformance, MessagesKeepTheirScope) {
  Inbox in_a(prefix_), in_b(prefix_);
  auto a = Started("a", in_a);
  auto b = Started("b", in_b);
  const std::vector<Scope> scopes = {{"app_1", "development"}, {"app_2", "development"}, {"app_1", "production"}};
  for (size_t i = 0; i < scopes.size(); ++i) a->Publish(Msg("chat", "{\"i\":" + std::to_string(i) + "}", scopes[i]));
  ASSERT_TRUE(in_b.WaitFor(scopes.size()));
  auto messages = in_b.Messages();
  for (size_t i = 0; i < scopes.size(); ++i) {
    EXPECT_EQ(messages[i].scope, scopes[i]) << i;
    EXPECT_EQ(messages[i].topic, prefix_ + "chat");
    EXPECT_EQ(messages[i].event_json, "{\"i\":" + std::to_string(i) + "}");
  }
}

TEST_P(BrokerConformance, LargeAndBinaryPayloadsArriveIntact) {
  Inbox in_a(prefix_), in_b(prefix_);
  auto a = Started("a", in_a);
  auto b = Started("b", in_b);
  std::string big = "{\"blob\":\"" + std::string(300000, 'x') + "\"}";
  std::string odd = "{\"text\":\"line1\nline2\r\n\xc3\xa9\"}";
  odd += '\0';
  a->Publish(Msg("big", big));
  a->Publish(Msg("odd", odd));
  ASSERT_TRUE(in_b.WaitFor(2));
  EXPECT_EQ(in_b.Messages()[0].event_json, big);
  EXPECT_EQ(in_b.Messages()[1].event_json, odd);
}

TEST_P(BrokerConformance, EveryOtherInstanceReceives) {
  Inbox in_a(prefix_), in_b(prefix_), in_c(prefix_);
  auto a = Started("a", in_a);
  auto b = Started("b", in_b);
  auto c = Started("c", in_c);
  c->Publish(Msg("fanout", "{}"));
  ASSERT_TRUE(in_a.WaitFor(1));
  ASSERT_TRUE(in_b.WaitFor(1));
  // A's marker reaches B and C; an echo of C's own message (or a duplicate at B) would be ahead of it.
  a->Publish(Msg("marker", R"({"marker":"a"})"));
  ASSERT_TRUE(in_c.WaitFor(1));
  ASSERT_TRUE(in_b.WaitFor(2));
  EXPECT_EQ(in_c.Messages()[0].event_json, R"({"marker":"a"})");
  EXPECT_EQ(in_c.size(), 1u);
  EXPECT_EQ(in_b.Messages()[0].topic, prefix_ + "fanout");
  EXPECT_EQ(in_b.Messages()[1].topic, prefix_ + "marker");
  EXPECT_EQ(in_b.size(), 2u);
  EXPECT_EQ(in_a.size(), 1u);
}

TEST_P(BrokerConformance, StoppedInstanceReceivesNothing) {
  Inbox in_a(prefix_), in_b(prefix_), in_c(prefix_);
  auto a = Started("a", in_a);
  auto b = Started("b", in_b);
  auto c = Started("c", in_c);
  b->Stop();
  a->Publish(Msg("after-stop", "{}"));
  ASSERT_TRUE(in_c.WaitFor(1));
  // One more round trip (C answers, A receives) after the message reached C: a delivery to B
  // would have happened by then. Stop() also joined B's receiving side, so none can come later.
  c->Publish(Msg("marker", "{}"));
  ASSERT_TRUE(in_a.WaitFor(1));
  EXPECT_EQ(in_a.Messages()[0].topic, prefix_ + "marker");
  EXPECT_EQ(in_b.size(), 0u);
  EXPECT_EQ(b->Stats().published, 0u);
}

TEST_P(BrokerConformance, StopIsIdempotentAndPublishAfterStopIsHarmless) {
  Inbox in_a(prefix_), in_b(prefix_);
  auto a = Started("a", in_a);
  auto b = Started("b", in_b);
  a->Stop();
  a->Stop();
  a->Publish(Msg("late", "{}"));
  b->Stop();
  b->Stop();
  EXPECT_EQ(in_b.size(), 0u);
  EXPECT_FALSE(a->Start(in_a.Handler()).ok());  // no restart after Stop
  a.reset();                                    // the destructor stops again
  EXPECT_FALSE(a);
}

TEST_P(BrokerConformance, StopWithoutStartAndStartTwice) {
  Inbox in_a(prefix_);
  auto never = Make("never");
  never->Stop();
  never->Stop();
  auto twice = Make("twice");
  ASSERT_TRUE(twice->Start(in_a.Handler()).ok());
  auto again = twice->Start(in_a.Handler());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kInternal);
  EXPECT_FALSE(twice->Name().empty());
}

TEST_P(BrokerConformance, ConcurrentPublishersAllDelivered) {
  Inbox in_a(prefix_), in_b(prefix_);
  auto a = Started("a", in_a);
  auto b = Started("b", in_b);
  constexpr int kThreads = 4, kEach = 250;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) a->Publish(Msg("t" + std::to_string(t), std::to_string(i)));
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(in_b.WaitFor(kThreads * kEach, 20s)) << in_b.size();
  // Per publishing thread, order is kept.
  std::vector<int> next(kThreads, 0);
  for (const auto& m : in_b.Messages()) {
    int t = std::stoi(m.topic.substr(prefix_.size() + 1));
    EXPECT_EQ(m.event_json, std::to_string(next[t]++));
  }
}

// Blocks until the broker carries `key` to its instance (Broker::WhenSubscribed), at most 5 s.
bool Subscribed(Broker& b, const std::string& key) {
  auto done = std::make_shared<std::promise<void>>();
  auto ready = done->get_future();
  if (b.WhenSubscribed(key, [done] { done->set_value(); })) return true;
  return ready.wait_for(5s) == std::future_status::ready;
}

TEST_P(BrokerConformance, OnlyKeysWithInterestArriveAndTenantsAreApart) {
  Inbox in_a(prefix_), in_b(prefix_), in_c(prefix_);
  auto a = Started("a", in_a, false);
  auto b = Started("b", in_b, false);
  auto c = Started("c", in_c, false);
  const Scope app1{"app_1", "development"}, app2{"app_2", "development"};
  const std::string chat = TopicKey(app1, prefix_ + "chat");
  const std::string marker = TopicKey(app1, prefix_ + "marker");
  const std::string other = TopicKey(app1, prefix_ + "other");
  b->SetInterest(chat, true);
  b->SetInterest(marker, true);
  c->SetInterest(other, true);
  ASSERT_TRUE(Subscribed(*b, chat));
  ASSERT_TRUE(Subscribed(*b, marker));
  ASSERT_TRUE(Subscribed(*c, other));

  a->Publish(Msg("chat", R"({"n":1})", app2));  // the same topic name in another application: nobody
  a->Publish(Msg("chat", R"({"n":2})", app1));  // B only
  a->Publish(Msg("marker", R"({"n":3})", app1));
  a->Publish(Msg("other", R"({"n":4})", app1));  // C only
  ASSERT_TRUE(in_b.WaitFor(2));
  ASSERT_TRUE(in_c.WaitFor(1));
  // Each got something published after what it must not have: that would have arrived first.
  auto at_b = in_b.Messages(), at_c = in_c.Messages();
  ASSERT_EQ(at_b.size(), 2u);
  EXPECT_EQ(at_b[0].event_json, R"({"n":2})");
  EXPECT_EQ(at_b[0].scope, app1);
  EXPECT_EQ(at_b[1].event_json, R"({"n":3})");
  ASSERT_EQ(at_c.size(), 1u);
  EXPECT_EQ(at_c[0].event_json, R"({"n":4})");
  EXPECT_EQ(in_a.size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, BrokerConformance, ::testing::Values(BrokerBackend::kMemory, BrokerBackend::kRedis),
                         BrokerBackendName);

// Memory only: a broker without a bus is alone.
TEST(MemoryBroker, PrivateBusHasNoOtherInstances) {
  Inbox in_a("t."), in_b("t."), in_x("t."), in_y("t.");
  broker::MemoryBroker a, b;  // each on its own private bus
  auto bus = std::make_shared<broker::MemoryBus>();
  broker::MemoryBroker x(bus), y(bus);
  ASSERT_TRUE(a.Start(in_a.Handler()).ok());
  ASSERT_TRUE(b.Start(in_b.Handler()).ok());
  ASSERT_TRUE(x.Start(in_x.Handler()).ok());
  ASSERT_TRUE(y.Start(in_y.Handler()).ok());
  for (broker::MemoryBroker* m : {&a, &b, &x, &y}) m->SetInterest(broker::kAllEvents, true);
  a.Publish({{"app", "development"}, "t.x", "{}"});
  // Sending on a bus is synchronous: anything a's publish delivered is queued ahead of x's marker.
  x.Publish({{"app", "development"}, "t.marker", "{}"});
  ASSERT_TRUE(in_y.WaitFor(1));
  EXPECT_EQ(in_y.Messages()[0].topic, "t.marker");
  EXPECT_EQ(in_y.size(), 1u);
  EXPECT_EQ(in_a.size(), 0u);
  EXPECT_EQ(a.Stats().published, 1u);
  EXPECT_EQ(b.Stats().received, 0u);
  EXPECT_EQ(a.Name(), "memory");
}

}  // namespace
}  // namespace rt::testing
