// TopicRepository + TopicService + TopicCatalog against SQLite and PostgreSQL: CRUD, isolation
// of the same name across applications and environments, strict mode, cross-instance refresh.
#include "store/topic_repository.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "backends.h"
#include "registry/application_service.h"
#include "registry/topic_catalog.h"
#include "registry/topic_service.h"
#include "store/migrator.h"

namespace rt::testing {
namespace {

class TopicConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    app_repo_ = std::make_unique<store::ApplicationRepository>(*db_);
    apps_ = std::make_unique<registry::ApplicationService>(*app_repo_);
    ASSERT_TRUE(apps_->EnsureDefault().ok());
    repo_ = std::make_unique<store::TopicRepository>(*db_);
    catalog_ = std::make_unique<registry::TopicCatalog>(*repo_, *app_repo_);
    schema_repo_ = std::make_unique<store::SchemaRepository>(*db_);
    gate_ = std::make_unique<registry::SchemaGate>(*schema_repo_, *repo_, cache_);
    svc_ = std::make_unique<registry::TopicService>(*repo_, *catalog_, *schema_repo_, *gate_);
  }
  static boost::json::object Obj(const char* text) { return boost::json::parse(text).as_object(); }
  std::string NewApp(const char* body) {
    auto a = apps_->Create(Obj(body));
    EXPECT_TRUE(a.ok()) << a.error().message;
    return a.ok() ? a->id : "";
  }
  Result<store::Topic> Create(const Scope& s, const char* name, const char* description = "d") {
    return svc_->Create(s, {{"name", name}, {"description", description}, {"owner", "team"}});
  }
  std::vector<std::string> Names(const Scope& s) {
    auto list = svc_->List(s);
    EXPECT_TRUE(list.ok()) << list.error().message;
    std::vector<std::string> out;
    if (list.ok())
      for (const auto& t : *list) out.push_back(t.name);
    return out;
  }

  const Scope dev_{"default", "development"};
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::ApplicationRepository> app_repo_;
  std::unique_ptr<registry::ApplicationService> apps_;
  std::unique_ptr<store::TopicRepository> repo_;
  std::unique_ptr<registry::TopicCatalog> catalog_;
  std::unique_ptr<store::SchemaRepository> schema_repo_;
  registry::SchemaCache cache_;
  std::unique_ptr<registry::SchemaGate> gate_;
  std::unique_ptr<registry::TopicService> svc_;
};

TEST_P(TopicConformance, CreateGetListUpdateDelete) {
  auto created = svc_->Create(
      dev_, Obj(R"({"name":"session.status","description":"Session status changes","owner":"platform-team"})"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto got = svc_->Get(dev_, "session.status");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->scope, dev_);
  EXPECT_EQ(got->description, "Session status changes");
  EXPECT_EQ(got->owner, "platform-team");
  EXPECT_EQ(got->active_schema_version, 0);
  EXPECT_EQ(got->created_at, created->created_at);
  EXPECT_EQ(got->updated_at, created->updated_at);

  ASSERT_TRUE(Create(dev_, "order.updated").ok());
  ASSERT_TRUE(Create(dev_, "a.c").ok());
  ASSERT_TRUE(Create(dev_, "ab").ok());
  EXPECT_EQ(Names(dev_), (std::vector<std::string>{"a.c", "ab", "order.updated", "session.status"}));

  EXPECT_FALSE(svc_->Update(dev_, "session.status", Obj(R"({"activeSchemaVersion":2147483647})")).ok());
  ASSERT_TRUE(schema_repo_->Append({dev_, "session.status", 0, "{}", "backward", 1}, 0).ok());
  auto updated = svc_->Update(dev_, "session.status", Obj(R"({"owner":"new-team","activeSchemaVersion":1})"));
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  got = svc_->Get(dev_, "session.status");
  EXPECT_EQ(got->owner, "new-team");
  EXPECT_EQ(got->description, "Session status changes");
  EXPECT_EQ(got->active_schema_version, 1);
  EXPECT_GE(got->updated_at, got->created_at);

  ASSERT_TRUE(svc_->Delete(dev_, "session.status").ok());
  EXPECT_EQ(svc_->Get(dev_, "session.status").error().message, "Topic not found: session.status");
  EXPECT_EQ(svc_->Delete(dev_, "session.status").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(svc_->Update(dev_, "session.status", Obj("{}")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Names(dev_).size(), 3u);
}

TEST_P(TopicConformance, DuplicateInTheSameScopeIsConflictAndChangesNothing) {
  ASSERT_TRUE(Create(dev_, "a.b", "first").ok());
  auto dup = Create(dev_, "a.b", "second");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(svc_->Get(dev_, "a.b")->description, "first");
  EXPECT_EQ(Names(dev_).size(), 1u);
}

TEST_P(TopicConformance, SameNameInAnotherApplicationOrEnvironmentIsAnotherTopic) {
  std::string other = NewApp(R"({"name":"Other"})");
  const Scope staging{"default", "staging"}, other_dev{other, "development"};
  ASSERT_TRUE(Create(dev_, "session.status", "default/dev").ok());
  ASSERT_TRUE(Create(staging, "session.status", "default/staging").ok());
  ASSERT_TRUE(Create(other_dev, "session.status", "other/dev").ok());
  ASSERT_TRUE(Create(other_dev, "only.other").ok());

  EXPECT_EQ(svc_->Get(dev_, "session.status")->description, "default/dev");
  EXPECT_EQ(svc_->Get(staging, "session.status")->description, "default/staging");
  EXPECT_EQ(svc_->Get(other_dev, "session.status")->description, "other/dev");
  EXPECT_EQ(svc_->Get(dev_, "only.other").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Names(dev_), std::vector<std::string>{"session.status"});
  EXPECT_EQ(Names(other_dev), (std::vector<std::string>{"only.other", "session.status"}));
  EXPECT_TRUE(Names({other, "production"}).empty());

  ASSERT_TRUE(svc_->Update(staging, "session.status", Obj(R"({"description":"changed"})")).ok());
  EXPECT_EQ(svc_->Get(dev_, "session.status")->description, "default/dev");
  ASSERT_TRUE(svc_->Delete(other_dev, "session.status").ok());
  EXPECT_TRUE(svc_->Get(dev_, "session.status").ok());
  EXPECT_TRUE(svc_->Get(staging, "session.status").ok());
  EXPECT_EQ(repo_->ListAll()->size(), 3u);
}

TEST_P(TopicConformance, ListAllCoversEveryScopeInOrder) {
  std::string other = NewApp(R"({"name":"Other"})");
  ASSERT_TRUE(Create({other, "staging"}, "b.b").ok());
  ASSERT_TRUE(Create(dev_, "z.z").ok());
  ASSERT_TRUE(Create({"default", "production"}, "a.a").ok());
  auto all = repo_->ListAll();
  ASSERT_TRUE(all.ok()) << all.error().message;
  std::vector<std::string> got;
  for (const auto& t : *all) got.push_back(t.scope.application_id + "/" + t.scope.environment + "/" + t.name);
  // Byte order of application id ("app_..." < "default"), then environment, then name.
  EXPECT_EQ(got,
            (std::vector<std::string>{other + "/staging/b.b", "default/development/z.z", "default/production/a.a"}));
}

TEST_P(TopicConformance, UnknownApplicationIsNotFoundAndDeletingAnApplicationDeletesItsTopics) {
  EXPECT_EQ(Create({"app_missing", "development"}, "a.b").error().code, ErrorCode::kNotFound);
  std::string gone = NewApp(R"({"name":"Gone"})");
  ASSERT_TRUE(Create({gone, "development"}, "a.b").ok());
  ASSERT_TRUE(Create(dev_, "a.b").ok());
  ASSERT_TRUE(apps_->Delete(gone).ok());
  auto all = repo_->ListAll();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].scope, dev_);
}

TEST_P(TopicConformance, FingerprintsChangeWithEveryWrite) {
  std::string f0 = *repo_->Fingerprint();
  ASSERT_TRUE(Create(dev_, "a.b").ok());
  std::string f1 = *repo_->Fingerprint();
  EXPECT_NE(f1, f0);
  ASSERT_TRUE(svc_->Delete(dev_, "a.b").ok());
  EXPECT_NE(*repo_->Fingerprint(), f1);

  std::string a0 = *app_repo_->Fingerprint();
  std::string id = NewApp(R"({"name":"Fp"})");
  std::string a1 = *app_repo_->Fingerprint();
  EXPECT_NE(a1, a0);
  ASSERT_TRUE(apps_->Delete(id).ok());
  EXPECT_NE(*app_repo_->Fingerprint(), a1);
}

TEST_P(TopicConformance, StrictApplicationsAllowOnlyRegisteredTopicsPerScope) {
  std::string strict = NewApp(R"({"name":"Strict","config":{"strictTopics":true}})");
  std::string open = NewApp(R"({"name":"Open"})");
  ASSERT_TRUE(catalog_->Refresh().ok());
  const Scope s_dev{strict, "development"}, s_prod{strict, "production"}, o_dev{open, "development"};

  ASSERT_TRUE(Create(s_dev, "session.status").ok());  // refreshes the catalog itself
  EXPECT_TRUE(catalog_->CheckUse(s_dev, "session.status").ok());
  Status refused = catalog_->CheckUse(s_prod, "session.status");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().message.rfind("Topic not registered: session.status (application " + strict, 0), 0u)
      << refused.error().message;
  EXPECT_EQ(catalog_->CheckUse(s_dev, "chat:room1").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(catalog_->CheckUse(s_dev, "bad topic!").error().code, ErrorCode::kValidation);
  EXPECT_TRUE(catalog_->CheckUse(o_dev, "chat:room1").ok());
  EXPECT_TRUE(catalog_->CheckUse(dev_, "session.status").ok());

  // Switching strictTopics off through ApplicationService reaches the catalog via the poll.
  ASSERT_TRUE(apps_->Update(strict, Obj(R"({"config":{"strictTopics":false}})")).ok());
  ASSERT_TRUE(catalog_->RefreshIfChanged().ok());
  EXPECT_TRUE(catalog_->CheckUse(s_prod, "session.status").ok());
}

TEST_P(TopicConformance, ASecondInstanceSeesChangesOnItsNextPoll) {
  std::string strict = NewApp(R"({"name":"Strict","config":{"strictTopics":true}})");
  store::TopicRepository repo2(*db_);
  store::ApplicationRepository apps2(*db_);
  registry::TopicCatalog other_instance(repo2, apps2);
  ASSERT_TRUE(other_instance.Refresh().ok());
  const Scope s{strict, "staging"};
  EXPECT_EQ(other_instance.CheckUse(s, "a.b").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(Create(s, "a.b").ok());
  ASSERT_TRUE(other_instance.RefreshIfChanged().ok());
  EXPECT_TRUE(other_instance.CheckUse(s, "a.b").ok());
  ASSERT_TRUE(svc_->Delete(s, "a.b").ok());
  ASSERT_TRUE(other_instance.RefreshIfChanged().ok());
  EXPECT_EQ(other_instance.CheckUse(s, "a.b").error().code, ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, TopicConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
