// ApplicationRepository + ApplicationService against SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "backends.h"
#include "registry/application_service.h"
#include "store/application_repository.h"
#include "store/migrator.h"

namespace rt::testing {
namespace {

class ApplicationConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    repo_ = std::make_unique<store::ApplicationRepository>(*db_);
    svc_ = std::make_unique<registry::ApplicationService>(*repo_);
    ASSERT_TRUE(svc_->EnsureDefault().ok());
  }
  static boost::json::object Obj(const char* text) { return boost::json::parse(text).as_object(); }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::ApplicationRepository> repo_;
  std::unique_ptr<registry::ApplicationService> svc_;
};

TEST_P(ApplicationConformance, DefaultExistsOnceEvenWhenEnsuredTwice) {
  ASSERT_TRUE(svc_->EnsureDefault().ok());
  auto list = svc_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, "default");
}

TEST_P(ApplicationConformance, CreateGetUpdateDelete) {
  auto created = svc_->Create(Obj(R"({"name":"Shop","config":{"cdc":{"staging":"postgresql://a@b/c"},"x":1.5}})"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->id.rfind("app_", 0), 0u);

  auto got = svc_->Get(created->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "Shop");
  EXPECT_EQ(got->config.at("cdc").at("staging").as_string(), "postgresql://a@b/c");
  EXPECT_DOUBLE_EQ(got->config.at("x").as_double(), 1.5);

  auto updated = svc_->Update(created->id, Obj(R"({"name":"Shop2","config":{"x":null,"strictTopics":true}})"));
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  got = svc_->Get(created->id);
  EXPECT_EQ(got->name, "Shop2");
  EXPECT_FALSE(got->config.contains("x"));
  EXPECT_TRUE(got->config.contains("cdc"));
  EXPECT_TRUE(got->config.at("strictTopics").as_bool());

  ASSERT_TRUE(svc_->Delete(created->id).ok());
  EXPECT_EQ(svc_->Get(created->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(svc_->Delete(created->id).error().code, ErrorCode::kNotFound);
}

TEST_P(ApplicationConformance, DuplicateNameIsConflict) {
  ASSERT_TRUE(svc_->Create(Obj(R"({"name":"A"})")).ok());
  auto dup = svc_->Create(Obj(R"({"name":"A"})"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  auto b = svc_->Create(Obj(R"({"name":"B"})"));
  EXPECT_EQ(svc_->Update(b->id, Obj(R"({"name":"A"})")).error().code, ErrorCode::kConflict);
  EXPECT_EQ(svc_->List()->size(), 3u);
}

TEST_P(ApplicationConformance, InvalidInputChangesNothing) {
  for (const char* bad : {R"({})", R"({"name":""})", R"({"name":5})", R"({"name":"x","config":[]})",
                          R"({"name":"x","config":{"cdc":{"qa":"postgresql://a@b/c"}}})",
                          R"({"name":"x","config":{"cdc":{"staging":"mysql://a@b/c"}}})",
                          R"({"name":"x","config":{"strictTopics":"yes"}})"}) {
    auto r = svc_->Create(Obj(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation) << bad;
  }
  EXPECT_EQ(svc_->List()->size(), 1u);
  EXPECT_EQ(svc_->Delete("default").error().code, ErrorCode::kValidation);
}

TEST_P(ApplicationConformance, ResolveKnowsCreatedAndRejectsUnknown) {
  EXPECT_TRUE(svc_->Resolve("default").ok());
  EXPECT_EQ(svc_->Resolve("app_missing").error().code, ErrorCode::kNotFound);
  auto a = svc_->Create(Obj(R"({"name":"R"})"));
  EXPECT_TRUE(svc_->Resolve(a->id).ok());
  ASSERT_TRUE(svc_->Delete(a->id).ok());
  EXPECT_EQ(svc_->Resolve(a->id).error().code, ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApplicationConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
