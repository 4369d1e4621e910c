#include "broker/cluster_rpc.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <chrono>
#include <thread>

#include "broker/memory_broker.h"

namespace rt::broker {
namespace {

using namespace std::chrono_literals;

// Several instances on one MemoryBus, each with a broker whose control messages go to its rpc.
struct Node {
  Node(std::shared_ptr<MemoryBus> bus, std::string id) : broker(std::move(bus)), rpc(broker, std::move(id)) {}
  void Start() {
    ASSERT_TRUE(broker.Start([this](BrokerMessage&& m) {
      if (m.scope.environment == kControlScope) rpc.OnControl(std::move(m));
    }).ok());
    rpc.Start();
  }
  ~Node() {
    rpc.Stop();
    broker.Stop();
  }
  MemoryBroker broker;
  ClusterRpc rpc;
};

bool WaitPeers(ClusterRpc& rpc, size_t n) {
  for (int i = 0; i < 500; ++i) {
    if (rpc.live_peers() == n) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(ClusterRpcTest, ASingleInstanceAnswersItselfAtOnce) {
  auto bus = std::make_shared<MemoryBus>();
  Node a(bus, "inst_a");
  a.rpc.Handle("echo", [](const Scope& s, const std::string& body) { return s.application_id + ":" + body; });
  a.Start();
  auto t0 = std::chrono::steady_clock::now();
  auto r = a.rpc.Ask({"app", "development"}, "echo", "hi", 2s);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
  ASSERT_EQ(r.replies.size(), 1u);
  EXPECT_TRUE(r.replies[0].local);
  EXPECT_EQ(r.replies[0].instance, "inst_a");
  EXPECT_EQ(r.replies[0].body, "app:hi");
  EXPECT_FALSE(r.partial);
}

TEST(ClusterRpcTest, EveryInstanceAnswersWithItsOwnStateAndTheScope) {
  auto bus = std::make_shared<MemoryBus>();
  Node a(bus, "inst_a"), b(bus, "inst_b"), c(bus, "inst_c");
  for (Node* n : {&a, &b, &c}) {
    std::string me = n->rpc.instance_id();
    n->rpc.Handle("who", [me](const Scope& s, const std::string& body) {
      return me + "|" + s.application_id + "|" + s.environment + "|" + body;
    });
  }
  a.Start();
  b.Start();
  c.Start();
  ASSERT_TRUE(WaitPeers(a.rpc, 2));  // newcomers are greeted at once, not after a heartbeat
  auto t0 = std::chrono::steady_clock::now();
  auto r = a.rpc.Ask({"app_1", "staging"}, "who", "line1\nline2", 5s);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s) << "returns when every live peer answered";
  ASSERT_EQ(r.replies.size(), 3u);
  EXPECT_FALSE(r.partial);
  EXPECT_EQ(r.replies[0].body, "inst_a|app_1|staging|line1\nline2");
  std::set<std::string> others{r.replies[1].body, r.replies[2].body};
  EXPECT_EQ(others, (std::set<std::string>{"inst_b|app_1|staging|line1\nline2", "inst_c|app_1|staging|line1\nline2"}));
}

TEST(ClusterRpcTest, APeerWithoutAHandlerMakesThePartialAnswerAfterTheTimeout) {
  auto bus = std::make_shared<MemoryBus>();
  Node a(bus, "inst_a"), b(bus, "inst_b");
  a.rpc.Handle("q", [](const Scope&, const std::string&) { return std::string("a"); });
  a.Start();
  b.Start();
  ASSERT_TRUE(WaitPeers(a.rpc, 1));
  auto t0 = std::chrono::steady_clock::now();
  auto r = a.rpc.Ask({"app", "development"}, "q", "", 300ms);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 300ms);
  ASSERT_EQ(r.replies.size(), 1u);
  EXPECT_TRUE(r.partial);
}

TEST(ClusterRpcTest, ControlMessagesTravelInTheControlScope) {
  // No environment is called kControlScope: the router tells them apart by it (router_test).
  auto bus = std::make_shared<MemoryBus>();
  std::atomic<int> seen{0};
  MemoryBroker probe(bus);
  ASSERT_TRUE(probe.Start([&](BrokerMessage&& m) {
    if (m.scope.environment == kControlScope && m.scope.application_id == kControlScope) ++seen;
  }).ok());
  Node a(bus, "inst_a");
  a.Start();
  for (int i = 0; i < 200 && seen == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_GT(seen.load(), 0);
  probe.Stop();
}

}  // namespace
}  // namespace rt::broker
