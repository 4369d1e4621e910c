// WebhookRepository conformance on SQLite and PostgreSQL: endpoint CRUD and scoping, the active
// snapshot and its fingerprint, cascade on application delete, delivery logs (the summary upsert
// and its ordering rule, attempt history, filters, cursor paging, limits), re-queue, pruning.
#include "store/webhook_repository.h"

#include <gtest/gtest.h>

#include <set>

#include "backends.h"
#include "store/application_repository.h"

namespace rt::testing {
namespace {

using store::DeliveryAttempt;
using store::DeliveryLog;
using store::LogQuery;
using store::WebhookEndpointRow;

constexpr int64_t kT0 = 1'700'000'000'000;

class WebhookRepositoryConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    apps_ = std::make_unique<store::ApplicationRepository>(*db_);
    for (const char* id : {"app_a", "app_b"}) ASSERT_TRUE(apps_->Insert({id, id, "", {}, kT0, kT0}).ok());
    repo_ = std::make_unique<store::WebhookRepository>(*db_);
  }

  static WebhookEndpointRow Endpoint(const char* id, const char* app = "app_a", const char* env = "development",
                                     int64_t at = kT0) {
    WebhookEndpointRow e{id, app, env, std::string("https://example.com/") + id, "v1:sealed"};
    e.events = {"database.event", "*"};
    e.topics = {"session.*"};
    e.signature_scheme = "realtime";
    e.max_concurrency = 4;
    e.ordering = "fifo";
    e.description = "desc";
    e.created_at = e.updated_at = at;
    return e;
  }
  void Put(const WebhookEndpointRow& e) {
    Status st = repo_->Insert(e);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  static DeliveryAttempt Attempt(const std::string& log, int n, const char* status, int code, int64_t at,
                                 const char* app = "app_a", const char* webhook = "wh_1",
                                 const char* event = "database.event") {
    DeliveryAttempt a;
    a.delivery_id = log;
    a.webhook_id = webhook;
    a.application_id = app;
    a.environment = "development";
    a.event = event;
    a.event_id = "evt_" + log;
    a.topic = "session.status";
    a.url = "https://example.com/hook";
    a.job_id = "job_" + log;
    a.attempt = n;
    a.status_code = code;
    a.duration_ms = 10 * n;
    a.error = code >= 200 && code < 300 ? "" : code == 0 ? "connection refused" : "HTTP " + std::to_string(code);
    a.response_body = "body " + std::to_string(n);
    a.at = at;
    a.status = status;
    a.next_attempt_at = std::string(status) == "retrying" ? at + 1000 : 0;
    return a;
  }
  void Record(const std::vector<DeliveryAttempt>& batch) {
    Status st = repo_->RecordAttempts(batch);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  DeliveryLog Log(const std::string& id, const char* app = "app_a") {
    auto l = repo_->GetLog(app, "development", id);
    EXPECT_TRUE(l.ok()) << l.error().message;
    EXPECT_TRUE(l.ok() && l->has_value()) << id;
    return l.ok() && l->has_value() ? **l : DeliveryLog{};
  }
  std::vector<std::string> Ids(LogQuery q) {
    auto logs = repo_->ListLogs(q);
    EXPECT_TRUE(logs.ok()) << logs.error().message;
    std::vector<std::string> out;
    if (logs.ok())
      for (const auto& l : *logs) out.push_back(l.id);
    return out;
  }
  int64_t Count(const char* sql) { return store::AsInt(db_->Exec(sql)->rows[0][0]); }
  // n logs log_0000.. in app_a, created one ms apart from `from`, each with one attempt.
  void Many(int n, int64_t from) {
    std::vector<DeliveryAttempt> batch;
    char id[16];
    for (int i = 0; i < n; ++i) {
      std::snprintf(id, sizeof id, "log_%04d", i);
      batch.push_back(Attempt(id, 1, "delivered", 200, from + i));
    }
    Record(batch);
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::ApplicationRepository> apps_;
  std::unique_ptr<store::WebhookRepository> repo_;
};

TEST_P(WebhookRepositoryConformance, EndpointCrudIsScoped) {
  WebhookEndpointRow e = Endpoint("wh_1");
  e.signature_scheme = "standard";
  e.active = false;
  Put(e);
  auto got = repo_->Get("app_a", "development", "wh_1");
  ASSERT_TRUE(got.ok() && got->has_value());
  const WebhookEndpointRow& g = **got;
  EXPECT_EQ(g.id, "wh_1");
  EXPECT_EQ(g.application_id, "app_a");
  EXPECT_EQ(g.environment, "development");
  EXPECT_EQ(g.url, "https://example.com/wh_1");
  EXPECT_EQ(g.secret, "v1:sealed");
  EXPECT_EQ(g.events, (std::vector<std::string>{"database.event", "*"}));
  EXPECT_EQ(g.topics, (std::vector<std::string>{"session.*"}));
  EXPECT_FALSE(g.active);
  EXPECT_EQ(g.signature_scheme, "standard");
  EXPECT_EQ(g.max_concurrency, 4);
  EXPECT_EQ(g.ordering, "fifo");
  EXPECT_EQ(g.description, "desc");
  EXPECT_EQ(g.created_at, kT0);
  EXPECT_EQ(g.updated_at, kT0);

  EXPECT_FALSE(repo_->Get("app_a", "production", "wh_1")->has_value());
  EXPECT_FALSE(repo_->Get("app_b", "development", "wh_1")->has_value());
  auto any = repo_->GetById("wh_1");
  ASSERT_TRUE(any.ok() && any->has_value());
  EXPECT_EQ((*any)->application_id, "app_a");
  EXPECT_FALSE(repo_->GetById("wh_missing")->has_value());

  Status dup = repo_->Insert(Endpoint("wh_1", "app_b"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  Status orphan = repo_->Insert(Endpoint("wh_2", "app_missing"));
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, ErrorCode::kNotFound);

  WebhookEndpointRow empty = Endpoint("wh_3");
  empty.events.clear();
  empty.topics.clear();
  Put(empty);
  EXPECT_TRUE((*repo_->GetById("wh_3"))->events.empty());

  EXPECT_FALSE(*repo_->Delete("app_b", "development", "wh_1"));  // another scope
  EXPECT_TRUE(*repo_->Delete("app_a", "development", "wh_1"));
  EXPECT_FALSE(*repo_->Delete("app_a", "development", "wh_1"));
  EXPECT_FALSE(repo_->GetById("wh_1")->has_value());
}

TEST_P(WebhookRepositoryConformance, ListIsOldestFirstPerScope) {
  Put(Endpoint("wh_c", "app_a", "development", kT0 + 30));
  Put(Endpoint("wh_a", "app_a", "development", kT0 + 10));
  Put(Endpoint("wh_b", "app_a", "development", kT0 + 20));
  Put(Endpoint("wh_p", "app_a", "production", kT0));
  Put(Endpoint("wh_x", "app_b", "development", kT0));
  auto list = repo_->List("app_a", "development");
  ASSERT_TRUE(list.ok());
  std::vector<std::string> ids;
  for (const auto& e : *list) ids.push_back(e.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"wh_a", "wh_b", "wh_c"}));
  EXPECT_TRUE(repo_->List("app_b", "staging")->empty());
}

TEST_P(WebhookRepositoryConformance, ActiveSnapshotAndFingerprint) {
  auto fp = [&] { return *repo_->Fingerprint(); };
  EXPECT_EQ(fp(), "0:0:0:0");
  Put(Endpoint("wh_1", "app_a", "development", kT0 + 2));
  Put(Endpoint("wh_2", "app_b", "production", kT0 + 1));
  WebhookEndpointRow off = Endpoint("wh_3");
  off.active = false;
  Put(off);
  auto ids = [&] {
    auto active = repo_->ListActive();
    EXPECT_TRUE(active.ok());
    std::vector<std::string> out;
    if (active.ok())
      for (const auto& e : *active) out.push_back(e.id);
    return out;
  };
  EXPECT_EQ(ids(), (std::vector<std::string>{"wh_2", "wh_1"}));  // every scope, oldest first

  std::string before = fp();
  // Deactivated in the same millisecond as its last update: the fingerprint still moves.
  EXPECT_TRUE(*repo_->SetActive("app_a", "development", "wh_1", false, kT0 + 2));
  EXPECT_NE(fp(), before);
  EXPECT_EQ(ids(), (std::vector<std::string>{"wh_2"}));
  before = fp();
  EXPECT_TRUE(*repo_->SetActive("app_a", "development", "wh_3", true, kT0 + 50));
  EXPECT_NE(fp(), before);
  EXPECT_EQ((*repo_->GetById("wh_3"))->updated_at, kT0 + 50);
  EXPECT_EQ(ids(), (std::vector<std::string>{"wh_3", "wh_2"}));
  EXPECT_FALSE(*repo_->SetActive("app_b", "development", "wh_3", false, kT0 + 60));  // another scope
  EXPECT_FALSE(*repo_->SetActive("app_a", "development", "wh_none", false, kT0 + 60));
  before = fp();
  EXPECT_TRUE(*repo_->Delete("app_b", "production", "wh_2"));
  EXPECT_NE(fp(), before);
}

TEST_P(WebhookRepositoryConformance, DeletingTheApplicationDeletesItsEndpointsNotItsLogs) {
  Put(Endpoint("wh_1", "app_a"));
  Put(Endpoint("wh_2", "app_b"));
  Record({Attempt("log_1", 1, "delivered", 200, kT0)});
  ASSERT_TRUE(apps_->Delete("app_a").ok());
  EXPECT_FALSE(repo_->GetById("wh_1")->has_value());
  EXPECT_TRUE(repo_->GetById("wh_2")->has_value());
  EXPECT_EQ(Log("log_1").webhook_id, "wh_1");  // history outlives the endpoint until pruned
}

TEST_P(WebhookRepositoryConformance, AttemptsBuildTheSummaryAndTheHistory) {
  Record({Attempt("log_1", 1, "retrying", 500, kT0)});
  DeliveryLog l = Log("log_1");
  EXPECT_EQ(l.status, "retrying");
  EXPECT_EQ(l.status_code, 500);
  EXPECT_FALSE(l.success);
  EXPECT_EQ(l.attempts, 1);
  EXPECT_EQ(l.next_attempt_at, kT0 + 1000);
  EXPECT_EQ(l.delivered_at, 0);
  EXPECT_EQ(l.error, "HTTP 500");

  Record({Attempt("log_1", 2, "retrying", 0, kT0 + 1000)});
  Record({Attempt("log_1", 3, "delivered", 204, kT0 + 3000)});
  l = Log("log_1");
  EXPECT_EQ(l.id, "log_1");
  EXPECT_EQ(l.webhook_id, "wh_1");
  EXPECT_EQ(l.application_id, "app_a");
  EXPECT_EQ(l.environment, "development");
  EXPECT_EQ(l.event, "database.event");
  EXPECT_EQ(l.event_id, "evt_log_1");
  EXPECT_EQ(l.topic, "session.status");
  EXPECT_EQ(l.url, "https://example.com/hook");
  EXPECT_EQ(l.job_id, "job_log_1");
  EXPECT_EQ(l.status, "delivered");
  EXPECT_EQ(l.status_code, 204);
  EXPECT_TRUE(l.success);
  EXPECT_EQ(l.attempts, 3);
  EXPECT_EQ(l.duration_ms, 30);
  EXPECT_EQ(l.error, "");
  EXPECT_EQ(l.response_body, "body 3");
  EXPECT_EQ(l.next_attempt_at, 0);
  EXPECT_EQ(l.delivered_at, kT0 + 3000);
  EXPECT_EQ(l.created_at, kT0);  // the first attempt's
  EXPECT_EQ(l.updated_at, kT0 + 3000);
  ASSERT_EQ(l.history.size(), 3u);
  EXPECT_EQ(l.history[0].attempt, 1);
  EXPECT_EQ(l.history[0].status_code, 500);
  EXPECT_EQ(l.history[0].at, kT0);
  EXPECT_EQ(l.history[1].status_code, 0);  // no response: NULL
  EXPECT_EQ(l.history[1].error, "connection refused");
  EXPECT_EQ(l.history[1].duration_ms, 20);
  EXPECT_EQ(l.history[2].response_body, "body 3");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM webhook_attempts WHERE status_code IS NULL"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM webhook_deliveries WHERE next_attempt_at IS NULL"), 1);

  EXPECT_FALSE(repo_->GetLog("app_b", "development", "log_1")->has_value());
  EXPECT_FALSE(repo_->GetLog("app_a", "production", "log_1")->has_value());
  EXPECT_FALSE(repo_->GetLog("app_a", "development", "log_none")->has_value());
  EXPECT_TRUE(repo_->RecordAttempts({}).ok());
}

TEST_P(WebhookRepositoryConformance, ALateEarlierAttemptNeverOverwritesALaterOne) {
  Record({Attempt("log_1", 3, "delivered", 200, kT0 + 3000)});
  Record({Attempt("log_1", 2, "retrying", 500, kT0 + 2000)});  // a slow writer of attempt 2
  DeliveryLog l = Log("log_1");
  EXPECT_EQ(l.status, "delivered");
  EXPECT_EQ(l.attempts, 3);
  EXPECT_EQ(l.updated_at, kT0 + 3000);
  EXPECT_EQ(l.created_at, kT0 + 3000);
  ASSERT_EQ(l.history.size(), 2u);  // both attempts are history
  EXPECT_EQ(l.history[0].attempt, 2);
  EXPECT_EQ(l.history[1].attempt, 3);

  // Attempt 3 run again after a crash, in a batch with another delivery: the batch lands, the
  // summary takes the re-run (same attempt number), the first attempt row is kept.
  Record({Attempt("log_1", 3, "dead", 410, kT0 + 4000), Attempt("log_2", 1, "delivered", 200, kT0 + 4000)});
  l = Log("log_1");
  EXPECT_EQ(l.status, "dead");
  EXPECT_EQ(l.status_code, 410);
  EXPECT_FALSE(l.success);
  EXPECT_EQ(l.delivered_at, 0);
  ASSERT_EQ(l.history.size(), 2u);
  EXPECT_EQ(l.history[1].status_code, 200);
  EXPECT_EQ(Log("log_2").status, "delivered");
}

TEST_P(WebhookRepositoryConformance, ListLogsFilters) {
  Record({Attempt("log_1", 1, "delivered", 200, kT0 + 1, "app_a", "wh_1", "database.event"),
          Attempt("log_2", 1, "retrying", 500, kT0 + 2, "app_a", "wh_2", "database.event"),
          Attempt("log_3", 1, "dead", 404, kT0 + 3, "app_a", "wh_1", "document.updated"),
          Attempt("log_4", 1, "delivered", 200, kT0 + 4, "app_b", "wh_9", "database.event")});
  Record({Attempt("log_3", 2, "dead", 404, kT0 + 10, "app_a", "wh_1", "document.updated")});
  LogQuery q{"app_a", "development"};
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"log_3", "log_2", "log_1"}));
  EXPECT_EQ(Ids({"app_b", "development"}), (std::vector<std::string>{"log_4"}));
  EXPECT_TRUE(Ids({"app_a", "production"}).empty());
  EXPECT_EQ(Ids({"app_a", "development", "database.event"}), (std::vector<std::string>{"log_2", "log_1"}));
  EXPECT_EQ(Ids({"app_a", "development", "", "wh_1"}), (std::vector<std::string>{"log_3", "log_1"}));
  EXPECT_EQ(Ids({"app_a", "development", "", "", "retrying"}), (std::vector<std::string>{"log_2"}));
  EXPECT_EQ(Ids({"app_a", "development", "database.event", "wh_1", "delivered"}), (std::vector<std::string>{"log_1"}));
  EXPECT_TRUE(Ids({"app_a", "development", "database.event", "wh_1", "dead"}).empty());
  EXPECT_EQ(Ids({"app_a", "development", "", "", "", kT0 + 3}), (std::vector<std::string>{"log_2", "log_1"}));

  auto logs = repo_->ListLogs(q);
  ASSERT_TRUE(logs.ok());
  ASSERT_EQ(logs->size(), 3u);
  EXPECT_EQ((*logs)[0].history.size(), 2u);  // each log carries its own history
  EXPECT_EQ((*logs)[0].history[1].at, kT0 + 10);
  EXPECT_EQ((*logs)[1].history.size(), 1u);
  EXPECT_EQ((*logs)[1].history[0].status_code, 500);
  EXPECT_EQ((*logs)[2].history.size(), 1u);

  for (LogQuery bad : {LogQuery{"", "development"}, LogQuery{"app_a", ""}}) {
    auto r = repo_->ListLogs(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kValidation);
  }
}

TEST_P(WebhookRepositoryConformance, ListLogsPagesWithACursorAcrossEqualTimestamps) {
  std::vector<DeliveryAttempt> batch;
  for (int i = 0; i < 7; ++i) {  // pairs share a created_at
    batch.push_back(Attempt("log_" + std::to_string(i), 1, "delivered", 200, kT0 + i / 2));
  }
  Record(batch);
  std::vector<std::string> all = Ids({"app_a", "development"});
  EXPECT_EQ(all, (std::vector<std::string>{"log_6", "log_5", "log_4", "log_3", "log_2", "log_1", "log_0"}));
  std::vector<std::string> paged;
  LogQuery q{"app_a", "development"};
  q.limit = 2;
  for (int page = 0; page < 10; ++page) {
    auto logs = repo_->ListLogs(q);
    ASSERT_TRUE(logs.ok());
    if (logs->empty()) break;
    EXPECT_LE(logs->size(), 2u);
    for (const auto& l : *logs) paged.push_back(l.id);
    q.before = logs->back().created_at;
    q.before_id = logs->back().id;
  }
  EXPECT_EQ(paged, all);  // every log exactly once, in order
  // created_at alone is a coarser cursor: the page's last millisecond is skipped as a whole.
  EXPECT_EQ(Ids({"app_a", "development", "", "", "", kT0 + 2}),
            (std::vector<std::string>{"log_3", "log_2", "log_1", "log_0"}));
}

TEST_P(WebhookRepositoryConformance, ListLogsLimitDefaultsTo100AndIsCappedAt1000) {
  Many(1005, kT0);
  EXPECT_EQ(Ids({"app_a", "development"}).size(), 100u);
  LogQuery q{"app_a", "development"};
  q.limit = 5000;
  auto big = Ids(q);
  ASSERT_EQ(big.size(), 1000u);
  EXPECT_EQ(big.front(), "log_1004");
  q.limit = 3;
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"log_1004", "log_1003", "log_1002"}));
}

TEST_P(WebhookRepositoryConformance, MarkRequeued) {
  Record({Attempt("log_1", 5, "dead", 500, kT0)});
  EXPECT_FALSE(*repo_->MarkRequeued("app_b", "development", "log_1", kT0 + 100));
  EXPECT_FALSE(*repo_->MarkRequeued("app_a", "development", "log_x", kT0 + 100));
  EXPECT_TRUE(*repo_->MarkRequeued("app_a", "development", "log_1", kT0 + 100));
  DeliveryLog l = Log("log_1");
  EXPECT_EQ(l.status, "pending");
  EXPECT_EQ(l.next_attempt_at, kT0 + 100);
  EXPECT_EQ(l.updated_at, kT0 + 100);
  EXPECT_EQ(l.attempts, 5);
  // The re-queued delivery's attempts continue the numbering.
  Record({Attempt("log_1", 6, "delivered", 200, kT0 + 200)});
  l = Log("log_1");
  EXPECT_EQ(l.status, "delivered");
  EXPECT_EQ(l.attempts, 6);
  EXPECT_EQ(l.next_attempt_at, 0);
  EXPECT_EQ(l.history.size(), 2u);
}

TEST_P(WebhookRepositoryConformance, PruneDeletesOldLogsWithTheirAttemptsInBatches) {
  Many(1203, kT0);  // log_0000 .. log_1202 at kT0 + i: more than two prune batches
  Record({Attempt("log_0005", 2, "delivered", 200, kT0 + 5000)});  // an old log's later attempt
  auto pruned = repo_->PruneLogs(kT0 + 1200);                      // created before: log_0000 .. log_1199
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(*pruned, 1200);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM webhook_deliveries"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM webhook_attempts"), 3);  // no orphaned attempts
  EXPECT_FALSE(repo_->GetLog("app_a", "development", "log_0005")->has_value());
  EXPECT_EQ(Log("log_1200").history.size(), 1u);
  EXPECT_EQ(*repo_->PruneLogs(kT0 + 1200), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookRepositoryConformance,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

}  // namespace
}  // namespace rt::testing
