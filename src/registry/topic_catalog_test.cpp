#include "registry/topic_catalog.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/ids.h"
#include "core/json.h"
#include "registry/topic_service.h"
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

// The REST bodies from memory are byte for byte what the database path serializes
// (topics_api.cpp: TopicToJson of TopicRepository::Get, and the array of List).
std::string DbBody(store::TopicRepository& repo, const Scope& s, const std::string& name) {
  return json::Serialize(TopicToJson(*repo.Get(s, name)));
}
std::string DbListBody(store::TopicRepository& repo, const Scope& s) {
  auto list = repo.List(s);
  boost::json::array arr;
  for (const auto& t : *list) arr.push_back(TopicToJson(t));
  return json::Serialize(arr);
}

TEST_F(TopicCatalogTest, RestBodiesFromMemoryAreTheDatabasePathsBytes) {
  const Scope dev{"app_o", "development"}, prod{"app_o", "production"};
  EXPECT_FALSE(catalog_->TopicJson(dev, "a.b").has_value());  // not loaded: ask the database
  EXPECT_FALSE(catalog_->TopicListJson(dev).has_value());
  // Names whose byte order differs from a locale's (dots, digits, "b" < "b.a" < "ba").
  for (const char* n : {"ba", "b.a", "b", "a.z9", "a.10"}) Register(dev, n);
  ASSERT_TRUE(topics_->Insert({dev, "q.\"quote\"", "d \"x\" \u00e9\n", "o/\\", 7, 1, 2}).ok());
  Register(prod, "b");
  ASSERT_TRUE(catalog_->Refresh().ok());

  for (const char* n : {"ba", "b.a", "b", "a.z9", "a.10", "q.\"quote\""}) {
    auto body = catalog_->TopicJson(dev, n);
    ASSERT_TRUE(body.has_value() && body->ok()) << n;
    EXPECT_EQ(**body, DbBody(*topics_, dev, n));
  }
  EXPECT_EQ(*catalog_->TopicListJson(dev), DbListBody(*topics_, dev));
  EXPECT_EQ(*catalog_->TopicListJson(prod), DbListBody(*topics_, prod));
  EXPECT_EQ(*catalog_->TopicListJson({"app_s", "staging"}), "[]");
  EXPECT_EQ(DbListBody(*topics_, {"app_s", "staging"}), "[]");

  // Unknown here (another scope's topic included): the repository's NotFound, same words.
  auto missing = catalog_->TopicJson({"app_s", "development"}, "b");
  ASSERT_TRUE(missing.has_value());
  ASSERT_FALSE(missing->ok());
  EXPECT_EQ(missing->error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing->error().message, topics_->Get({"app_s", "development"}, "b").error().message);
}

TEST_F(TopicCatalogTest, AfterAFailedRefreshMemoryDefersToTheDatabaseUntilALoadSucceeds) {
  const Scope dev{"app_o", "development"};
  Register(dev, "a.b");
  ASSERT_TRUE(catalog_->Refresh().ok());
  ASSERT_TRUE(catalog_->TopicJson(dev, "a.b").has_value());
  // A write lands, and the refresh after it fails: memory must not answer without it.
  Register(dev, "c.d");
  ASSERT_TRUE(db_->Exec("ALTER TABLE topics RENAME TO topics_away").ok());
  EXPECT_FALSE(catalog_->Refresh().ok());
  EXPECT_FALSE(catalog_->TopicJson(dev, "c.d").has_value());
  EXPECT_FALSE(catalog_->TopicJson(dev, "a.b").has_value());
  EXPECT_FALSE(catalog_->TopicListJson(dev).has_value());
  EXPECT_TRUE(catalog_->IsRegistered(dev, "a.b"));  // the publish path keeps the last snapshot
  ASSERT_TRUE(db_->Exec("ALTER TABLE topics_away RENAME TO topics").ok());
  ASSERT_TRUE(catalog_->RefreshIfChanged().ok());
  auto body = catalog_->TopicJson(dev, "c.d");
  ASSERT_TRUE(body.has_value() && body->ok());
  EXPECT_EQ(**body, DbBody(*topics_, dev, "c.d"));
}

TEST_F(TopicCatalogTest, EachWriteOfTheTopicServiceIsReadFromMemoryAtOnce) {
  store::SchemaRepository schemas(*db_);
  SchemaCache cache;
  SchemaGate gate(schemas, *topics_, cache);
  TopicService service(*topics_, *catalog_, schemas, gate);
  ASSERT_TRUE(catalog_->Refresh().ok());
  const Scope s{"app_o", "staging"};
  for (int i = 0; i < 20; ++i) {
    const std::string name = "rw.t" + std::to_string(i);
    auto created = service.Create(s, boost::json::parse(R"({"name":")" + name + R"(","description":"d","owner":"o"})").as_object());
    ASSERT_TRUE(created.ok());
    auto got = service.GetJsonFromMemory(s, name);
    ASSERT_TRUE(got.has_value() && got->ok());
    EXPECT_EQ(**got, json::Serialize(TopicToJson(*created)));
    auto patched = service.Update(s, name, boost::json::parse(R"({"owner":"team )" + std::to_string(i) + R"("})").as_object());
    ASSERT_TRUE(patched.ok());
    EXPECT_EQ(**service.GetJsonFromMemory(s, name), json::Serialize(TopicToJson(*patched)));
    EXPECT_EQ(*service.ListJsonFromMemory(s), DbListBody(*topics_, s));
    ASSERT_TRUE(service.Delete(s, name).ok());
    EXPECT_EQ(service.GetJsonFromMemory(s, name)->error().code, ErrorCode::kNotFound);
  }
}

}  // namespace
}  // namespace rt::registry
