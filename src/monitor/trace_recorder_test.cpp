#include "monitor/trace_recorder.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/ids.h"
#include "store/migrator.h"
#include "store/sqlite_db.h"

namespace rt::monitor {
namespace {

std::shared_ptr<const events::RoutedEvent> Ev(const char* topic, const char* payload) {
  events::RawEventInput in;
  in.topic = topic;
  in.payload = boost::json::parse(payload).as_object();
  auto e = events::Normalize(std::move(in), {}, 1234);
  std::string json = events::SerializeEvent(*e);
  return std::make_shared<const events::RoutedEvent>(Scope{"app_a", "development"}, std::move(*e), std::move(json));
}

TEST(TraceSampling, DeterministicAndProportional) {
  int sampled = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string id = NewId("evt");
    bool s = TraceSampled(id, 0.25);
    EXPECT_EQ(s, TraceSampled(id, 0.25));  // the same answer every time (and on every instance)
    sampled += s ? 1 : 0;
    EXPECT_TRUE(TraceSampled(id, 1.0));
    EXPECT_FALSE(TraceSampled(id, 0.0));
  }
  EXPECT_GT(sampled, 4000);
  EXPECT_LT(sampled, 6000);
}

class TraceRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::SqliteDb::Open(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrator(*db_).Latest().ok());
    repo_ = std::make_unique<store::TraceRepository>(*db_);
  }
  std::vector<store::TraceRow> All() {
    store::TraceQuery q{"app_a", "development", std::nullopt, std::nullopt, 1000, 0};
    auto r = repo_->List(q);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<store::TraceRow>{};
  }
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::TraceRepository> repo_;
};

TEST_F(TraceRecorderTest, WritesSettledEventsWithTheirFinalCountsAndKeepsYoungOnes) {
  TraceOptions o;
  o.instance = "inst_1";
  TraceRecorder rec(*repo_, o);
  auto e = Ev("orders", R"({"n":1})");
  rec.Record(e, false);
  const int64_t t = e->accepted_ns();
  ASSERT_TRUE(rec.Flush(t + 50'000'000, false).ok());  // 50 ms: the shards may still be draining
  EXPECT_TRUE(All().empty());
  e->routing().subscribers.fetch_add(2);  // the drains finish
  e->routing().delivered.fetch_add(1);
  e->routing().filtered.fetch_add(1);
  ASSERT_TRUE(rec.Flush(t + 150'000'000, false).ok());
  auto rows = All();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].trace_id, store::TraceIdFor(e->event().id));
  EXPECT_TRUE(rows[0].trace_id.starts_with("trace_"));
  EXPECT_EQ(rows[0].topic, "orders");
  EXPECT_EQ(rows[0].source, "socket");
  EXPECT_EQ(rows[0].payload, R"({"n":1})");
  EXPECT_EQ(rows[0].timestamp, 1234);
  EXPECT_EQ(rows[0].subscriber_count, 2);
  EXPECT_EQ(rows[0].delivered_count, 1);
  EXPECT_EQ(rows[0].filtered_count, 1);
  EXPECT_EQ(rec.stats().written.load(), 1u);
  auto detail = repo_->Get("app_a", "development", rows[0].trace_id);
  ASSERT_TRUE(detail.ok());
  ASSERT_EQ(detail->size(), 1u);
  EXPECT_EQ((*detail)[0].instance, "inst_1");
}

TEST_F(TraceRecorderTest, RowsCarryTheDecisionsWithTheFailingKeysTheSchemaVersionAndStayInTheRing) {
  TraceOptions o;
  o.instance = "inst_1";
  o.schema_version = [](const Scope& s, std::string_view topic) { return s.application_id == "app_a" && topic == "orders" ? 3 : 0; };
  TraceRecorder rec(*repo_, o);
  auto e = Ev("orders", R"({"campusId":12,"status":"active"})");
  e->RecordDecisions();
  auto filter = std::make_shared<const boost::json::value>(boost::json::parse(R"({"campusId":99,"status":"active","gone":1})"));
  e->decisions()->Append({{"sub_1", "sock_1", events::RoutingDecision::Verdict::kDelivered, nullptr},
                          {"sub_2", "sock_2", events::RoutingDecision::Verdict::kFiltered, filter}}, 5);
  rec.Record(e, false);
  EXPECT_TRUE(rec.Recent({"app_a", "development"}, store::TraceIdFor(e->event().id)).empty());  // not built yet
  ASSERT_TRUE(rec.Flush(e->accepted_ns(), true).ok());
  auto rows = repo_->Get("app_a", "development", store::TraceIdFor(e->event().id));
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].schema_version, 3);
  EXPECT_EQ(boost::json::parse((*rows)[0].decisions), boost::json::parse(R"({"decisions":[
      {"subscriptionId":"sub_1","socketId":"sock_1","verdict":"delivered","filter":null},
      {"subscriptionId":"sub_2","socketId":"sock_2","verdict":"filtered","filter":{"campusId":99,"status":"active","gone":1},
       "failed":[{"key":"campusId","expected":99,"actual":12},{"key":"gone","expected":1,"missing":true}]}],
      "omitted":5})"));
  EXPECT_TRUE(rec.Recent({"app_a", "development"}, store::TraceIdFor(e->event().id)).empty());  // stored
  // An event that was not asked for decisions has none.
  EXPECT_EQ(DecisionsJson(*Ev("orders", "{}")), "{}");
}

TEST_F(TraceRecorderTest, BoundedQueueDropsAndCountsAndStopFlushesTheRest) {
  TraceOptions o;
  o.instance = "inst_1";
  o.max_queued = 2;
  TraceRecorder rec(*repo_, o);
  for (int i = 0; i < 3; ++i) rec.Record(Ev("orders", R"({})"), i == 2);
  EXPECT_EQ(rec.stats().queued.load(), 2u);
  EXPECT_EQ(rec.stats().dropped.load(), 1u);
  rec.Stop();  // flushes what is queued, settled or not
  EXPECT_EQ(All().size(), 2u);
  rec.Record(Ev("orders", R"({})"), false);  // ignored after Stop
  EXPECT_EQ(rec.stats().queued.load(), 2u);
}

TEST_F(TraceRecorderTest, HeldBytesAreBoundedSoABurstOfLargeEventsIsDropped) {
  TraceOptions o;
  o.instance = "inst_1";
  o.max_queued_bytes = 3000;
  TraceRecorder rec(*repo_, o);
  const std::string big = R"({"pad":")" + std::string(1000, 'x') + R"("})";
  for (int i = 0; i < 5; ++i) rec.Record(Ev("orders", big.c_str()), false);
  EXPECT_EQ(rec.stats().queued.load(), 2u);  // two envelopes of ~1.2 KB fit in 3000 bytes
  EXPECT_EQ(rec.stats().dropped.load(), 3u);
  rec.Stop();
  EXPECT_EQ(All().size(), 2u);
}

TEST_F(TraceRecorderTest, AFailedWriteKeepsTheNewestRowsInMemoryServesThemAndRetries) {
  TraceOptions o;
  o.instance = "inst_1";
  o.recent = 2;
  TraceRecorder rec(*repo_, o);
  std::vector<std::shared_ptr<const events::RoutedEvent>> evs;
  for (int i = 0; i < 3; ++i) evs.push_back(Ev("orders", R"({})"));
  ASSERT_TRUE(db_->Exec("ALTER TABLE event_traces RENAME TO event_traces_away").ok());  // the database fails
  for (auto& e : evs) rec.Record(e, false);
  EXPECT_FALSE(rec.Flush(evs.back()->accepted_ns(), true).ok());
  EXPECT_EQ(rec.stats().failed.load(), 1u);  // the oldest: beyond the ring
  const Scope scope{"app_a", "development"};
  EXPECT_TRUE(rec.Recent(scope, store::TraceIdFor(evs[0]->event().id)).empty());
  ASSERT_EQ(rec.Recent(scope, store::TraceIdFor(evs[2]->event().id)).size(), 1u);  // served meanwhile
  EXPECT_TRUE(rec.Recent({"app_a", "staging"}, store::TraceIdFor(evs[2]->event().id)).empty());  // scoped
  ASSERT_TRUE(db_->Exec("ALTER TABLE event_traces_away RENAME TO event_traces").ok());  // back
  ASSERT_TRUE(rec.Flush(evs.back()->accepted_ns(), false).ok());  // nothing new: the ring is retried
  EXPECT_EQ(All().size(), 2u);
  EXPECT_EQ(rec.stats().written.load(), 2u);
  EXPECT_TRUE(rec.Recent(scope, store::TraceIdFor(evs[2]->event().id)).empty());
}

TEST_F(TraceRecorderTest, SampleZeroTracesNothing) {
  TraceOptions o;
  o.sample = 0;
  TraceRecorder rec(*repo_, o);
  rec.Record(Ev("orders", R"({})"), false);
  EXPECT_EQ(rec.stats().queued.load(), 0u);
}

}  // namespace
}  // namespace rt::monitor
