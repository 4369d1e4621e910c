// The alert evaluator (monitor/alert_evaluator.h) on SQLite and PostgreSQL, driven tick by tick
// with an injected time and dashboard: firing, resolution, cooldown, `for`, dlqGrowth, rules
// disabled while firing, exactly one evaluator among several (lease), failover without a second
// firing, a graceful stop handing over at once, and webhook notifications on the job queue.
#include "monitor/alert_evaluator.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "backends.h"
#include "core/json.h"
#include "jobs/db_queue.h"
#include "webhooks/fanout.h"

namespace rt::testing {
namespace {

using monitor::AlertEvaluator;

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kTick = 200;  // lease ttl = 600 ms

class AlertEvaluatorTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    repo_ = std::make_unique<store::AlertRepository>(*db_);
    leases_ = std::make_unique<store::LeaseRepository>(*db_);
    queue_ = std::make_unique<jobs::DbQueue>(*db_);
    notifier_ = std::make_unique<monitor::AlertNotifier>(*queue_, *repo_, 3);
  }
  std::unique_ptr<AlertEvaluator> Evaluator(const char* instance) {
    return std::make_unique<AlertEvaluator>(
        *repo_, *leases_,
        [this] {
          return boost::json::object{{"delivery", boost::json::object{{"activeConnections", conn_}}},
                                     {"reliability", boost::json::object{{"dlqSize", dlq_}}}};
        },
        notifier_.get(), monitor::AlertEvaluatorOptions{instance, std::chrono::milliseconds(kTick)});
  }
  store::AlertRuleRow AddRule(const char* id, const char* metric, double threshold, int64_t for_s, int64_t cooldown_s,
                              const std::string& webhook = "") {
    store::AlertRuleRow r;
    r.id = id;
    r.name = std::string("rule ") + id;
    r.metric = metric;
    r.comparison = "gt";
    r.threshold = threshold;
    r.for_seconds = for_s;
    r.severity = "warning";
    r.cooldown_seconds = cooldown_s;
    r.webhook_id = webhook;
    r.created_at = r.updated_at = kT0;
    EXPECT_TRUE(repo_->InsertRule(r).ok());
    return r;
  }
  std::vector<store::AlertRow> Alerts(const std::string& rule_id) {
    auto list = repo_->ListAlerts({.rule_id = rule_id});
    EXPECT_TRUE(list.ok()) << list.error().message;
    return list.ok() ? *list : std::vector<store::AlertRow>{};
  }
  std::vector<webhooks::DeliveryJob> Deliveries() {
    auto jobs = queue_->Claim(jobs::kWebhookDeliveryQueue, "test", 60000, 100);
    EXPECT_TRUE(jobs.ok()) << jobs.error().message;
    std::vector<webhooks::DeliveryJob> out;
    if (jobs.ok())
      for (const auto& j : *jobs) out.push_back(*webhooks::DeliveryJobFromJson(j.payload));
    return out;
  }

  double conn_ = 0, dlq_ = 0;
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::AlertRepository> repo_;
  std::unique_ptr<store::LeaseRepository> leases_;
  std::unique_ptr<jobs::DbQueue> queue_;
  std::unique_ptr<monitor::AlertNotifier> notifier_;
};

TEST_P(AlertEvaluatorTest, FiresResolvesAndRespectsTheCooldown) {
  AddRule("alr_c", "activeConnections", 0, 0, 3);
  auto e = Evaluator("a");
  e->Tick(kT0);
  EXPECT_TRUE(e->leader());
  EXPECT_TRUE(Alerts("alr_c").empty());
  conn_ = 1;
  e->Tick(kT0 + 200);
  auto alerts = Alerts("alr_c");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].state, "firing");
  EXPECT_EQ(alerts[0].value, 1);
  EXPECT_EQ(alerts[0].fired_at, kT0 + 200);
  EXPECT_EQ(alerts[0].message, "activeConnections = 1 > 0");
  e->Tick(kT0 + 400);  // still breached: no second firing
  EXPECT_EQ(Alerts("alr_c").size(), 1u);
  conn_ = 0;
  e->Tick(kT0 + 600);
  alerts = Alerts("alr_c");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].state, "resolved");
  EXPECT_EQ(alerts[0].resolved_at, kT0 + 600);
  conn_ = 2;
  for (int64_t t = 800; t < 3200; t += 200) e->Tick(kT0 + t);  // within 3 s of the firing
  EXPECT_EQ(Alerts("alr_c").size(), 1u);
  e->Tick(kT0 + 3200);
  alerts = Alerts("alr_c");
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].state, "firing");
  EXPECT_EQ(alerts[0].fired_at, kT0 + 3200);
}

TEST_P(AlertEvaluatorTest, ForDelaysTheFiring) {
  AddRule("alr_f", "activeConnections", 0, 1, 0);
  auto e = Evaluator("a");
  conn_ = 5;
  for (int64_t t = 0; t < 1000; t += 200) e->Tick(kT0 + t);
  EXPECT_TRUE(Alerts("alr_f").empty());
  e->Tick(kT0 + 1000);
  auto alerts = Alerts("alr_f");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].fired_at, kT0 + 1000);
}

TEST_P(AlertEvaluatorTest, DlqGrowthComparesWithThePreviousEvaluation) {
  AddRule("alr_d", "dlqGrowth", 0, 0, 0);
  auto e = Evaluator("a");
  dlq_ = 5;
  e->Tick(kT0);  // first evaluation: growth 0
  EXPECT_TRUE(Alerts("alr_d").empty());
  dlq_ = 7;
  e->Tick(kT0 + 200);
  auto alerts = Alerts("alr_d");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].value, 2);
  e->Tick(kT0 + 400);  // no growth since
  EXPECT_EQ(Alerts("alr_d")[0].state, "resolved");
}

TEST_P(AlertEvaluatorTest, DisablingAFiringRuleResolvesItsAlert) {
  auto rule = AddRule("alr_x", "activeConnections", 0, 0, 0);
  auto e = Evaluator("a");
  conn_ = 1;
  e->Tick(kT0);
  ASSERT_EQ(Alerts("alr_x").size(), 1u);
  rule.enabled = false;
  ASSERT_TRUE(repo_->UpdateRule(rule).ok());
  e->Tick(kT0 + 200);
  auto alerts = Alerts("alr_x");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].state, "resolved");
  EXPECT_FALSE(alerts[0].resolved_value.has_value());
}

TEST_P(AlertEvaluatorTest, OneEvaluatorAmongSeveralAndFailoverDoesNotFireTwice) {
  AddRule("alr_c", "activeConnections", 0, 0, 0);
  auto a = Evaluator("a");
  auto b = Evaluator("b");
  conn_ = 1;
  a->Tick(kT0);
  b->Tick(kT0 + 10);
  EXPECT_TRUE(a->leader());
  EXPECT_FALSE(b->leader());
  ASSERT_EQ(Alerts("alr_c").size(), 1u);
  // a dies (stops renewing); b takes over once the lease (3 ticks) expired, adopting the open alert.
  b->Tick(kT0 + 3 * kTick);
  EXPECT_FALSE(b->leader());
  b->Tick(kT0 + 3 * kTick + 1);
  EXPECT_TRUE(b->leader());
  EXPECT_EQ(Alerts("alr_c").size(), 1u);
  conn_ = 0;
  b->Tick(kT0 + 4 * kTick);
  auto alerts = Alerts("alr_c");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].state, "resolved");
  // a comes back: b holds the lease, a writes nothing and forgets its state.
  conn_ = 1;
  a->Tick(kT0 + 4 * kTick + 1);
  EXPECT_FALSE(a->leader());
  EXPECT_EQ(Alerts("alr_c").size(), 1u);
}

TEST_P(AlertEvaluatorTest, CooldownSurvivesAFailover) {
  AddRule("alr_c", "activeConnections", 0, 0, 60);
  auto a = Evaluator("a");
  conn_ = 1;
  a->Tick(kT0);
  conn_ = 0;
  a->Tick(kT0 + 200);
  ASSERT_EQ(Alerts("alr_c")[0].state, "resolved");
  a->Stop();  // graceful: the lease is released at once
  auto b = Evaluator("b");
  conn_ = 1;
  b->Tick(kT0 + 400);
  EXPECT_TRUE(b->leader());
  EXPECT_EQ(Alerts("alr_c").size(), 1u);  // the cooldown of a's firing still holds
  b->Tick(kT0 + 60'000);
  EXPECT_EQ(Alerts("alr_c").size(), 2u);
}

TEST_P(AlertEvaluatorTest, NotifiesTheRulesWebhookOnFiringAndResolution) {
  ASSERT_TRUE(
      db_->Exec("INSERT INTO applications (id, name, created_at, updated_at) VALUES ('default', 'Default', 0, 0) "
                "ON CONFLICT DO NOTHING")
          .ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO webhook_endpoints (id, application_id, environment, url, secret, events, topics, "
                        "active, signature_scheme, max_concurrency, ordering, created_at, updated_at) VALUES "
                        "('wh_1', 'default', 'staging', 'https://x.example', 's', '[]', '[]', 1, 'realtime', 10, "
                        "'none', 0, 0)")
                  .ok());
  AddRule("alr_w", "activeConnections", 0, 0, 0, "wh_1");
  auto e = Evaluator("a");
  conn_ = 3;
  e->Tick(kT0);
  conn_ = 0;
  e->Tick(kT0 + 200);
  auto jobs = Deliveries();
  ASSERT_EQ(jobs.size(), 2u);
  std::sort(jobs.begin(), jobs.end(), [](const auto& x, const auto& y) { return x.event < y.event; });
  EXPECT_EQ(jobs[0].event, "alert.firing");
  EXPECT_EQ(jobs[1].event, "alert.resolved");
  for (const auto& j : jobs) {
    EXPECT_EQ(j.webhook_id, "wh_1");
    EXPECT_EQ(j.scope.environment, "staging");
    auto body = json::ParseObject(j.body);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(body->at("type").as_string(), j.event);
    EXPECT_EQ(body->at("payload").at("ruleId").as_string(), "alr_w");
  }
  auto resolved = json::ParseObject(jobs[1].body);
  EXPECT_EQ(resolved->at("payload").at("state").as_string(), "resolved");
  EXPECT_EQ(resolved->at("payload").at("resolvedValue").to_number<double>(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, AlertEvaluatorTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
