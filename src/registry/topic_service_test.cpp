#include "registry/topic_service.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/ids.h"
#include "core/json.h"
#include "registry/application_service.h"
#include "store/migrator.h"
#include "store/sqlite_db.h"

namespace rt::registry {
namespace {

boost::json::object Obj(std::string_view text) { return boost::json::parse(text).as_object(); }

class TopicServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::SqliteDb::Open(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrator(*db_).Latest().ok());
    app_repo_ = std::make_unique<store::ApplicationRepository>(*db_);
    apps_ = std::make_unique<ApplicationService>(*app_repo_);
    ASSERT_TRUE(apps_->EnsureDefault().ok());
    repo_ = std::make_unique<store::TopicRepository>(*db_);
    catalog_ = std::make_unique<TopicCatalog>(*repo_, *app_repo_);
    schema_repo_ = std::make_unique<store::SchemaRepository>(*db_);
    gate_ = std::make_unique<SchemaGate>(*schema_repo_, *repo_, cache_);
    svc_ = std::make_unique<TopicService>(*repo_, *catalog_, *schema_repo_, *gate_);
  }

  Result<store::Topic> Create(std::string_view body) { return svc_->Create(dev_, Obj(body)); }
  size_t Count() { return svc_->List(dev_)->size(); }
  // Registers n schema versions of topic directly in the repository.
  void AddVersions(const std::string& topic, int n) {
    for (int i = 0; i < n; ++i) {
      auto latest = schema_repo_->Latest(dev_, topic);
      auto v = schema_repo_->Append({dev_, topic, 0, R"({"type":"object"})", "backward", NowMs()},
                                    latest.ok() ? latest->version : 0);
      ASSERT_TRUE(v.ok()) << v.error().message;
    }
  }

  const Scope dev_{"default", "development"};
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::ApplicationRepository> app_repo_;
  std::unique_ptr<ApplicationService> apps_;
  std::unique_ptr<store::TopicRepository> repo_;
  std::unique_ptr<TopicCatalog> catalog_;
  std::unique_ptr<store::SchemaRepository> schema_repo_;
  SchemaCache cache_;
  std::unique_ptr<SchemaGate> gate_;
  std::unique_ptr<TopicService> svc_;
};

TEST_F(TopicServiceTest, JsonShapeIsExactlyTheSpecs) {
  store::Topic t{{"app_abc123", "staging"},
                 "session.status",
                 "Session status changes",
                 "platform-team",
                 2,
                 1710000000000,
                 1710000000500};
  EXPECT_EQ(json::Serialize(TopicToJson(t)),
            R"({"name":"session.status","description":"Session status changes","owner":"platform-team",)"
            R"("activeSchemaVersion":2,"applicationId":"app_abc123","environment":"staging",)"
            R"("createdAt":1710000000000,"updatedAt":1710000000500})");
}

TEST_F(TopicServiceTest, CreateFillsScopeDefaultsAndTimes) {
  int64_t before = NowMs();
  auto t = Create(R"({"name":"session.status","description":"Session status changes","owner":"platform-team"})");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->scope, dev_);
  EXPECT_EQ(t->active_schema_version, 0);
  EXPECT_GE(t->created_at, before);
  EXPECT_EQ(t->created_at, t->updated_at);
  auto got = svc_->Get(dev_, "session.status");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(json::Serialize(TopicToJson(*got)), json::Serialize(TopicToJson(*t)));
  auto v = Create(R"({"name":"order.updated","description":"d","owner":"o","activeSchemaVersion":0,"extra":[1]})");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->active_schema_version, 0);
  // No schema can exist before the topic: a non-zero version is refused on create.
  auto refused = Create(R"({"name":"order.created","description":"d","owner":"o","activeSchemaVersion":3})");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kValidation);
  EXPECT_EQ(Count(), 2u);
}

TEST_F(TopicServiceTest, ValidNamesFollowTheNamingConvention) {
  for (const std::string& name :
       std::vector<std::string>{"session.status", "a", "chat.room.message", "proctor.session.started", "v2.x1",
                                "order.updated.2024", std::string(200, 'a')}) {
    auto t = svc_->Create(dev_, {{"name", name}, {"description", "d"}, {"owner", "o"}});
    EXPECT_TRUE(t.ok()) << name << ": " << t.error().message;
  }
}

TEST_F(TopicServiceTest, InvalidInputIsValidationErrorAndWritesNothing) {
  const char* bad[] = {
      R"({"description":"d","owner":"o"})",                           // name missing
      R"({"name":5,"description":"d","owner":"o"})",                  // name not a string
      R"({"name":null,"description":"d","owner":"o"})",               //
      R"({"name":"","description":"d","owner":"o"})",                 // empty
      R"({"name":"Session.Status","description":"d","owner":"o"})",   // uppercase
      R"({"name":"session..status","description":"d","owner":"o"})",  // empty segment
      R"({"name":".session","description":"d","owner":"o"})",         //
      R"({"name":"session.","description":"d","owner":"o"})",         //
      R"({"name":"chat:room1","description":"d","owner":"o"})",       // channel-style, not a registry name
      R"({"name":"session_status","description":"d","owner":"o"})",   //
      R"({"name":"session status","description":"d","owner":"o"})",   //
      R"({"name":"a.b","owner":"o"})",                                // description missing
      R"({"name":"a.b","description":"","owner":"o"})",               // empty
      R"({"name":"a.b","description":"  \t","owner":"o"})",           // blank
      R"({"name":"a.b","description":7,"owner":"o"})",                // not a string
      R"({"name":"a.b","description":null,"owner":"o"})",             //
      R"({"name":"a.b","description":"d"})",                          // owner missing
      R"({"name":"a.b","description":"d","owner":""})",               //
      R"({"name":"a.b","description":"d","owner":["team"]})",         //
      R"({"name":"a.b","description":"d","owner":"o","activeSchemaVersion":-1})",
      R"({"name":"a.b","description":"d","owner":"o","activeSchemaVersion":1.5})",
      R"({"name":"a.b","description":"d","owner":"o","activeSchemaVersion":"2"})",
      R"({"name":"a.b","description":"d","owner":"o","activeSchemaVersion":true})",
      R"({"name":"a.b","description":"d","owner":"o","activeSchemaVersion":null})",
      R"({"name":"a.b","description":"d","owner":"o","activeSchemaVersion":2147483648})",
      R"({"name":"a.b","description":"d","owner":"o","activeSchemaVersion":18446744073709551615})",
  };
  for (const char* body : bad) {
    auto r = Create(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation) << body;
    EXPECT_FALSE(r.error().message.empty());
  }
  auto too_long = svc_->Create(dev_, {{"name", std::string(201, 'a')}, {"description", "d"}, {"owner", "o"}});
  EXPECT_EQ(too_long.error().code, ErrorCode::kValidation);
  auto long_desc = svc_->Create(dev_, {{"name", "a.b"}, {"description", std::string(1001, 'd')}, {"owner", "o"}});
  EXPECT_EQ(long_desc.error().code, ErrorCode::kValidation);
  EXPECT_EQ(Count(), 0u);
  EXPECT_EQ(Create(R"({"name":"Bad","description":"d","owner":"o"})").error().message,
            "Invalid topic name 'Bad': use 1-200 lowercase letters, digits and dots in dot-separated segments, "
            "e.g. session.status");
}

TEST_F(TopicServiceTest, DuplicateInTheSameScopeIsConflict) {
  ASSERT_TRUE(Create(R"({"name":"a.b","description":"d","owner":"o"})").ok());
  auto dup = Create(R"({"name":"a.b","description":"other","owner":"x"})");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(dup.error().message, "Topic already exists: a.b");
  EXPECT_EQ(svc_->Get(dev_, "a.b")->description, "d");
  auto staging = svc_->Create({"default", "staging"}, Obj(R"({"name":"a.b","description":"s","owner":"o"})"));
  EXPECT_TRUE(staging.ok()) << staging.error().message;
}

TEST_F(TopicServiceTest, PatchChangesOnlyWhatItNames) {
  auto t = Create(R"({"name":"a.b","description":"d","owner":"o"})");
  ASSERT_TRUE(t.ok());
  AddVersions("a.b", 3);
  auto u = svc_->Update(dev_, "a.b", Obj(R"({"owner":"new-team","activeSchemaVersion":3,"unknown":{"x":1}})"));
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->description, "d");
  EXPECT_EQ(u->owner, "new-team");
  EXPECT_EQ(u->active_schema_version, 3);
  EXPECT_EQ(u->created_at, t->created_at);
  EXPECT_GT(u->updated_at, t->updated_at);
  // A GET result sent back as is (same name, read-only fields) is accepted.
  auto echo = TopicToJson(*u);
  echo["description"] = "Updated description";
  echo["createdAt"] = 1;
  echo["applicationId"] = "someone-else";
  auto e = svc_->Update(dev_, "a.b", echo);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->description, "Updated description");
  EXPECT_EQ(e->created_at, t->created_at);
  EXPECT_EQ(e->scope, dev_);
  auto stored = svc_->Get(dev_, "a.b");
  EXPECT_EQ(json::Serialize(TopicToJson(*stored)), json::Serialize(TopicToJson(*e)));
  EXPECT_TRUE(svc_->Update(dev_, "a.b", Obj("{}")).ok());
}

TEST_F(TopicServiceTest, BadPatchIsRefusedAndChangesNothing) {
  ASSERT_TRUE(Create(R"({"name":"a.b","description":"d","owner":"o"})").ok());
  AddVersions("a.b", 1);
  ASSERT_TRUE(svc_->Update(dev_, "a.b", Obj(R"({"activeSchemaVersion":1})")).ok());
  for (const char* body :
       {R"({"activeSchemaVersion":2})", R"({"owner":"x","activeSchemaVersion":7})", R"({"name":"a.c"})", R"({"name":3})", R"({"description":""})", R"({"description":null})", R"({"owner":"  "})",
        R"({"owner":1})", R"({"activeSchemaVersion":-2})", R"({"description":"ok","activeSchemaVersion":"3"})"}) {
    auto r = svc_->Update(dev_, "a.b", Obj(body));
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation) << body;
  }
  auto t = svc_->Get(dev_, "a.b");
  EXPECT_EQ(t->description, "d");
  EXPECT_EQ(t->owner, "o");
  EXPECT_EQ(t->active_schema_version, 1);
}

TEST_F(TopicServiceTest, ActiveSchemaVersionMustNameARegisteredVersion) {
  ASSERT_TRUE(Create(R"({"name":"a.b","description":"d","owner":"o"})").ok());
  auto none = svc_->Update(dev_, "a.b", Obj(R"({"activeSchemaVersion":1})"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kValidation);
  EXPECT_NE(none.error().message.find("no schema is registered"), std::string::npos) << none.error().message;
  AddVersions("a.b", 2);
  auto past = svc_->Update(dev_, "a.b", Obj(R"({"activeSchemaVersion":3})"));
  ASSERT_FALSE(past.ok());
  EXPECT_NE(past.error().message.find("versions 1 to 2"), std::string::npos) << past.error().message;
  EXPECT_EQ(svc_->Update(dev_, "a.b", Obj(R"({"activeSchemaVersion":2})"))->active_schema_version, 2);
  EXPECT_EQ(gate_->ActiveVersion(dev_, "a.b"), 2);  // the gate sees it at once
  // Another environment's versions do not count.
  ASSERT_TRUE(svc_->Create({"default", "staging"}, Obj(R"({"name":"a.b","description":"d","owner":"o"})")).ok());
  EXPECT_FALSE(svc_->Update({"default", "staging"}, "a.b", Obj(R"({"activeSchemaVersion":1})")).ok());
  EXPECT_EQ(svc_->Update(dev_, "a.b", Obj(R"({"activeSchemaVersion":0})"))->active_schema_version, 0);
  EXPECT_EQ(gate_->ActiveVersion(dev_, "a.b"), 0);
}

TEST_F(TopicServiceTest, UnknownTopicIsNotFoundWithTheSpecsMessage) {
  for (const auto& r :
       {svc_->Get(dev_, "session.status"), svc_->Update(dev_, "session.status", Obj(R"({"owner":"x"})"))}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(r.error().message, "Topic not found: session.status");
  }
  Status del = svc_->Delete(dev_, "session.status");
  EXPECT_EQ(del.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(del.error().message, "Topic not found: session.status");
}

TEST_F(TopicServiceTest, UnknownApplicationIsNotFound) {
  auto r = svc_->Create({"app_missing", "development"}, Obj(R"({"name":"a.b","description":"d","owner":"o"})"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST_F(TopicServiceTest, WritesReachTheCatalogAtOnce) {
  auto app = apps_->Create(Obj(R"({"name":"Strict","config":{"strictTopics":true}})"));
  ASSERT_TRUE(app.ok());
  ASSERT_TRUE(catalog_->Refresh().ok());
  Scope strict{app->id, "development"};
  EXPECT_EQ(catalog_->CheckUse(strict, "a.b").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(svc_->Create(strict, Obj(R"({"name":"a.b","description":"d","owner":"o"})")).ok());
  EXPECT_TRUE(catalog_->CheckUse(strict, "a.b").ok());
  ASSERT_TRUE(svc_->Delete(strict, "a.b").ok());
  EXPECT_EQ(catalog_->CheckUse(strict, "a.b").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace rt::registry
