#include "gateway/poll_relay.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>

#include "broker/cluster_rpc.h"
#include "broker/memory_broker.h"

namespace rt::gateway {
namespace {

using namespace std::chrono_literals;

// One response, waited for by the test thread.
struct Answer {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<net::HttpResponse> response;
  PollResponder Responder() {
    return [this](net::HttpResponse&& r) {
      std::lock_guard lock(mu);
      response = std::move(r);
      cv.notify_all();
    };
  }
  bool Wait(std::chrono::milliseconds timeout = 2s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, [this] { return response.has_value(); });
  }
};

// An instance: a MemoryBroker on the shared bus whose relay control messages go to its relay.
// Its "sessions" are whatever the test does with the requests it is asked to serve.
struct Node {
  Node(std::shared_ptr<broker::MemoryBus> bus, std::string id, std::chrono::milliseconds timeout = 2s)
      : broker(std::move(bus)),
        relay(
            broker, std::move(id), [](const std::string& who) { return who != "inst_dead"; },
            PollRelayOptions{timeout}) {
    relay.Serve([this](const std::string& sid, bool get, std::string body, std::shared_ptr<net::AbortSignal> abort,
                       PollResponder respond) {
      std::lock_guard lock(mu);
      served.push_back({sid, get, std::move(body), std::move(abort), std::move(respond)});
      cv.notify_all();
    });
    EXPECT_TRUE(broker
                    .Start([this](broker::BrokerMessage&& m) {
                      if (m.topic == kPollRelayTopic) relay.OnControl(std::move(m));
                    })
                    .ok());
  }
  ~Node() {
    relay.Stop();
    broker.Stop();
  }
  struct Served {
    std::string sid;
    bool get;
    std::string body;
    std::shared_ptr<net::AbortSignal> abort;
    PollResponder respond;
  };
  bool WaitServed(size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 2s, [&] { return served.size() >= n; });
  }

  broker::MemoryBroker broker;
  PollRelay relay;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Served> served;  // guarded by mu
};

std::string SidOf(const Node& owner) { return "AbCdEfGhIjKlMnOpQrSt" + owner.relay.SidSuffix(); }

TEST(PollRelayTest, TheOwnerIsReadOffTheSid) {
  EXPECT_EQ(PollRelay::OwnerOf("AbC.inst_1"), "inst_1");
  EXPECT_EQ(PollRelay::OwnerOf("AbC"), "");
  EXPECT_EQ(PollRelay::OwnerOf("a.b.inst_2"), "inst_2");
}

TEST(PollRelayTest, AGetIsAnsweredWithTheOwnersResponse) {
  auto bus = std::make_shared<broker::MemoryBus>();
  Node a(bus, "inst_a"), b(bus, "inst_b");
  Answer got;
  b.relay.Forward(SidOf(a), true, "", std::make_shared<net::AbortSignal>(), got.Responder());
  ASSERT_TRUE(a.WaitServed(1));
  EXPECT_EQ(a.served[0].sid, SidOf(a));
  EXPECT_TRUE(a.served[0].get);
  EXPECT_FALSE(got.Wait(50ms)) << "answered before the owner did";
  net::HttpResponse r;
  r.status = 200;
  r.content_type = "text/plain; charset=UTF-8";
  r.body =
      "42[\"event\",{}]\x1e"
      "2\nline";
  a.served[0].respond(std::move(r));
  ASSERT_TRUE(got.Wait());
  EXPECT_EQ(got.response->status, 200);
  EXPECT_EQ(got.response->content_type, "text/plain; charset=UTF-8");
  EXPECT_EQ(got.response->body,
            "42[\"event\",{}]\x1e"
            "2\nline");
  EXPECT_EQ(b.relay.stats().forwarded, 1u);
  EXPECT_EQ(b.relay.stats().answered, 1u);
  EXPECT_EQ(a.relay.stats().served, 1u);
}

TEST(PollRelayTest, APostCarriesItsBodyIntact) {
  auto bus = std::make_shared<broker::MemoryBus>();
  Node a(bus, "inst_a"), b(bus, "inst_b");
  Answer got;
  const std::string body =
      "42[\"x\",\"a\\nb\"]\x1e"
      "3\n\n";
  b.relay.Forward(SidOf(a), false, body, nullptr, got.Responder());
  ASSERT_TRUE(a.WaitServed(1));
  EXPECT_FALSE(a.served[0].get);
  EXPECT_EQ(a.served[0].body, body);
  a.served[0].respond(net::HttpResponse::Json(200, "ok"));
  ASSERT_TRUE(got.Wait());
  EXPECT_EQ(got.response->body, "ok");
}

TEST(PollRelayTest, NoOwnerADeadOwnerOrItselfIsSessionIdUnknownAtOnce) {
  auto bus = std::make_shared<broker::MemoryBus>();
  Node a(bus, "inst_a"), b(bus, "inst_b");
  for (const std::string sid : {"NoOwnerAtAll", "AbC.inst_dead", "AbC.inst_b", "AbC.inst\nb"}) {
    Answer got;
    b.relay.Forward(sid, true, "", nullptr, got.Responder());
    ASSERT_TRUE(got.Wait(0ms)) << sid;
    EXPECT_EQ(got.response->status, 400);
    EXPECT_EQ(got.response->body, R"({"code":1,"message":"Session ID unknown"})");
  }
  EXPECT_EQ(b.relay.stats().forwarded, 0u);
}

TEST(PollRelayTest, AnOwnerThatDoesNotAnswerTimesOut) {
  auto bus = std::make_shared<broker::MemoryBus>();
  Node a(bus, "inst_a"), b(bus, "inst_b", 200ms);
  Answer got;
  auto t0 = std::chrono::steady_clock::now();
  b.relay.Forward(SidOf(a), true, "", nullptr, got.Responder());
  ASSERT_TRUE(a.WaitServed(1));  // held by the owner, never answered
  ASSERT_TRUE(got.Wait(2s));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 200ms);
  EXPECT_EQ(got.response->status, 400);
  EXPECT_EQ(b.relay.stats().timed_out, 1u);
  // The owner's late answer is discarded.
  a.served[0].respond(net::HttpResponse::Json(200, "late"));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(got.response->status, 400);
}

TEST(PollRelayTest, AResponderDroppedByTheOwnerAnswers400BeforeTheTimeout) {
  auto bus = std::make_shared<broker::MemoryBus>();
  Node a(bus, "inst_a"), b(bus, "inst_b", 10s);
  Answer got;
  b.relay.Forward(SidOf(a), true, "", nullptr, got.Responder());
  ASSERT_TRUE(a.WaitServed(1));
  {
    std::lock_guard lock(a.mu);
    a.served[0].respond = nullptr;  // the session closed its transport without answering
  }
  ASSERT_TRUE(got.Wait(2s));
  EXPECT_EQ(got.response->status, 400);
}

TEST(PollRelayTest, AClientDroppingARelayedGetAbortsItOnTheOwner) {
  auto bus = std::make_shared<broker::MemoryBus>();
  Node a(bus, "inst_a"), b(bus, "inst_b");
  Answer got;
  auto client_abort = std::make_shared<net::AbortSignal>();
  b.relay.Forward(SidOf(a), true, "", client_abort, got.Responder());
  ASSERT_TRUE(a.WaitServed(1));
  std::mutex mu;
  std::condition_variable cv;
  bool fired = false;
  a.served[0].abort->OnAbort([&] {
    std::lock_guard lock(mu);
    fired = true;
    cv.notify_all();
  });
  client_abort->Fire();
  std::unique_lock lock(mu);
  EXPECT_TRUE(cv.wait_for(lock, 2s, [&] { return fired; }));
  EXPECT_FALSE(got.response.has_value()) << "an aborted request is not answered";
}

TEST(PollRelayTest, StopAnswersWhatIsStillWaiting) {
  auto bus = std::make_shared<broker::MemoryBus>();
  Node a(bus, "inst_a"), b(bus, "inst_b", 10s);
  Answer got;
  b.relay.Forward(SidOf(a), true, "", nullptr, got.Responder());
  ASSERT_TRUE(a.WaitServed(1));
  b.relay.Stop();
  ASSERT_TRUE(got.Wait(0ms));
  EXPECT_EQ(got.response->status, 400);
}

}  // namespace
}  // namespace rt::gateway
