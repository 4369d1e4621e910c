// CdcRepository conformance on SQLite and PostgreSQL: mappings per (id, environment) with their
// version snapshots, optimistic updates, promotion upserts, deletes, cascade on application
// delete; subscriptions (one per mapping and environment) and what streams (CapturedMappings);
// the fingerprint; the event log (recording, filters, paging, retention by age and by rows).
#include "store/cdc_repository.h"

#include <gtest/gtest.h>

#include <set>

#include "backends.h"
#include "store/application_repository.h"

namespace rt::testing {
namespace {

using store::CdcEventRow;
using store::CdcSubscriptionRow;
using store::MappingRow;

constexpr int64_t kT0 = 1'700'000'000'000;

class CdcRepositoryConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    apps_ = std::make_unique<store::ApplicationRepository>(*db_);
    for (const char* id : {"app_a", "app_b"}) ASSERT_TRUE(apps_->Insert({id, id, "", {}, kT0, kT0}).ok());
    repo_ = std::make_unique<store::CdcRepository>(*db_);
  }

  static MappingRow Mapping(const char* id, const char* env = "development", const char* app = "app_a",
                            int64_t at = kT0, const char* topic = "session.status") {
    MappingRow m;
    m.id = id;
    m.application_id = app;
    m.environment = env;
    m.table = "sessions";
    m.topic = topic;
    m.definition = std::string("{\"id\":\"") + id + "\"}";
    m.version = 1;
    m.created_at = m.updated_at = at;
    return m;
  }
  void Put(const MappingRow& m) {
    Status st = repo_->InsertMapping(m);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  static CdcSubscriptionRow Sub(const char* id, const char* mapping, bool active = true, const char* app = "app_a",
                                const char* env = "development") {
    return {id, app, env, mapping, active, kT0, kT0};
  }
  std::set<std::string> Captured() {
    auto rows = repo_->CapturedMappings();
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    std::set<std::string> out;
    if (rows.ok())
      for (const auto& r : *rows) out.insert(r.application_id + "/" + r.environment + "/" + r.id);
    return out;
  }
  static CdcEventRow Event(const std::string& id, int64_t at, const char* op = "update", const char* mapping = "map_1",
                           const char* status = "routed", const char* app = "app_a") {
    CdcEventRow e{"evt_" + id, app, "development", mapping, "sessions", op, "session.status", status, "", "0/16B3748",
                  at, id};
    return e;
  }
  void Record(const std::vector<CdcEventRow>& events) {
    Status st = repo_->RecordEvents(events);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  std::vector<std::string> EventIds(store::CdcEventQuery q) {
    auto rows = repo_->ListEvents(q);
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    std::vector<std::string> out;
    if (rows.ok())
      for (const auto& r : *rows) out.push_back(r.id);
    return out;
  }
  int64_t Count(const char* sql) {
    auto r = db_->Exec(sql);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? store::AsInt(r->rows[0][0]) : -1;
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::ApplicationRepository> apps_;
  std::unique_ptr<store::CdcRepository> repo_;
};

TEST_P(CdcRepositoryConformance, RecordTransactionKeepsTheHighestRoutedPosition) {
  EXPECT_EQ(*repo_->RoutedPosition("tgt_a"), 0);
  store::CdcEventRow e;
  e.event_id = "evt_1";
  e.application_id = "app_a";
  e.environment = "development";
  e.mapping_id = "map_1";
  e.table = "sessions";
  e.operation = "insert";
  e.topic = "session.status";
  e.status = "routed";
  e.lsn = "0/100";
  e.at = 1;
  ASSERT_TRUE(repo_->RecordTransaction({e}, "tgt_a", 0x100).ok());
  EXPECT_EQ(*repo_->RoutedPosition("tgt_a"), 0x100);
  ASSERT_TRUE(repo_->RecordTransaction({}, "tgt_a", 0x50).ok());  // never moves back
  EXPECT_EQ(*repo_->RoutedPosition("tgt_a"), 0x100);
  ASSERT_TRUE(repo_->RecordTransaction({}, "tgt_a", 0x200).ok());
  EXPECT_EQ(*repo_->RoutedPosition("tgt_a"), 0x200);
  EXPECT_EQ(*repo_->RoutedPosition("tgt_b"), 0);
  store::CdcEventQuery q;
  q.application_id = "app_a";
  q.environment = "development";
  auto rows = repo_->ListEvents(q);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].event_id, "evt_1");
  // A replayed transaction (same event ids) logs nothing twice; a chunk (position 0) leaves the
  // routed position where it was.
  store::CdcEventRow f = e;
  f.event_id = "evt_2";
  ASSERT_TRUE(repo_->RecordTransaction({f}, "tgt_a", 0).ok());
  EXPECT_EQ(*repo_->RoutedPosition("tgt_a"), 0x200);
  ASSERT_TRUE(repo_->RecordTransaction({e, f}, "tgt_a", 0x300).ok());
  EXPECT_EQ(*repo_->RoutedPosition("tgt_a"), 0x300);
  rows = repo_->ListEvents(q);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 2u);
}

TEST_P(CdcRepositoryConformance, MappingsAreScopedPerEnvironmentWithVersionSnapshots) {
  Put(Mapping("map_1"));
  Put(Mapping("map_2", "development", "app_a", kT0 + 1, "orders.created"));
  Put(Mapping("map_1", "staging"));  // the same id in another environment
  Put(Mapping("map_3", "development", "app_b"));
  EXPECT_EQ(repo_->InsertMapping(Mapping("map_1")).error().code, ErrorCode::kConflict);
  EXPECT_EQ(repo_->InsertMapping(Mapping("map_1", "development", "app_b")).error().code, ErrorCode::kConflict);
  EXPECT_EQ(repo_->InsertMapping(Mapping("map_9", "development", "app_gone")).error().code, ErrorCode::kNotFound);

  auto got = repo_->GetMapping("app_a", "development", "map_1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->table, "sessions");
  EXPECT_EQ((*got)->topic, "session.status");
  EXPECT_EQ((*got)->definition, "{\"id\":\"map_1\"}");
  EXPECT_EQ((*got)->version, 1);
  EXPECT_TRUE((*got)->active);
  EXPECT_FALSE(repo_->GetMapping("app_b", "development", "map_1")->has_value());
  EXPECT_FALSE(repo_->GetMapping("app_a", "production", "map_1")->has_value());

  auto list = repo_->ListMappings("app_a", "development");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "map_1");
  EXPECT_EQ((*list)[1].id, "map_2");
  auto by_topic = repo_->ListMappingsByTopic("app_a", "development", "orders.created");
  ASSERT_TRUE(by_topic.ok());
  ASSERT_EQ(by_topic->size(), 1u);
  EXPECT_EQ((*by_topic)[0].id, "map_2");
  EXPECT_EQ(repo_->ListApplicationMappings("app_a")->size(), 3u);

  auto versions = repo_->ListVersions("app_a", "development", "map_1");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].version, 1);
  EXPECT_EQ((*versions)[0].definition, "{\"id\":\"map_1\"}");
}

TEST_P(CdcRepositoryConformance, UpdateIsOptimisticAndSnapshotsEachVersion) {
  Put(Mapping("map_1"));
  MappingRow next = Mapping("map_1");
  next.version = 2;
  next.definition = "{\"v\":2}";
  next.topic = "session.changed";
  next.active = false;
  next.updated_at = kT0 + 5;
  auto stale = repo_->UpdateMapping(next, 7);  // not the running version
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(*stale);
  auto updated = repo_->UpdateMapping(next, 1);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_TRUE(*updated);
  EXPECT_FALSE(*repo_->UpdateMapping(next, 1));  // the same writer again: 2 is running now
  auto got = *repo_->GetMapping("app_a", "development", "map_1");
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->topic, "session.changed");
  EXPECT_FALSE(got->active);
  EXPECT_EQ(got->created_at, kT0);
  EXPECT_EQ(got->updated_at, kT0 + 5);
  auto versions = *repo_->ListVersions("app_a", "development", "map_1");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[1].version, 2);
  EXPECT_EQ(versions[1].definition, "{\"v\":2}");
  next.application_id = "app_b";  // another application's row is never touched
  EXPECT_FALSE(*repo_->UpdateMapping(next, 2));
}

TEST_P(CdcRepositoryConformance, PutMappingCreatesOrReplacesTheTargetRow) {
  Put(Mapping("map_1"));
  MappingRow staged = Mapping("map_1", "staging", "app_a", kT0 + 10);
  staged.version = 3;
  ASSERT_TRUE(repo_->PutMapping(staged).ok());
  EXPECT_EQ((*repo_->GetMapping("app_a", "staging", "map_1"))->version, 3);
  staged.version = 4;
  staged.definition = "{\"v\":4}";
  staged.updated_at = staged.created_at = kT0 + 20;
  ASSERT_TRUE(repo_->PutMapping(staged).ok());
  auto got = *repo_->GetMapping("app_a", "staging", "map_1");
  EXPECT_EQ(got->version, 4);
  EXPECT_EQ(got->definition, "{\"v\":4}");
  EXPECT_EQ(got->created_at, kT0 + 10);  // kept from the first promotion
  staged.version = 3;  // a promotion bringing back an earlier number replaces its snapshot
  ASSERT_TRUE(repo_->PutMapping(staged).ok());
  EXPECT_EQ(repo_->ListVersions("app_a", "staging", "map_1")->size(), 2u);
  MappingRow other = Mapping("map_1", "staging", "app_b");
  EXPECT_EQ(repo_->PutMapping(other).error().code, ErrorCode::kConflict);
  EXPECT_EQ((*repo_->GetMapping("app_a", "staging", "map_1"))->application_id, "app_a");
}

TEST_P(CdcRepositoryConformance, DeleteRemovesTheRowItsVersionsAndSubscriptionsInThatEnvironment) {
  Put(Mapping("map_1"));
  Put(Mapping("map_1", "staging"));
  ASSERT_TRUE(repo_->InsertSubscription(Sub("sub_1", "map_1")).ok());
  ASSERT_TRUE(repo_->InsertSubscription(Sub("sub_2", "map_1", true, "app_a", "staging")).ok());
  EXPECT_FALSE(*repo_->DeleteMapping("app_b", "development", "map_1"));
  EXPECT_TRUE(*repo_->DeleteMapping("app_a", "development", "map_1"));
  EXPECT_FALSE(*repo_->DeleteMapping("app_a", "development", "map_1"));
  EXPECT_TRUE(repo_->ListVersions("app_a", "development", "map_1")->empty());
  EXPECT_TRUE(repo_->ListSubscriptions("app_a", "development")->empty());
  EXPECT_EQ(repo_->ListVersions("app_a", "staging", "map_1")->size(), 1u);
  EXPECT_EQ(repo_->ListSubscriptions("app_a", "staging")->size(), 1u);
  // Deleting the application deletes the rest.
  ASSERT_TRUE(db_->Exec("DELETE FROM applications WHERE id = 'app_a'").ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cdc_mappings"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cdc_mapping_versions"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cdc_subscriptions"), 0);
}

TEST_P(CdcRepositoryConformance, SubscriptionsDecideWhatStreams) {
  Put(Mapping("map_1"));                          // no subscription: streams
  Put(Mapping("map_2"));                          // active subscription: streams
  Put(Mapping("map_3"));                          // inactive subscription: does not
  MappingRow off = Mapping("map_4", "staging");  // inactive mapping: does not
  off.active = false;
  Put(off);
  Put(Mapping("map_5", "development", "app_b"));
  ASSERT_TRUE(repo_->InsertSubscription(Sub("sub_2", "map_2")).ok());
  ASSERT_TRUE(repo_->InsertSubscription(Sub("sub_3", "map_3", false)).ok());
  // An inactive subscription of another application (same mapping id) does not stop map_5.
  ASSERT_TRUE(repo_->InsertSubscription(Sub("sub_5", "map_5", false, "app_a")).ok());
  EXPECT_EQ(repo_->InsertSubscription(Sub("sub_9", "map_2")).error().code, ErrorCode::kConflict);
  EXPECT_EQ(repo_->InsertSubscription(Sub("sub_9", "map_8", true, "app_gone")).error().code, ErrorCode::kNotFound);

  EXPECT_EQ(Captured(), (std::set<std::string>{"app_a/development/map_1", "app_a/development/map_2",
                                                 "app_b/development/map_5"}));
  auto fp1 = repo_->Fingerprint();
  ASSERT_TRUE(fp1.ok()) << fp1.error().message;
  EXPECT_TRUE(*repo_->SetSubscriptionActive("app_a", "development", "sub_3", true, kT0));  // same updated_at
  EXPECT_NE(*repo_->Fingerprint(), *fp1);
  EXPECT_TRUE(*repo_->SetSubscriptionActive("app_a", "development", "sub_2", false, kT0 + 1));
  EXPECT_FALSE(*repo_->SetSubscriptionActive("app_b", "development", "sub_2", true, kT0 + 1));
  EXPECT_EQ(Captured(), (std::set<std::string>{"app_a/development/map_1", "app_a/development/map_3",
                                                 "app_b/development/map_5"}));
  auto sub = repo_->GetSubscription("app_a", "development", "sub_2");
  ASSERT_TRUE(sub.ok() && sub->has_value());
  EXPECT_FALSE((*sub)->active);
  EXPECT_EQ((*sub)->updated_at, kT0 + 1);
  EXPECT_FALSE(repo_->GetSubscription("app_b", "development", "sub_2")->has_value());
  EXPECT_EQ(repo_->ListSubscriptions("app_a", "development")->size(), 3u);
}

TEST_P(CdcRepositoryConformance, FingerprintFollowsMappingChanges) {
  auto empty = *repo_->Fingerprint();
  Put(Mapping("map_1"));
  auto one = *repo_->Fingerprint();
  EXPECT_NE(one, empty);
  MappingRow next = Mapping("map_1");
  next.version = 2;  // same updated_at: the version sum still moves
  ASSERT_TRUE(*repo_->UpdateMapping(next, 1));
  auto two = *repo_->Fingerprint();
  EXPECT_NE(two, one);
  ASSERT_TRUE(*repo_->DeleteMapping("app_a", "development", "map_1"));
  EXPECT_EQ(*repo_->Fingerprint(), empty);
}

TEST_P(CdcRepositoryConformance, EventsAreRecordedFilteredAndPagedNewestFirst) {
  Record({Event("log_1", kT0 + 1, "insert"), Event("log_2", kT0 + 2, "update", "map_2"),
          Event("log_3", kT0 + 3, "delete", "map_1", "failed"), Event("log_4", kT0 + 4),
          Event("log_b", kT0 + 5, "update", "map_1", "routed", "app_b")});
  Record({Event("log_4", kT0 + 9)});  // a repeated id is ignored
  store::CdcEventQuery q{"app_a", "development"};
  EXPECT_EQ(EventIds(q), (std::vector<std::string>{"log_4", "log_3", "log_2", "log_1"}));
  q.operation = "update";
  EXPECT_EQ(EventIds(q), (std::vector<std::string>{"log_4", "log_2"}));
  q.mapping_id = "map_2";
  EXPECT_EQ(EventIds(q), (std::vector<std::string>{"log_2"}));
  q = {"app_a", "development"};
  q.status = "failed";
  EXPECT_EQ(EventIds(q), (std::vector<std::string>{"log_3"}));
  q = {"app_a", "development"};
  q.before = kT0 + 4;
  q.limit = 2;
  EXPECT_EQ(EventIds(q), (std::vector<std::string>{"log_3", "log_2"}));
  auto rows = *repo_->ListEvents({"app_a", "development", "delete"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].event_id, "evt_log_3");
  EXPECT_EQ(rows[0].table, "sessions");
  EXPECT_EQ(rows[0].topic, "session.status");
  EXPECT_EQ(rows[0].lsn, "0/16B3748");
  EXPECT_EQ(rows[0].at, kT0 + 3);
  EXPECT_EQ(repo_->ListEvents({"", "development"}).error().code, ErrorCode::kValidation);
  // An id is assigned when the reader leaves it empty.
  Record({Event("", kT0 + 10, "insert", "map_7")});
  q = {"app_a", "development"};
  q.mapping_id = "map_7";
  auto assigned = EventIds(q);
  ASSERT_EQ(assigned.size(), 1u);
  EXPECT_EQ(assigned[0].rfind("log_", 0), 0u) << assigned[0];
}

TEST_P(CdcRepositoryConformance, PruneByAgeThenByRowCountInBatches) {
  std::vector<CdcEventRow> batch;
  for (int i = 0; i < 1203; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "log_%04d", i);
    batch.push_back(Event(id, kT0 + i));
  }
  Record(batch);
  auto aged = repo_->PruneEvents(kT0 + 100, 0);  // log_0000 .. log_0099
  ASSERT_TRUE(aged.ok()) << aged.error().message;
  EXPECT_EQ(*aged, 100);
  auto capped = repo_->PruneEvents(kT0, 500);  // keep the newest 500 of 1103
  ASSERT_TRUE(capped.ok()) << capped.error().message;
  EXPECT_EQ(*capped, 603);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cdc_events"), 500);
  EXPECT_EQ(Count("SELECT MIN(created_at) FROM cdc_events"), kT0 + 703);
  EXPECT_EQ(*repo_->PruneEvents(kT0, 500), 0);
  EXPECT_EQ(*repo_->PruneEvents(kT0, 1000), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, CdcRepositoryConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
