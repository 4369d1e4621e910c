#include "registry/topic_catalog.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/ids.h"
#include "store/migrator.h"
#include "store/sqlite_db.h"

namespace rt::registry {
namespace {

class TopicCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::SqliteDb::Open(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrator(*db_).Latest().ok());
    apps_ = std::make_unique<store::ApplicationRepository>(*db_);
    topics_ = std::make_unique<store::TopicRepository>(*db_);
    catalog_ = std::make_unique<TopicCatalog>(*topics_, *apps_);
    ASSERT_TRUE(
        apps_->Insert({"app_s", "S", "", boost::json::parse(R"({"strictTopics":true})").as_object(), 1, 1}).ok());
    ASSERT_TRUE(
        apps_->Insert({"app_o", "O", "", boost::json::parse(R"({"strictTopics":false})").as_object(), 1, 1}).ok());
  }
  void Register(const Scope& s, const std::string& name) {
    ASSERT_TRUE(topics_->Insert({s, name, "d", "o", 0, NowMs(), NowMs()}).ok());
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::ApplicationRepository> apps_;
  std::unique_ptr<store::TopicRepository> topics_;
  std::unique_ptr<TopicCatalog> catalog_;
};

TEST_F(TopicCatalogTest, BeforeTheFirstLoadEveryWellFormedTopicIsAllowed) {
  EXPECT_FALSE(catalog_->loaded());
  EXPECT_TRUE(catalog_->CheckUse({"app_s", "development"}, "chat:room1").ok());
  EXPECT_EQ(catalog_->CheckUse({"app_s", "development"}, "bad topic").error().code, ErrorCode::kValidation);
}

TEST_F(TopicCatalogTest, StrictApplicationsAllowOnlyTopicsRegisteredInTheirScope) {
  Register({"app_s", "development"}, "session.status");
  ASSERT_TRUE(catalog_->Refresh().ok());
  EXPECT_TRUE(catalog_->loaded());
  EXPECT_TRUE(catalog_->IsStrict("app_s"));
  EXPECT_FALSE(catalog_->IsStrict("app_o"));
  EXPECT_TRUE(catalog_->CheckUse({"app_s", "development"}, "session.status").ok());

  Status st = catalog_->CheckUse({"app_s", "development"}, "chat:room1");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(st.error().message,
            "Topic not registered: chat:room1 (application app_s has strictTopics enabled; register it in "
            "environment development)");
  EXPECT_EQ(catalog_->CheckUse({"app_s", "staging"}, "session.status").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(catalog_->CheckUse({"app_s", "development"}, "").error().code, ErrorCode::kValidation);
  // Non-strict applications accept any well-formed topic, registered or not.
  EXPECT_TRUE(catalog_->CheckUse({"app_o", "development"}, "chat:room1").ok());
  EXPECT_TRUE(catalog_->CheckUse({"default", "production"}, "anything.at.all").ok());
}

TEST_F(TopicCatalogTest, RefreshIfChangedSeesApplicationAndTopicChanges) {
  ASSERT_TRUE(catalog_->Refresh().ok());
  Scope o{"app_o", "production"};
  EXPECT_TRUE(catalog_->CheckUse(o, "x.y").ok());

  auto app = apps_->Get("app_o");
  app->config["strictTopics"] = true;
  app->updated_at = 2;
  ASSERT_TRUE(apps_->Update(*app).ok());
  EXPECT_TRUE(catalog_->CheckUse(o, "x.y").ok());  // not yet reloaded
  ASSERT_TRUE(catalog_->RefreshIfChanged().ok());
  EXPECT_EQ(catalog_->CheckUse(o, "x.y").error().code, ErrorCode::kNotFound);

  Register(o, "x.y");  // as another instance would
  ASSERT_TRUE(catalog_->RefreshIfChanged().ok());
  EXPECT_TRUE(catalog_->CheckUse(o, "x.y").ok());
  EXPECT_TRUE(catalog_->IsRegistered(o, "x.y"));

  ASSERT_TRUE(topics_->Delete(o, "x.y").ok());
  ASSERT_TRUE(catalog_->RefreshIfChanged().ok());
  EXPECT_FALSE(catalog_->IsRegistered(o, "x.y"));
}

TEST_F(TopicCatalogTest, DeletingAnApplicationDeletesItsTopics) {
  Register({"app_o", "development"}, "a.b");
  ASSERT_TRUE(apps_->Delete("app_o").ok());
  EXPECT_TRUE(topics_->ListAll()->empty());
}

TEST_F(TopicCatalogTest, AReloadReportsTheApplicationsDeletedSinceTheLastOne) {
  std::vector<std::vector<std::string>> reported;
  catalog_->SetRemovalListener([&](const std::vector<std::string>& ids) { reported.push_back(ids); });
  ASSERT_TRUE(catalog_->Refresh().ok());
  EXPECT_TRUE(reported.empty());  // the first load removes nothing
  ASSERT_TRUE(apps_->Delete("app_o").ok());  // as another instance would
  ASSERT_TRUE(catalog_->RefreshIfChanged().ok());
  EXPECT_EQ(reported, (std::vector<std::vector<std::string>>{{"app_o"}}));
  ASSERT_TRUE(catalog_->Refresh().ok());
  EXPECT_EQ(reported.size(), 1u);  // reported once
  catalog_->SetRemovalListener(nullptr);
  ASSERT_TRUE(apps_->Delete("app_s").ok());
  ASSERT_TRUE(catalog_->Refresh().ok());
  EXPECT_EQ(reported.size(), 1u);
}

}  // namespace
}  // namespace rt::registry
