// SchemaRepository + SchemaService + SchemaGate against SQLite and PostgreSQL: versions numbered
// per topic and immutable, scope isolation, compatibility refusals, cascade on topic delete,
// the gate's snapshot (this instance at once, another instance through RefreshIfChanged).
#include "store/schema_repository.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "backends.h"
#include "registry/application_service.h"
#include "registry/schema_gate.h"
#include "registry/schema_service.h"
#include "registry/topic_catalog.h"
#include "registry/topic_service.h"
#include "store/migrator.h"

namespace rt::testing {
namespace {

boost::json::object Obj(const char* text) { return boost::json::parse(text).as_object(); }

// One instance's registry objects over a shared database.
struct Instance {
  explicit Instance(store::Db& db)
      : apps(db),
        topic_repo(db),
        schema_repo(db),
        catalog(topic_repo, apps),
        gate(schema_repo, topic_repo, cache),
        topics(topic_repo, catalog, schema_repo, gate),
        schemas(schema_repo, topic_repo, cache, gate) {}
  store::ApplicationRepository apps;
  store::TopicRepository topic_repo;
  store::SchemaRepository schema_repo;
  registry::TopicCatalog catalog;
  registry::SchemaCache cache;
  registry::SchemaGate gate;
  registry::TopicService topics;
  registry::SchemaService schemas;
};

class SchemaConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    a_ = std::make_unique<Instance>(*db_);
    registry::ApplicationService apps(a_->apps);
    ASSERT_TRUE(apps.EnsureDefault().ok());
    auto other = apps.Create(Obj(R"({"name":"other-app"})"));
    ASSERT_TRUE(other.ok()) << other.error().message;
    other_ = {other->id, "development"};
    for (const Scope& s : {dev_, other_, staging_})
      ASSERT_TRUE(a_->topics.Create(s, Obj(R"({"name":"session.status","description":"d","owner":"o"})")).ok());
  }
  Result<store::SchemaVersion> Register(const Scope& s, const char* body, const char* topic = "session.status") {
    return a_->schemas.Register(s, topic, Obj(body));
  }

  const Scope dev_{"default", "development"};
  const Scope staging_{"default", "staging"};
  Scope other_;
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<Instance> a_;
};

constexpr const char* kV1 =
    R"({"schema":{"type":"object","properties":{"sessionId":{"type":"string"},"status":{"type":"string"}},
        "required":["sessionId","status"]}})";
constexpr const char* kV2 =
    R"({"schema":{"type":"object","properties":{"sessionId":{"type":"string"},"status":{"type":"string"},
        "campusId":{"type":"number"}},"required":["sessionId","status"]},"compatibilityMode":"backward"})";
constexpr const char* kV3Bad =
    R"({"schema":{"type":"object","properties":{"sessionId":{"type":"integer"},"status":{"type":"string"}},
        "required":["sessionId","status"]}})";

TEST_P(SchemaConformance, VersionsAreNumberedPerTopicAndScope) {
  auto v1 = Register(dev_, kV1);
  ASSERT_TRUE(v1.ok()) << v1.error().message;
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v1->compatibility_mode, "backward");
  auto v2 = Register(dev_, kV2);
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  EXPECT_EQ(v2->version, 2);
  auto o1 = Register(other_, kV2);
  ASSERT_TRUE(o1.ok()) << o1.error().message;
  EXPECT_EQ(o1->version, 1);  // another application counts on its own

  auto list = a_->schemas.List(dev_, "session.status");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].version, 1);
  EXPECT_EQ((*list)[1].definition, v2->definition);
  EXPECT_EQ(a_->schemas.Latest(dev_, "session.status")->version, 2);
  EXPECT_EQ(a_->schemas.Get(dev_, "session.status", "1")->definition, v1->definition);
  EXPECT_EQ(a_->schemas.Get(dev_, "session.status", "3").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(a_->schemas.Get(dev_, "session.status", "x").error().code, ErrorCode::kValidation);
  EXPECT_EQ(a_->schemas.List(other_, "session.status")->size(), 1u);
  EXPECT_TRUE(a_->schemas.List(staging_, "session.status")->empty());
  EXPECT_EQ(a_->schemas.Latest(staging_, "session.status").error().code, ErrorCode::kNotFound);
}

TEST_P(SchemaConformance, RefusalsStoreNothing) {
  ASSERT_TRUE(Register(dev_, kV1).ok());
  auto bad = Register(dev_, kV3Bad);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kValidation);
  ASSERT_TRUE(bad.error().details);
  const auto& details = bad.error().details->at("details").as_array();
  ASSERT_EQ(details.size(), 1u);
  EXPECT_EQ(details[0].at("path"), "/sessionId");
  EXPECT_EQ(details[0].at("rule"), "type-narrowed");
  EXPECT_EQ(Register(dev_, R"({"schema":{"type":"nope"}})").error().code, ErrorCode::kValidation);
  EXPECT_EQ(Register(dev_, R"({"schema":{"$ref":"https://example.com/x.json"}})").error().code, ErrorCode::kValidation);
  EXPECT_EQ(Register(dev_, R"({"schema":{},"compatibilityMode":"sideways"})").error().code, ErrorCode::kValidation);
  EXPECT_EQ(Register(dev_, R"({"compatibilityMode":"none"})").error().code, ErrorCode::kValidation);
  EXPECT_EQ(Register(dev_, kV1, "no.such.topic").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(a_->schemas.List(dev_, "session.status")->size(), 1u);
  // mode none accepts the incompatible change.
  auto forced = Register(dev_, R"({"schema":{"type":"string"},"compatibilityMode":"none"})");
  ASSERT_TRUE(forced.ok()) << forced.error().message;
  EXPECT_EQ(forced->version, 2);
}

TEST_P(SchemaConformance, AppendLosingARaceIsAConflict) {
  ASSERT_TRUE(Register(dev_, kV1).ok());
  auto stale = a_->schema_repo.Append({dev_, "session.status", 0, "{}", "none", 1}, 0);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(a_->schema_repo.Append({dev_, "no.topic", 0, "{}", "none", 1}, 0).error().code, ErrorCode::kNotFound);
}

TEST_P(SchemaConformance, ValidateUsesTheLatestVersion) {
  EXPECT_EQ(a_->schemas.Validate(dev_, "session.status", Obj(R"({"payload":{}})")).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(Register(dev_, kV1).ok());
  ASSERT_TRUE(Register(dev_, kV2).ok());
  auto ok = a_->schemas.Validate(dev_, "session.status", Obj(R"({"payload":{"sessionId":"a","status":"x"}})"));
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->empty());
  auto bad =
      a_->schemas.Validate(dev_, "session.status", Obj(R"({"payload":{"sessionId":"a","status":"x","campusId":"9"}})"));
  ASSERT_TRUE(bad.ok());
  ASSERT_EQ(bad->size(), 1u);
  EXPECT_EQ((*bad)[0], (registry::SchemaViolation{"/campusId", "must be number"}));
  EXPECT_EQ(a_->schemas.Validate(dev_, "session.status", Obj("{}")).error().code, ErrorCode::kValidation);
}

TEST_P(SchemaConformance, GateFollowsActiveVersionHereAndOnAnotherInstance) {
  Instance b(*db_);  // a second instance over the same database
  ASSERT_TRUE(b.gate.Refresh().ok());
  ASSERT_TRUE(Register(dev_, kV1).ok());
  boost::json::value bad = boost::json::parse(R"({"sessionId":1,"status":"x"})");
  EXPECT_TRUE(a_->gate.Check(dev_, "session.status", bad).ok());  // nothing active yet
  ASSERT_TRUE(a_->topics.Update(dev_, "session.status", Obj(R"({"activeSchemaVersion":1})")).ok());
  auto refused = a_->gate.Check(dev_, "session.status", bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().details->at("errors").as_array()[0].at("path"), "/sessionId");
  EXPECT_TRUE(a_->gate.Check(other_, "session.status", bad).ok());  // another tenant: no schema active
  EXPECT_TRUE(b.gate.Check(dev_, "session.status", bad).ok());      // not yet seen by b
  ASSERT_TRUE(b.gate.RefreshIfChanged().ok());
  EXPECT_FALSE(b.gate.Check(dev_, "session.status", bad).ok());
  EXPECT_EQ(b.gate.ActiveVersion(dev_, "session.status"), 1);
  ASSERT_EQ(a_->gate.FailuresByTopic().size(), 1u);
  EXPECT_EQ(a_->gate.FailuresByTopic()[0].second, 1u);
  // Deleting the topic deletes its schemas; the gate forgets it.
  ASSERT_TRUE(a_->topics.Delete(dev_, "session.status").ok());
  EXPECT_TRUE(a_->gate.Check(dev_, "session.status", bad).ok());
  ASSERT_TRUE(a_->topics.Create(dev_, Obj(R"({"name":"session.status","description":"d","owner":"o"})")).ok());
  EXPECT_TRUE(a_->schemas.List(dev_, "session.status")->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, SchemaConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
