// ServiceRegistry (spec/19-api-services.md) on SQLite and PostgreSQL: CRUD, name rules,
// duplicates, isolation per application, the strictServices rule.
#include <gtest/gtest.h>

#include "registry/service_registry.h"
#include "sync_test_util.h"

namespace rt::testing {
namespace {

class ServiceRegistryConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    db_ = OpenBackend(GetParam());
    ASSERT_TRUE(store::Migrator(*db_).Latest().ok());
    app_repo_ = std::make_unique<store::ApplicationRepository>(*db_);
    apps_ = std::make_unique<registry::ApplicationService>(*app_repo_);
    ASSERT_TRUE(apps_->EnsureDefault().ok());
    repo_ = std::make_unique<store::ServiceRepository>(*db_);
    reg_ = std::make_unique<registry::ServiceRegistry>(*repo_, *app_repo_);
  }
  Result<store::SyncService> Create(const std::string& app, std::string_view body) {
    return reg_->Create(app, JsonObj(body));
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::ApplicationRepository> app_repo_;
  std::unique_ptr<registry::ApplicationService> apps_;
  std::unique_ptr<store::ServiceRepository> repo_;
  std::unique_ptr<registry::ServiceRegistry> reg_;
};

TEST_P(ServiceRegistryConformance, CreateGetListUpdateDelete) {
  auto s = Create("default", R"({"name":"session","description":"Session state documents"})");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->id.size(), 36u);
  EXPECT_EQ(s->id[14], '4') << "a version 4 UUID: " << s->id;
  auto json = registry::ServiceToJson(*s);
  EXPECT_EQ(json.at("applicationId").as_string(), "default");
  EXPECT_EQ(json.at("createdAt").as_string().size(), 24u) << "ISO-8601 with ms: " << json.at("createdAt");
  ASSERT_TRUE(Create("default", R"({"name":"order-tracking"})").ok());
  ASSERT_TRUE(Create("default", R"({"name":"chat_rooms"})").ok());
  auto list = reg_->List("default");
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].name, "chat_rooms");
  EXPECT_EQ((*list)[2].name, "session");

  auto renamed = reg_->Update("default", s->id, JsonObj(R"({"name":"session-v2"})"));
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  EXPECT_EQ(reg_->Get("default", s->id)->name, "session-v2");
  EXPECT_EQ(reg_->Get("default", s->id)->description, "Session state documents");
  ASSERT_TRUE(reg_->Delete("default", s->id).ok());
  EXPECT_EQ(reg_->Get("default", s->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(reg_->Delete("default", s->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(reg_->Update("default", s->id, JsonObj("{}")).error().code, ErrorCode::kNotFound);
}

TEST_P(ServiceRegistryConformance, NamesAreValidatedAndUniquePerApplication) {
  for (const char* bad : {R"({})", R"({"name":"Session"})", R"({"name":"123abc"})", R"({"name":"my service"})",
                          R"({"name":""})", R"({"name":7})", R"({"name":"ok","description":5})"}) {
    auto r = Create("default", bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation) << bad;
  }
  ASSERT_TRUE(Create("default", R"({"name":"session"})").ok());
  auto dup = Create("default", R"({"name":"session"})");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  auto other = Create("default", R"({"name":"other"})");
  EXPECT_EQ(reg_->Update("default", other->id, JsonObj(R"({"name":"session"})")).error().code, ErrorCode::kConflict);
  EXPECT_EQ(reg_->Update("default", other->id, JsonObj(R"({"name":"Bad"})")).error().code, ErrorCode::kValidation);
  EXPECT_EQ(reg_->Get("default", other->id)->name, "other");

  std::string app = apps_->Create(JsonObj(R"({"name":"Second"})"))->id;
  ASSERT_TRUE(Create(app, R"({"name":"session"})").ok()) << "the same name in another application";
  EXPECT_EQ(reg_->List(app)->size(), 1u);
  EXPECT_EQ(reg_->Get(app, other->id).error().code, ErrorCode::kNotFound) << "another application's service";
  EXPECT_EQ(Create("app_missing", R"({"name":"x"})").error().code, ErrorCode::kNotFound);
}

TEST_P(ServiceRegistryConformance, StrictServicesAllowsOnlyRegisteredNames) {
  EXPECT_TRUE(reg_->CheckUse("default", "anything").ok()) << "not strict: any service";
  std::string strict = apps_->Create(JsonObj(R"({"name":"Strict","config":{"strictServices":true}})"))->id;
  Status refused = reg_->CheckUse(strict, "session");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
  auto s = Create(strict, R"({"name":"session"})");
  EXPECT_TRUE(reg_->CheckUse(strict, "session").ok()) << "own writes are seen at once";
  ASSERT_TRUE(reg_->Delete(strict, s->id).ok());
  EXPECT_FALSE(reg_->CheckUse(strict, "session").ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, ServiceRegistryConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
