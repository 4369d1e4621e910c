// DeploymentService on SQLite and PostgreSQL (docs/deployments.md): a deployment of a topic, its
// schema, a mapping and a webhook makes the target export what the source exports; a rollback
// writes back the target's rows exactly (timestamps and secrets included), also a deleted topic
// with the schema rows its deletion cascaded away; a write that fails part-way leaves the target
// untouched (one transaction) and the deployment `failed` with the reason.
#include "deploy/deployment_service.h"

#include <gtest/gtest.h>

#include "backends.h"
#include "core/json.h"
#include "store/row_image.h"
#include "webhooks/secret_box.h"

namespace rt::testing {
namespace {

using boost::json::object;
using boost::json::value;

constexpr const char* kSchema = R"({"type":"object","required":["id"],"properties":{"id":{"type":"integer"}}})";
constexpr const char* kMapping =
    R"({"id":"map_1","table":"orders","events":["insert"],"topic":"orders.paid","triggerColumns":[],)"
    R"("payload":{"id":"$row.id"},"environment":"development","version":1,"active":true})";

class DeploymentServiceConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    for (const char* app : {"default", "other"})
      Exec(std::string("INSERT INTO applications (id, name, created_at, updated_at) VALUES ('") + app + "', '" + app +
           "', 0, 0)");
    auto box = webhooks::SecretBox::FromKeyMaterial("0123456789abcdef0123456789abcdef");
    ASSERT_TRUE(box.ok());
    box_ = std::make_unique<webhooks::SecretBox>(*box);
    service_ = std::make_unique<deploy::DeploymentService>(*db_, box_.get(), webhooks::UrlRules{true, true});
  }
  void Exec(const std::string& sql, const store::DbParams& params = {}) {
    auto r = db_->Exec(sql, params);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.error().message;
  }
  void SeedDevelopment() {
    Exec("INSERT INTO topics (application_id, environment, name, description, owner, active_schema_version, "
         "created_at, updated_at) VALUES ('default', 'development', 'orders.paid', 'Paid', 'billing', 1, 10, 10)");
    Exec("INSERT INTO schemas (application_id, environment, topic, version, definition, compatibility_mode, "
         "created_at) VALUES ('default', 'development', 'orders.paid', 1, $1, 'backward', 11)",
         {std::string(kSchema)});
    Exec("INSERT INTO cdc_mappings (id, application_id, environment, table_name, topic, definition, version, active, "
         "created_at, updated_at) VALUES ('map_1', 'default', 'development', 'orders', 'orders.paid', $1, 1, 1, 12, 12)",
         {std::string(kMapping)});
    Exec("INSERT INTO webhook_endpoints (id, application_id, environment, url, secret, events, topics, active, "
         "signature_scheme, max_concurrency, ordering, description, created_at, updated_at) VALUES ('wh_1', "
         "'default', 'development', 'https://hooks.example.com/a', 'sealed', '[]', '[\"orders.*\"]', 1, 'realtime', "
         "10, 'none', 'orders', 13, 13)");
  }
  std::string Export(const std::string& env) {
    auto doc = service_->Export({"default", env});
    EXPECT_TRUE(doc.ok()) << doc.error().message;
    return doc.ok() ? json::Serialize(*doc) : "";
  }
  boost::json::array Rows(const char* table) {
    boost::json::array rows;
    Status st = db_->Transaction([&](store::DbSession& s) -> Status {
      auto r = store::SelectRows(s, table, "environment = 'staging'", {}, "1, 2, 3");
      if (!r.ok()) return r.take_error();
      rows = std::move(*r);
      return Ok();
    });
    EXPECT_TRUE(st.ok()) << st.error().message;
    return rows;
  }
  std::string Deploy(const std::vector<std::pair<const char*, const char*>>& items) {
    boost::json::array list;
    for (const auto& [type, id] : items) list.push_back(object{{"type", type}, {"id", id}});
    auto d = service_->Create("default", actor_,
                              object{{"sourceEnvironment", "development"}, {"targetEnvironment", "staging"},
                                     {"items", std::move(list)}});
    EXPECT_TRUE(d.ok()) << d.error().message;
    return d.ok() ? std::string(d->at("id").as_string()) : "";
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<webhooks::SecretBox> box_;
  std::unique_ptr<deploy::DeploymentService> service_;
  deploy::Actor actor_{"tester", "token", "127.0.0.1"};
};

TEST_P(DeploymentServiceConformance, ExecuteCopiesEverythingAndRollbackRestoresTheEmptyTarget) {
  SeedDevelopment();
  const std::string empty = Export("staging");
  const std::string id = Deploy({{"topic", "orders.paid"}, {"schema", "orders.paid"}, {"mapping", "map_1"},
                                 {"webhook", "wh_1"}});
  auto report = service_->Report("default", id, actor_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(json::Serialize(report->at("summary")), R"({"create":4,"update":0,"delete":0,"unchanged":0})");
  auto done = service_->Execute("default", id, actor_, nullptr);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->at("state"), value("executed"));
  EXPECT_EQ(Export("staging"), Export("development"));
  const auto hooks = Rows("webhook_endpoints");
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(hooks[0].at("origin_id"), value("wh_1"));
  auto secret = box_->Open(std::string(hooks[0].at("secret").as_string()));  // sealed, and the generated one
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(*secret, std::string(done->at("secrets").at("wh_1").as_string()));

  auto back = service_->Rollback("default", id, actor_);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(Export("staging"), empty);
  EXPECT_TRUE(Rows("topics").empty());
  EXPECT_TRUE(Rows("cdc_mapping_versions").empty());
  auto twice = service_->Rollback("default", id, actor_);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
}

TEST_P(DeploymentServiceConformance, DeletingATopicRollsBackWithItsCascadedSchemaRowsExactly) {
  // Staging has a topic (with a schema) that development lacks: the deployment deletes it.
  Exec("INSERT INTO topics (application_id, environment, name, description, owner, active_schema_version, "
       "created_at, updated_at) VALUES ('default', 'staging', 'old.topic', 'Old', 'team', 0, 5, 6)");
  Exec("INSERT INTO schemas (application_id, environment, topic, version, definition, compatibility_mode, "
       "created_at) VALUES ('default', 'staging', 'old.topic', 1, $1, 'none', 7)",
       {std::string(kSchema)});
  const auto topics = Rows("topics");
  const auto schemas = Rows("schemas");
  const std::string id = Deploy({{"topic", "old.topic"}});
  auto done = service_->Execute("default", id, actor_, nullptr);  // reports first
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->at("items").at(0).at("action"), value("delete"));
  EXPECT_TRUE(Rows("topics").empty());
  EXPECT_TRUE(Rows("schemas").empty()) << "ON DELETE CASCADE";
  ASSERT_TRUE(service_->Rollback("default", id, actor_).ok());
  EXPECT_EQ(Rows("topics"), topics);
  EXPECT_EQ(Rows("schemas"), schemas);
}

TEST_P(DeploymentServiceConformance, AFailingWriteLeavesTheTargetUntouchedAndTheDeploymentFailed) {
  SeedDevelopment();
  // map_1 is taken in staging by another application: the mapping write fails after the topic's.
  Exec("INSERT INTO cdc_mappings (id, application_id, environment, table_name, topic, definition, version, active, "
       "created_at, updated_at) VALUES ('map_1', 'other', 'staging', 'orders', 'x.y', $1, 1, 1, 1, 1)",
       {std::string(kMapping)});
  const std::string before = Export("staging");
  const std::string id = Deploy({{"topic", "orders.paid"}, {"schema", "orders.paid"}, {"mapping", "map_1"}});
  auto done = service_->Execute("default", id, actor_, nullptr);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(Export("staging"), before);
  EXPECT_TRUE(Rows("topics").empty()) << "the topic written before the failure was rolled back";
  auto d = service_->Get("default", id);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->at("state"), value("failed"));
  EXPECT_NE(std::string(d->at("failureReason").as_string()).find("map_1"), std::string::npos);
}

TEST_P(DeploymentServiceConformance, AnotherApplicationsDeploymentIsNotFound) {
  SeedDevelopment();
  const std::string id = Deploy({{"topic", "orders.paid"}});
  EXPECT_EQ(service_->Get("other", id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->Execute("other", id, actor_, nullptr).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(Rows("topics").empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, DeploymentServiceConformance,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

}  // namespace
}  // namespace rt::testing
