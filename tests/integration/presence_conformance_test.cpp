// The PresenceStore port contract (broker/presence.h), run against MemoryPresence and
// RedisPresence (on the Redis of REALTIME_TEST_REDIS_URL). Every test uses its own application
// id, so tests (and other processes) sharing the Redis never see each other's channels.
// Redis only, at the end: what is shared between instances (members, connection counts) and
// the ghosts of a dead instance.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "backends.h"
#include "broker/presence.h"
#include "broker/redis_pool.h"
#include "broker/redis_presence.h"
#include "core/ids.h"

namespace rt::testing {
namespace {

using broker::ChannelInfo;
using broker::PresenceMember;
using broker::PresenceStore;

class PresenceConformance : public ::testing::TestWithParam<BrokerBackend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BROKER_BACKEND(GetParam());
    app_ = NewId("app");
    scope_ = {app_, "development"};
  }
  void TearDown() override {
    if (GetParam() != BrokerBackend::kRedis || !RedisUrl()) return;
    auto pool = broker::RedisPool::Create({RedisUrl(), 1});
    if (!pool.ok()) return;
    for (const std::string& pattern : {"realtime:presence:*" + app_ + "*", "realtime:presence-order:" + app_ + "*",
                                       "realtime:connections:" + app_ + "*"}) {
      auto keys = (*pool)->Command({"KEYS", pattern});
      if (keys.ok())
        for (const auto& k : keys->elements) (void)(*pool)->Command({"DEL", k.str});
    }
  }

  // A store for one instance (memory: one process has one store; Redis: a fresh instance id).
  std::unique_ptr<PresenceStore> Make() {
    if (GetParam() == BrokerBackend::kMemory) return std::make_unique<broker::MemoryPresence>();
    auto pool = broker::RedisPool::Create({RedisUrl(), 4});
    EXPECT_TRUE(pool.ok()) << (pool.ok() ? "" : pool.error().message);
    return std::make_unique<broker::RedisPresence>(std::move(*pool), app_ + "-" + NewId("inst"));
  }

  static std::vector<std::string> Ids(const std::vector<PresenceMember>& members) {
    std::vector<std::string> ids;
    for (const auto& m : members) ids.push_back(m.socket_id);
    return ids;
  }
  static std::vector<std::pair<std::string, int64_t>> Counts(const std::vector<ChannelInfo>& channels) {
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& c : channels) out.emplace_back(c.name, c.member_count);
    return out;
  }

  std::string app_;
  Scope scope_;
};

TEST_P(PresenceConformance, MembersComeBackWithTheirFieldsSortedByJoinTime) {
  auto store = Make();
  ASSERT_TRUE(store->Join(scope_, "room", {"sock_c", "carol", 3000}).ok());
  ASSERT_TRUE(store->Join(scope_, "room", {"sock_a", "alice", 1000}).ok());
  ASSERT_TRUE(store->Join(scope_, "room", {"sock_b2", "bob", 2000}).ok());
  ASSERT_TRUE(store->Join(scope_, "room", {"sock_b1", "user with\ttab and \xc3\xa9", 2000}).ok());
  auto members = store->Members(scope_, "room");
  ASSERT_TRUE(members.ok()) << members.error().message;
  EXPECT_EQ(Ids(*members), (std::vector<std::string>{"sock_a", "sock_b1", "sock_b2", "sock_c"}))
      << "by join time, then socket id";
  EXPECT_EQ((*members)[0].subject, "alice");
  EXPECT_EQ((*members)[0].joined_at, 1000);
  EXPECT_EQ((*members)[1].subject, "user with\ttab and \xc3\xa9");
  EXPECT_EQ((*members)[3].joined_at, 3000);
}

TEST_P(PresenceConformance, JoiningAgainReplacesTheMember) {
  auto store = Make();
  ASSERT_TRUE(store->Join(scope_, "room", {"sock_1", "alice", 1000}).ok());
  ASSERT_TRUE(store->Join(scope_, "room", {"sock_1", "alice2", 5000}).ok());
  auto members = store->Members(scope_, "room");
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].subject, "alice2");
  EXPECT_EQ((*members)[0].joined_at, 5000);
  EXPECT_EQ(Counts(*store->Channels(scope_)), (std::vector<std::pair<std::string, int64_t>>{{"room", 1}}));
}

TEST_P(PresenceConformance, ChannelsListsOccupiedChannelsByNameWithCounts) {
  auto store = Make();
  EXPECT_TRUE(store->Channels(scope_)->empty());
  ASSERT_TRUE(store->Join(scope_, "zeta", {"s1", "a", 1}).ok());
  ASSERT_TRUE(store->Join(scope_, "alpha", {"s1", "a", 1}).ok());
  ASSERT_TRUE(store->Join(scope_, "alpha", {"s2", "b", 2}).ok());
  ASSERT_TRUE(store->Join(scope_, "mid:dle", {"s3", "c", 3}).ok());
  auto channels = store->Channels(scope_);
  ASSERT_TRUE(channels.ok()) << channels.error().message;
  EXPECT_EQ(Counts(*channels),
            (std::vector<std::pair<std::string, int64_t>>{{"alpha", 2}, {"mid:dle", 1}, {"zeta", 1}}));
}

TEST_P(PresenceConformance, LeavingEmptiesAndRemovesTheChannel) {
  auto store = Make();
  ASSERT_TRUE(store->Join(scope_, "room", {"s1", "a", 1}).ok());
  ASSERT_TRUE(store->Join(scope_, "room", {"s2", "b", 2}).ok());
  ASSERT_TRUE(store->Join(scope_, "other", {"s1", "a", 1}).ok());
  ASSERT_TRUE(store->Leave(scope_, "room", "s1").ok());
  EXPECT_EQ(Ids(*store->Members(scope_, "room")), (std::vector<std::string>{"s2"}));
  EXPECT_EQ(Ids(*store->Members(scope_, "other")), (std::vector<std::string>{"s1"})) << "other channels untouched";
  ASSERT_TRUE(store->Leave(scope_, "room", "s2").ok());
  EXPECT_TRUE(store->Members(scope_, "room")->empty());
  EXPECT_EQ(Counts(*store->Channels(scope_)), (std::vector<std::pair<std::string, int64_t>>{{"other", 1}}));
}

TEST_P(PresenceConformance, LeavingWhatIsNotThereIsHarmless) {
  auto store = Make();
  EXPECT_TRUE(store->Leave(scope_, "never", "s1").ok());
  ASSERT_TRUE(store->Join(scope_, "room", {"s1", "a", 1}).ok());
  EXPECT_TRUE(store->Leave(scope_, "room", "nobody").ok());
  EXPECT_TRUE(store->Leave(scope_, "room", "s1").ok());
  EXPECT_TRUE(store->Leave(scope_, "room", "s1").ok());
  EXPECT_TRUE(store->Members(scope_, "never")->empty());
  EXPECT_TRUE(store->Channels(scope_)->empty());
}

TEST_P(PresenceConformance, ScopesNeverSeeEachOther) {
  auto store = Make();
  Scope other_app{app_ + "x", "development"}, other_env{app_, "production"};
  ASSERT_TRUE(store->Join(scope_, "room", {"s1", "a", 1}).ok());
  ASSERT_TRUE(store->Join(other_env, "room", {"s2", "b", 2}).ok());
  EXPECT_EQ(Ids(*store->Members(scope_, "room")), (std::vector<std::string>{"s1"}));
  EXPECT_EQ(Ids(*store->Members(other_env, "room")), (std::vector<std::string>{"s2"}));
  EXPECT_TRUE(store->Members(other_app, "room")->empty());
  EXPECT_TRUE(store->Channels(other_app)->empty());
  ASSERT_TRUE(store->Leave(other_env, "room", "s1").ok());  // s1 is not a member there
  EXPECT_EQ(Ids(*store->Members(scope_, "room")), (std::vector<std::string>{"s1"}));
}

// Pages through the channel with `limit`: every member once, in Members() order.
std::vector<std::string> PageThrough(PresenceStore& store, const Scope& scope, const std::string& channel,
                                     size_t limit, int64_t expect_count) {
  std::vector<std::string> ids;
  std::string cursor;
  for (int pages = 0; pages < 1000; ++pages) {
    auto page = store.MembersPage(scope, channel, cursor, limit);
    EXPECT_TRUE(page.ok()) << page.error().message;
    if (!page.ok()) break;
    EXPECT_EQ(page->member_count, expect_count);
    EXPECT_LE(page->members.size(), limit);
    for (const auto& m : page->members) ids.push_back(m.socket_id);
    if (!page->next_cursor) break;
    EXPECT_EQ(page->members.size(), limit) << "a page followed by more is full";
    cursor = *page->next_cursor;
  }
  return ids;
}

TEST_P(PresenceConformance, MembersPagesWalkTheChannelInMembersOrder) {
  auto store = Make();
  for (int i = 0; i < 25; ++i)  // join times repeat (several members per millisecond)
    ASSERT_TRUE(store->Join(scope_, "big", {"s" + std::to_string(i), "u", 1000 + i / 4}).ok());
  auto all = store->Members(scope_, "big");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 25u);
  for (size_t limit : {1u, 7u, 25u, 100u}) EXPECT_EQ(PageThrough(*store, scope_, "big", limit, 25), Ids(*all)) << limit;
  auto first = store->MembersPage(scope_, "big", "", 10);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->members[0].subject, "u");
  EXPECT_EQ(first->members[0].joined_at, 1000);
  ASSERT_TRUE(first->next_cursor.has_value());
  auto exact = store->MembersPage(scope_, "big", "", 25);
  ASSERT_TRUE(exact.ok());
  EXPECT_FALSE(exact->next_cursor.has_value()) << "no cursor when the page holds the rest";
  auto empty = store->MembersPage(scope_, "nobody-here", "", 10);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->members.empty());
  EXPECT_EQ(empty->member_count, 0);
  EXPECT_FALSE(empty->next_cursor.has_value());
}

TEST_P(PresenceConformance, MembersPagesSurviveLeavesAndJoinsBetweenPages) {
  auto store = Make();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store->Join(scope_, "room", {"s" + std::to_string(i), "u", 100 + i}).ok());
  auto page = store->MembersPage(scope_, "room", "", 4);  // s0..s3
  ASSERT_TRUE(page.ok());
  ASSERT_TRUE(page->next_cursor.has_value());
  // The page's last member leaves, one more leaves further on, a newcomer joins, s1 re-joins.
  ASSERT_TRUE(store->Leave(scope_, "room", "s3").ok());
  ASSERT_TRUE(store->Leave(scope_, "room", "s6").ok());
  ASSERT_TRUE(store->Join(scope_, "room", {"s10", "u", 500}).ok());
  ASSERT_TRUE(store->Join(scope_, "room", {"s1", "u", 600}).ok());
  auto rest = store->MembersPage(scope_, "room", *page->next_cursor, 100);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(Ids(rest->members), (std::vector<std::string>{"s4", "s5", "s7", "s8", "s9", "s10", "s1"}));
  EXPECT_EQ(rest->member_count, 9);
  EXPECT_FALSE(rest->next_cursor.has_value());
}

TEST_P(PresenceConformance, AForeignOrBrokenCursorIsAValidationError) {
  auto store = Make();
  ASSERT_TRUE(store->Join(scope_, "room", {"s1", "u", 1}).ok());
  for (const char* bad : {"nope", "zz", "00", "6869"}) {  // not hex; hex of nothing useful
    auto page = store->MembersPage(scope_, "room", bad, 10);
    ASSERT_FALSE(page.ok()) << bad;
    EXPECT_EQ(page.error().code, ErrorCode::kValidation) << bad;
  }
}

TEST_P(PresenceConformance, ConnectionCountsAreReplacedByEachReport) {
  auto store = Make();
  Scope prod{app_, "production"}, none{app_ + "none", "development"};
  ASSERT_TRUE(store->ReportConnections({{scope_.Key(), 3}, {prod.Key(), 1}}).ok());
  EXPECT_EQ(*store->Connections(scope_), 3);
  EXPECT_EQ(*store->Connections(prod), 1);
  EXPECT_EQ(*store->Connections(none), 0);
  ASSERT_TRUE(store->ReportConnections({{scope_.Key(), 2}}).ok());
  EXPECT_EQ(*store->Connections(scope_), 2);
  EXPECT_EQ(*store->Connections(prod), 0) << "a scope missing from the report has no connections";
  ASSERT_TRUE(store->ReportConnections({}).ok());
  EXPECT_EQ(*store->Connections(scope_), 0);
  EXPECT_TRUE(store->Heartbeat().ok());
}

TEST_P(PresenceConformance, ConcurrentJoinsAndLeavesLoseNothing) {
  auto store = Make();
  constexpr int kThreads = 4, kEach = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string id = "s" + std::to_string(t) + "_" + std::to_string(i);
        if (!store->Join(scope_, "busy", {id, "u", i}).ok()) ++failures;
        // Every other member leaves again.
        if (i % 2 && !store->Leave(scope_, "busy", id).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto members = store->Members(scope_, "busy");
  ASSERT_TRUE(members.ok());
  EXPECT_EQ(members->size(), static_cast<size_t>(kThreads * kEach / 2));
  EXPECT_EQ(Counts(*store->Channels(scope_)),
            (std::vector<std::pair<std::string, int64_t>>{{"busy", kThreads * kEach / 2}}));
}

INSTANTIATE_TEST_SUITE_P(Backends, PresenceConformance,
                         ::testing::Values(BrokerBackend::kMemory, BrokerBackend::kRedis), BrokerBackendName);

// Redis only: several instances share one view.
class RedisPresenceInstances : public PresenceConformance {};

TEST_P(RedisPresenceInstances, InstancesShareMembersAndSumConnections) {
  auto a = Make(), b = Make();
  ASSERT_TRUE(a->Join(scope_, "room", {"sock_a", "alice", 1}).ok());
  ASSERT_TRUE(b->Join(scope_, "room", {"sock_b", "bob", 2}).ok());
  EXPECT_EQ(Ids(*a->Members(scope_, "room")), (std::vector<std::string>{"sock_a", "sock_b"}));
  EXPECT_EQ(Ids(*b->Members(scope_, "room")), (std::vector<std::string>{"sock_a", "sock_b"}));
  ASSERT_TRUE(a->ReportConnections({{scope_.Key(), 2}}).ok());
  ASSERT_TRUE(b->ReportConnections({{scope_.Key(), 5}}).ok());
  EXPECT_EQ(*a->Connections(scope_), 7);
  ASSERT_TRUE(b->Leave(scope_, "room", "sock_b").ok());
  EXPECT_EQ(Ids(*a->Members(scope_, "room")), (std::vector<std::string>{"sock_a"}));
}

TEST_P(RedisPresenceInstances, ADeadInstancesMembersDisappear) {
  auto a = Make();
  auto pool = broker::RedisPool::Create({RedisUrl(), 1});
  ASSERT_TRUE(pool.ok());
  std::string dead = app_ + "-dead";
  broker::RedisPresence b(std::move(*pool), dead);
  ASSERT_TRUE(a->Join(scope_, "room", {"sock_a", "alice", 1}).ok());
  ASSERT_TRUE(b.Join(scope_, "room", {"sock_b", "bob", 2}).ok());
  ASSERT_TRUE(b.Join(scope_, "solo", {"sock_b", "bob", 2}).ok());
  EXPECT_EQ(a->Members(scope_, "room")->size(), 2u);
  // The instance stops heart-beating and its liveness key expires (here: deleted at once).
  auto admin = broker::RedisPool::Create({RedisUrl(), 1});
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE((*admin)->Command({"DEL", "realtime:instance:" + dead}).ok());
  EXPECT_EQ(Ids(*a->Members(scope_, "room")), (std::vector<std::string>{"sock_a"}));
  EXPECT_EQ(Counts(*a->Channels(scope_)), (std::vector<std::pair<std::string, int64_t>>{{"room", 1}}))
      << "a channel with only ghosts is gone";
  EXPECT_EQ((*admin)->Command({"HLEN", "realtime:presence:" + app_ + ":development:room"})->integer, 1)
      << "the ghost was pruned";
}

TEST_P(RedisPresenceInstances, MembersPagesSkipAndPruneADeadInstancesMembers) {
  auto a = Make();
  auto pool = broker::RedisPool::Create({RedisUrl(), 1});
  ASSERT_TRUE(pool.ok());
  std::string dead = app_ + "-dead";
  broker::RedisPresence b(std::move(*pool), dead);
  for (int i = 0; i < 6; ++i) {
    PresenceStore& store = i % 2 ? static_cast<PresenceStore&>(b) : *a;  // a: s0 s2 s4, b: s1 s3 s5
    ASSERT_TRUE(store.Join(scope_, "room", {"s" + std::to_string(i), "u", 10 + i}).ok());
  }
  auto before = a->MembersPage(scope_, "room", "", 2);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(Ids(before->members), (std::vector<std::string>{"s0", "s1"}));
  EXPECT_EQ(before->member_count, 6);
  auto admin = broker::RedisPool::Create({RedisUrl(), 1});
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE((*admin)->Command({"DEL", "realtime:instance:" + dead}).ok());
  auto page = a->MembersPage(scope_, "room", "", 2);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(page->members), (std::vector<std::string>{"s0", "s2"})) << "s1 skipped";
  ASSERT_TRUE(page->next_cursor.has_value());
  auto rest = a->MembersPage(scope_, "room", *page->next_cursor, 10);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(Ids(rest->members), (std::vector<std::string>{"s4"}));
  EXPECT_EQ(rest->member_count, 3) << "every ghost met was pruned";
  EXPECT_EQ((*admin)->Command({"ZCARD", "realtime:presence-order:" + app_ + ":development:room"})->integer, 3);
  EXPECT_EQ((*admin)->Command({"HLEN", "realtime:presence:" + app_ + ":development:room"})->integer, 3);
}

INSTANTIATE_TEST_SUITE_P(Redis, RedisPresenceInstances, ::testing::Values(BrokerBackend::kRedis), BrokerBackendName);

}  // namespace
}  // namespace rt::testing
