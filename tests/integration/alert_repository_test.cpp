// AlertRepository (alert rules and their firing/resolved history, migration 0010_monitoring) on
// SQLite and PostgreSQL: rule CRUD and unique names, built-ins inserted once, at most one open
// alert per rule, resolve, filters and paging newest first, acknowledgement keeping the first.
#include "store/alert_repository.h"

#include <gtest/gtest.h>

#include "backends.h"
#include "monitor/alert_rule.h"

namespace rt::testing {
namespace {

using store::AlertRow;
using store::AlertRuleRow;

constexpr int64_t kT0 = 1'700'000'000'000;

class AlertRepositoryConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    repo_ = std::make_unique<store::AlertRepository>(*db_);
  }
  static AlertRuleRow Rule(const char* id, const char* name) {
    AlertRuleRow r;
    r.id = id;
    r.name = name;
    r.metric = "activeConnections";
    r.comparison = "gt";
    r.threshold = 10.5;
    r.for_seconds = 30;
    r.severity = "warning";
    r.cooldown_seconds = 300;
    r.created_at = r.updated_at = kT0;
    return r;
  }
  static AlertRow Alert(const char* id, const char* rule_id, int64_t fired_at, const char* severity = "warning",
                        const char* environment = "") {
    AlertRow a;
    a.id = id;
    a.rule_id = rule_id;
    a.rule_name = std::string("rule ") + rule_id;
    a.metric = "activeConnections";
    a.comparison = "gt";
    a.threshold = 10;
    a.severity = severity;
    a.environment = environment;
    a.state = "firing";
    a.value = 12.5;
    a.message = "activeConnections = 12.5 > 10";
    a.fired_at = fired_at;
    return a;
  }
  void Fire(const AlertRow& a) {
    auto r = repo_->InsertFiring(a);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(*r) << a.id;
  }
  std::vector<std::string> Ids(const store::AlertFilter& f) {
    auto list = repo_->ListAlerts(f);
    EXPECT_TRUE(list.ok()) << list.error().message;
    std::vector<std::string> out;
    if (list.ok())
      for (const auto& a : *list) out.push_back(a.id);
    return out;
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::AlertRepository> repo_;
};

TEST_P(AlertRepositoryConformance, RuleRoundTripUpdateAndDelete) {
  AlertRuleRow r = Rule("alr_1", "conn");
  r.description = "d";
  r.application_id = "default";
  r.environment = "production";
  r.webhook_id = "wh_1";
  r.enabled = false;
  ASSERT_TRUE(repo_->InsertRule(r).ok());
  auto got = repo_->GetRule("alr_1");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->name, "conn");
  EXPECT_EQ(got->description, "d");
  EXPECT_EQ(got->threshold, 10.5);
  EXPECT_EQ(got->for_seconds, 30);
  EXPECT_EQ(got->cooldown_seconds, 300);
  EXPECT_EQ(got->application_id, "default");
  EXPECT_EQ(got->environment, "production");
  EXPECT_EQ(got->webhook_id, "wh_1");
  EXPECT_FALSE(got->enabled);
  EXPECT_FALSE(got->builtin);
  EXPECT_EQ(got->created_at, kT0);

  r.name = "renamed";
  r.threshold = -1;
  r.enabled = true;
  r.updated_at = kT0 + 5;
  ASSERT_TRUE(repo_->UpdateRule(r).ok());
  got = repo_->GetRule("alr_1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "renamed");
  EXPECT_EQ(got->threshold, -1);
  EXPECT_TRUE(got->enabled);
  EXPECT_EQ(got->updated_at, kT0 + 5);

  ASSERT_TRUE(repo_->DeleteRule("alr_1", kT0).ok());
  EXPECT_EQ(repo_->GetRule("alr_1").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repo_->DeleteRule("alr_1", kT0).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repo_->UpdateRule(r).error().code, ErrorCode::kNotFound);
}

TEST_P(AlertRepositoryConformance, NamesAreUnique) {
  ASSERT_TRUE(repo_->InsertRule(Rule("alr_1", "conn")).ok());
  Status dup = repo_->InsertRule(Rule("alr_2", "conn"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(repo_->InsertRule(Rule("alr_2", "other")).ok());
  AlertRuleRow rename = Rule("alr_2", "conn");
  EXPECT_EQ(repo_->UpdateRule(rename).error().code, ErrorCode::kConflict);
  auto list = repo_->ListRules();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "conn");  // by name
}

TEST_P(AlertRepositoryConformance, BuiltinsAreInsertedOnceAndSurviveARename) {
  auto builtins = monitor::BuiltinRules(kT0);
  ASSERT_TRUE(repo_->EnsureRules(builtins).ok());
  auto list = repo_->ListRules();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), builtins.size());
  for (const auto& r : *list) EXPECT_TRUE(r.builtin) << r.name;
  AlertRuleRow renamed = builtins[0];
  renamed.name = "my name";
  ASSERT_TRUE(repo_->UpdateRule(renamed).ok());
  ASSERT_TRUE(repo_->EnsureRules(monitor::BuiltinRules(kT0 + 1)).ok());  // the next start
  list = repo_->ListRules();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), builtins.size());
  EXPECT_EQ(repo_->GetRule(builtins[0].id)->name, "my name");
}

TEST_P(AlertRepositoryConformance, OneOpenAlertPerRuleThenResolve) {
  Fire(Alert("alt_1", "alr_1", kT0));
  auto second = repo_->InsertFiring(Alert("alt_2", "alr_1", kT0 + 1));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(*second);
  Fire(Alert("alt_3", "alr_other", kT0 + 2));

  auto open = repo_->OpenAlerts();
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->size(), 2u);

  auto resolved = repo_->Resolve("alt_1", kT0 + 100, 3.0);
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_TRUE(*resolved);
  EXPECT_FALSE(*repo_->Resolve("alt_1", kT0 + 200, 1.0));  // already resolved: kept as it was
  EXPECT_FALSE(*repo_->Resolve("alt_none", kT0, std::nullopt));
  auto a = repo_->GetAlert("alt_1");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->state, "resolved");
  EXPECT_EQ(a->resolved_at, kT0 + 100);
  ASSERT_TRUE(a->resolved_value.has_value());
  EXPECT_EQ(*a->resolved_value, 3.0);
  EXPECT_EQ(a->value, 12.5);
  EXPECT_EQ(a->message, "activeConnections = 12.5 > 10");
  EXPECT_EQ(a->rule_name, "rule alr_1");

  Fire(Alert("alt_2", "alr_1", kT0 + 300));  // once resolved the rule may fire again
  auto last = repo_->LastFirings();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->at("alr_1"), kT0 + 300);
  EXPECT_EQ(last->at("alr_other"), kT0 + 2);
  EXPECT_EQ(repo_->GetAlert("alt_none").error().code, ErrorCode::kNotFound);
}

TEST_P(AlertRepositoryConformance, DeletingARuleResolvesItsOpenAlert) {
  ASSERT_TRUE(repo_->InsertRule(Rule("alr_1", "conn")).ok());
  Fire(Alert("alt_1", "alr_1", kT0));
  ASSERT_TRUE(repo_->DeleteRule("alr_1", kT0 + 50).ok());
  auto a = repo_->GetAlert("alt_1");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->state, "resolved");
  EXPECT_EQ(a->resolved_at, kT0 + 50);
  EXPECT_FALSE(a->resolved_value.has_value());
}

TEST_P(AlertRepositoryConformance, FiltersAndPagesNewestFirst) {
  Fire(Alert("alt_1", "r1", kT0 + 1, "info", ""));
  Fire(Alert("alt_2", "r2", kT0 + 2, "critical", "production"));
  Fire(Alert("alt_3", "r3", kT0 + 3, "warning", "staging"));
  Fire(Alert("alt_4", "r4", kT0 + 4, "critical", "staging"));
  ASSERT_TRUE(*repo_->Resolve("alt_4", kT0 + 10, 0.0));
  using V = std::vector<std::string>;
  EXPECT_EQ(Ids({}), (V{"alt_4", "alt_3", "alt_2", "alt_1"}));
  EXPECT_EQ(Ids({.severity = "critical"}), (V{"alt_4", "alt_2"}));
  EXPECT_EQ(Ids({.environment = "staging"}), (V{"alt_4", "alt_3", "alt_1"}));  // + unscoped
  EXPECT_EQ(Ids({.state = "firing"}), (V{"alt_3", "alt_2", "alt_1"}));
  EXPECT_EQ(Ids({.state = "resolved"}), (V{"alt_4"}));
  EXPECT_EQ(Ids({.rule_id = "r2"}), (V{"alt_2"}));
  EXPECT_EQ(Ids({.severity = "critical", .environment = "staging", .state = "firing"}), V{});
  EXPECT_EQ(Ids({.limit = 2}), (V{"alt_4", "alt_3"}));
  EXPECT_EQ(Ids({.limit = 2, .offset = 2}), (V{"alt_2", "alt_1"}));
  EXPECT_EQ(Ids({.limit = 2, .offset = 4}), V{});
}

TEST_P(AlertRepositoryConformance, AcknowledgeKeepsTheFirst) {
  Fire(Alert("alt_1", "r1", kT0));
  auto a = repo_->Acknowledge("alt_1", "usr_1", kT0 + 10);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->acknowledged_at, kT0 + 10);
  EXPECT_EQ(a->acknowledged_by, "usr_1");
  auto again = repo_->Acknowledge("alt_1", "usr_2", kT0 + 20);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->acknowledged_at, kT0 + 10);
  EXPECT_EQ(again->acknowledged_by, "usr_1");
  EXPECT_EQ(again->state, "firing");  // acknowledging does not resolve
  EXPECT_EQ(repo_->Acknowledge("alt_none", "usr_1", kT0).error().code, ErrorCode::kNotFound);
}

TEST_P(AlertRepositoryConformance, WebhookScope) {
  ASSERT_TRUE(
      db_->Exec("INSERT INTO applications (id, name, created_at, updated_at) VALUES ('default', 'Default', 0, 0) "
                "ON CONFLICT DO NOTHING")
          .ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO webhook_endpoints (id, application_id, environment, url, secret, events, topics, "
                        "active, signature_scheme, max_concurrency, ordering, created_at, updated_at) VALUES "
                        "('wh_1', 'default', 'staging', 'https://x.example', 's', '[]', '[]', 1, 'realtime', 10, "
                        "'none', 0, 0)")
                  .ok());
  auto scope = repo_->WebhookScope("wh_1");
  ASSERT_TRUE(scope.ok()) << scope.error().message;
  ASSERT_TRUE(scope->has_value());
  EXPECT_EQ((*scope)->application_id, "default");
  EXPECT_EQ((*scope)->environment, "staging");
  EXPECT_FALSE(repo_->WebhookScope("wh_none")->has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, AlertRepositoryConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
