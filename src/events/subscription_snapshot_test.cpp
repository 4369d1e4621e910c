#include "events/subscription_snapshot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <future>
#include <thread>

namespace rt::events {
namespace {

// Runs a shard's task at once on the posting thread, except for shards marked dead: their
// tasks are kept (as if the I/O thread were stuck) until RunKept.
class InlineExecutor final : public ShardExecutor {
 public:
  explicit InlineExecutor(size_t n) : n_(n) {}
  size_t shard_count() const override { return n_; }
  void PostToShard(size_t shard, std::function<void()> task) override {
    if (shard == dead_)
      kept_.push_back(std::move(task));
    else
      task();
  }
  void RunKept() {
    for (auto& t : kept_) t();
    kept_.clear();
  }
  size_t dead_ = SIZE_MAX;

 private:
  size_t n_;
  std::vector<std::function<void()>> kept_;
};

// One strand per shard over a real thread pool: answers arrive from other threads.
class PoolExecutor final : public ShardExecutor {
 public:
  explicit PoolExecutor(size_t n) {
    for (size_t i = 0; i < n; ++i) strands_.push_back(boost::asio::make_strand(pool_));
  }
  ~PoolExecutor() override { pool_.join(); }
  size_t shard_count() const override { return strands_.size(); }
  void PostToShard(size_t shard, std::function<void()> task) override {
    boost::asio::post(strands_[shard], std::move(task));
  }

 private:
  boost::asio::thread_pool pool_{2};
  std::vector<boost::asio::strand<boost::asio::thread_pool::executor_type>> strands_;
};

class FakeConn final : public Subscriber {
 public:
  explicit FakeConn(std::string socket) : id(std::move(socket)) {}
  Wire wire() const override { return Wire::kNativeWs; }
  const std::string& socket_id() const override { return id; }
  bool Enqueue(const std::shared_ptr<const std::string>&) override {
    ++enqueued;
    return true;
  }
  void Flush() override {}
  std::string id;
  int enqueued = 0;
};

Filter F(const char* spec) { return *Filter::Compile(boost::json::parse(spec)); }

std::string Text(const std::shared_ptr<const boost::json::value>& v) { return v ? boost::json::serialize(*v) : "none"; }

const SubscriptionInfo* ById(const SubscriptionSnapshot& s, const std::string& id) {
  auto it = std::find_if(s.subscriptions.begin(), s.subscriptions.end(), [&](const auto& x) { return x.id == id; });
  return it == s.subscriptions.end() ? nullptr : &*it;
}

TEST(SubscriptionSnapshot, CopiesTheScopeAndTopicFromEveryShardAndDeliversNothing) {
  InlineExecutor ex(2);
  SubscriptionHub hub(ex);
  Scope a{"app_a", "production"}, staging{"app_a", "staging"}, b{"app_b", "production"};
  FakeConn c1("s1"), c2("s2"), c3("s3"), other_topic("s4"), other_env("s5"), other_app("s6"), c7("s7");
  std::string id1 = hub.Subscribe(0, &c1, a, "session.status", F(R"({"campusId":12})"), ReturnMode::kFull);
  std::string id2 = hub.Subscribe(1, &c2, a, "session.status", F(R"({"campusId":99})"), ReturnMode::kDiff);
  std::string id3 = hub.Subscribe(1, &c3, a, "session.status", Filter(), ReturnMode::kBoth);
  // The same filter in another key order joins id4's group on shard 0 and shows its text.
  std::string id4 = hub.Subscribe(0, &c7, a, "session.status", F(R"({"z":1,"campusId":12})"), ReturnMode::kFull);
  std::string id5 = hub.Subscribe(0, &c1, a, "session.status", F(R"({"campusId":12,"z":1})"), ReturnMode::kFull);
  hub.Subscribe(0, &other_topic, a, "session.other", Filter(), ReturnMode::kFull);
  hub.Subscribe(1, &other_env, staging, "session.status", Filter(), ReturnMode::kFull);
  hub.Subscribe(1, &other_app, b, "session.status", Filter(), ReturnMode::kFull);

  auto snap = SnapshotSubscriptions(hub, a, "session.status", std::chrono::milliseconds(1000));
  EXPECT_EQ(snap.shards, 2u);
  EXPECT_EQ(snap.answered, 2u);
  EXPECT_FALSE(snap.partial());
  ASSERT_EQ(snap.subscriptions.size(), 5u);
  const auto* s1 = ById(snap, id1);
  const auto* s2 = ById(snap, id2);
  const auto* s3 = ById(snap, id3);
  const auto* s4 = ById(snap, id4);
  const auto* s5 = ById(snap, id5);
  ASSERT_TRUE(s1 && s2 && s3 && s4 && s5);
  EXPECT_EQ(s1->socket_id, "s1");
  EXPECT_EQ(Text(s1->filter), R"({"campusId":12})");
  EXPECT_EQ(s1->mode, ReturnMode::kFull);
  EXPECT_EQ(s2->socket_id, "s2");
  EXPECT_EQ(Text(s2->filter), R"({"campusId":99})");
  EXPECT_EQ(s2->mode, ReturnMode::kDiff);
  EXPECT_EQ(Text(s3->filter), "none");
  EXPECT_EQ(s3->mode, ReturnMode::kBoth);
  EXPECT_EQ(Text(s4->filter), R"({"z":1,"campusId":12})");
  EXPECT_EQ(s4->filter, s5->filter);  // one JSON per group, shared
  EXPECT_EQ(s5->socket_id, "s1");
  for (const FakeConn* c : {&c1, &c2, &c3, &other_topic, &other_env, &other_app, &c7}) EXPECT_EQ(c->enqueued, 0);
  EXPECT_EQ(hub.stats().delivered.load(), 0u);
  EXPECT_EQ(hub.stats().published.load(), 0u);

  EXPECT_TRUE(SnapshotSubscriptions(hub, b, "session.other", std::chrono::milliseconds(1000)).subscriptions.empty());
  auto after = SnapshotSubscriptions(hub, staging, "session.status", std::chrono::milliseconds(1000));
  ASSERT_EQ(after.subscriptions.size(), 1u);
  EXPECT_EQ(after.subscriptions[0].socket_id, "s5");
  hub.RemoveAll(0, &c1);
  hub.RemoveAll(0, &c7);
  hub.RemoveAll(1, &c2);
  hub.RemoveAll(1, &c3);
  EXPECT_TRUE(SnapshotSubscriptions(hub, a, "session.status", std::chrono::milliseconds(1000)).subscriptions.empty());
  hub.RemoveAll(0, &other_topic);
  hub.RemoveAll(1, &other_env);
  hub.RemoveAll(1, &other_app);
}

TEST(SubscriptionSnapshot, AShardThatDoesNotAnswerMakesItPartialAndItsLateAnswerIsIgnored) {
  InlineExecutor ex(2);
  SubscriptionHub hub(ex);
  Scope a{"app_a", "production"};
  FakeConn c1("s1"), c2("s2");
  hub.Subscribe(0, &c1, a, "t", Filter(), ReturnMode::kFull);
  hub.Subscribe(1, &c2, a, "t", Filter(), ReturnMode::kFull);
  ex.dead_ = 1;
  auto t0 = std::chrono::steady_clock::now();
  auto snap = SnapshotSubscriptions(hub, a, "t", std::chrono::milliseconds(50));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(50));
  EXPECT_TRUE(snap.partial());
  EXPECT_EQ(snap.answered, 1u);
  ASSERT_EQ(snap.subscriptions.size(), 1u);
  EXPECT_EQ(snap.subscriptions[0].socket_id, "s1");
  ex.RunKept();  // the stuck shard answers after the caller gave up: discarded, no crash
  EXPECT_EQ(snap.subscriptions.size(), 1u);
  hub.RemoveAll(0, &c1);
  hub.RemoveAll(1, &c2);
}

TEST(SubscriptionSnapshot, GathersAnswersFromShardThreads) {
  PoolExecutor ex(3);
  SubscriptionHub hub(ex);
  Scope a{"app_a", "production"};
  std::vector<std::unique_ptr<FakeConn>> conns;
  for (size_t i = 0; i < 9; ++i) {
    conns.push_back(std::make_unique<FakeConn>("s" + std::to_string(i)));
    std::promise<void> done;  // subscribe on the shard's own thread
    ex.PostToShard(i % 3, [&, i] {
      hub.Subscribe(i % 3, conns[i].get(), a, "t", Filter(), ReturnMode::kFull);
      done.set_value();
    });
    done.get_future().wait();
  }
  auto snap = SnapshotSubscriptions(hub, a, "t", std::chrono::milliseconds(5000));
  EXPECT_FALSE(snap.partial());
  EXPECT_EQ(snap.subscriptions.size(), 9u);
  for (size_t i = 0; i < 9; ++i) {
    std::promise<void> done;
    ex.PostToShard(i % 3, [&, i] {
      hub.RemoveAll(i % 3, conns[i].get());
      done.set_value();
    });
    done.get_future().wait();
  }
}

}  // namespace
}  // namespace rt::events
