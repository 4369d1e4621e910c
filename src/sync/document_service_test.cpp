// DocumentService over the embedded database (SQLite in memory): the write rules, the events
// and their returnMode shapes. The backend-parameterized and concurrency suites are in
// tests/integration/sync_documents_test.cpp.
#include "sync/document_service.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/ids.h"
#include "core/json.h"
#include "events/routed_event.h"
#include "registry/application_service.h"
#include "store/migrator.h"
#include "store/sqlite_db.h"
#include "sync/document_json.h"

namespace rt::sync {
namespace {

boost::json::object Obj(std::string_view text) { return boost::json::parse(text).as_object(); }

class DocumentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::SqliteDb::Open(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrator(*db_).Latest().ok());
    app_repo_ = std::make_unique<store::ApplicationRepository>(*db_);
    ASSERT_TRUE(registry::ApplicationService(*app_repo_).EnsureDefault().ok());
    repo_ = std::make_unique<store::SyncDocumentRepository>(*db_);
    store_ = std::make_unique<DbDocumentStore>(*repo_);
    svc_ = std::make_unique<DocumentService>(
        *store_,
        [](const std::string&, const std::string& s) {
          return s == "forbidden" ? Status(Error::NotFound("Service not registered: forbidden")) : Ok();
        },
        [this](const Scope& scope, events::RawEventInput in) -> Result<std::string> {
          std::string size_probe = json::Serialize(in.payload);
          if (size_probe.size() > max_event_bytes_) return Error{ErrorCode::kPayloadTooLarge, "too large", nullptr};
          events_.push_back({scope, std::move(in)});
          return std::string("evt_test");
        },
        DocumentLimits{4096, 8});
  }

  Result<SyncDocument> Create(std::string_view body) {
    auto req = ParseCreate(Obj(body), NowMs());
    if (!req.ok()) return req.take_error();
    return svc_->Create(dev_, "session", *req);
  }
  Result<SyncDocument> Merge(const std::string& id, std::string_view body, const std::string* if_match = nullptr) {
    auto req = ParseMerge(Obj(body), if_match);
    if (!req.ok()) return req.take_error();
    return svc_->Merge(Key(id), *req);
  }
  Result<SyncDocument> Mutate(const std::string& id, std::string_view body) {
    auto req = ParseMutate(Obj(body), nullptr);
    if (!req.ok()) return req.take_error();
    return svc_->Mutate(Key(id), *req);
  }
  DocKey Key(const std::string& id) const { return {dev_, "session", id}; }
  std::string Data(const std::string& id) { return json::Serialize(svc_->Get(Key(id))->data); }

  const Scope dev_{"default", "development"};
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::ApplicationRepository> app_repo_;
  std::unique_ptr<store::SyncDocumentRepository> repo_;
  std::unique_ptr<DbDocumentStore> store_;
  std::unique_ptr<DocumentService> svc_;
  std::vector<std::pair<Scope, events::RawEventInput>> events_;
  size_t max_event_bytes_ = 1 << 20;
};

TEST_F(DocumentServiceTest, CreateGetAndGeneratedIds) {
  auto doc = Create(R"({"data":{"status":"active","participantCount":0}})");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->key.id.rfind("doc_", 0), 0u);
  EXPECT_EQ(doc->revision, 1);
  EXPECT_EQ(doc->created_at, doc->updated_at);
  auto got = svc_->Get(doc->key);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(json::Serialize(DocumentToJson(*got)), json::Serialize(DocumentToJson(*doc)));
  EXPECT_EQ(Create(R"({"id":"x","data":{}})")->key.id, "x");
  auto dup = Create(R"({"id":"x","data":{"b":1}})");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(json::Serialize(*dup.error().details), R"({"currentRevision":1})");
  EXPECT_EQ(Data("x"), "{}");
}

TEST_F(DocumentServiceTest, EveryWriteIncrementsTheRevisionAndExpectedRevisionGuards) {
  ASSERT_TRUE(Create(R"({"id":"d","data":{"status":"active","n":1}})").ok());
  auto merged = Merge("d", R"({"data":{"notes":"x"},"expectedRevision":1})");
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  EXPECT_EQ(merged->revision, 2);
  auto stale = Merge("d", R"({"data":{"notes":"y"},"expectedRevision":1})");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(json::Serialize(*stale.error().details), R"({"currentRevision":2,"expectedRevision":1})");
  std::string if_match = "\"1\"";
  EXPECT_EQ(Merge("d", R"({"data":{}})", &if_match).error().code, ErrorCode::kConflict);
  EXPECT_EQ(Data("d"), R"({"status":"active","n":1,"notes":"x"})");

  auto replaced = svc_->Replace(Key("d"), *ParseReplace(Obj(R"({"data":{"only":true},"expectedRevision":2})"), nullptr, NowMs()));
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->revision, 3);
  EXPECT_EQ(Mutate("d", R"({"mutations":[{"op":"set","path":"/k","value":1}],"expectedRevision":3})")->revision, 4);
  auto deleted = svc_->Delete(Key("d"), *ParseDelete(Obj(R"({"expectedRevision":4})"), nullptr));
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->revision, 5);
  EXPECT_TRUE(deleted->deleted);
  EXPECT_EQ(svc_->Get(Key("d")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Merge("d", R"({"data":{}})").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(svc_->Delete(Key("d"), {}).error().code, ErrorCode::kNotFound);
  // Created again: a new document whose revision continues.
  auto again = Create(R"({"id":"d","data":{"v":2}})");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->revision, 6);
  EXPECT_FALSE(again->deleted);
}

TEST_F(DocumentServiceTest, FailedMutationChangesNothingAndPublishesNothing) {
  ASSERT_TRUE(Create(R"({"id":"d","data":{"status":"active","n":1}})").ok());
  events_.clear();
  auto bad = Mutate("d", R"({"mutations":[{"op":"set","path":"/n","value":9},{"op":"increment","path":"/status","value":1}]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kValidation);
  EXPECT_EQ(svc_->Get(Key("d"))->revision, 1);
  EXPECT_EQ(Data("d"), R"({"status":"active","n":1})");
  EXPECT_TRUE(events_.empty());
}

TEST_F(DocumentServiceTest, LimitsAreCheckedOnTheResult) {
  ASSERT_TRUE(Create(R"({"id":"d","data":{}})").ok());
  auto big = Merge("d", R"({"data":{"t":")" + std::string(5000, 'x') + R"("}})");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kPayloadTooLarge);
  auto deep = Mutate("d", R"({"mutations":[{"op":"set","path":"/a/b/c/d/e/f/g/h/i","value":1}]})");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().code, ErrorCode::kValidation);
  EXPECT_EQ(svc_->Get(Key("d"))->revision, 1);
  EXPECT_TRUE(Create(R"({"data":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}}})").ok());  // depth 8: the limit
  auto too_deep = Create(R"({"data":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":[]}}}}}}}}})");
  ASSERT_FALSE(too_deep.ok());
  EXPECT_EQ(too_deep.error().code, ErrorCode::kValidation);
}

TEST_F(DocumentServiceTest, BadNamesAndStrictServices) {
  WriteRequest req;
  EXPECT_EQ(svc_->Create(dev_, "Bad", req).error().code, ErrorCode::kValidation);
  EXPECT_EQ(svc_->Get({dev_, "session", "a b"}).error().code, ErrorCode::kValidation);
  EXPECT_EQ(svc_->Create(dev_, "forbidden", req).error().code, ErrorCode::kNotFound);
}

TEST_F(DocumentServiceTest, ExpiredDocumentsReadAsNotFoundAndArePurged) {
  ASSERT_TRUE(Create(R"({"id":"e","data":{"a":1}})").ok());
  // Age it directly in the table.
  ASSERT_TRUE(db_->Exec("UPDATE sync_documents SET expires_at = 1 WHERE id = 'e'").ok());
  EXPECT_EQ(svc_->Get(Key("e")).error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(repo_->Get(Key("e"))->has_value()) << "purged on read";
  ASSERT_TRUE(Create(R"({"id":"f","data":{"a":1}})").ok());
  ASSERT_TRUE(db_->Exec("UPDATE sync_documents SET expires_at = 1 WHERE id = 'f'").ok());
  EXPECT_EQ(Merge("f", R"({"data":{}})").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(svc_->List(dev_, "session", "", 10)->documents.empty());
  ASSERT_TRUE(store_->Maintain(NowMs()).ok());
  EXPECT_FALSE(repo_->Get(Key("f"))->has_value()) << "purged by the periodic maintenance";
}

TEST_F(DocumentServiceTest, ListPagesById) {
  for (const char* id : {"c", "a", "b", "d", "e"}) ASSERT_TRUE(Create(std::string(R"({"data":{},"id":")") + id + "\"}").ok());
  ASSERT_TRUE(svc_->Delete(Key("d"), {}).ok());
  auto p1 = svc_->List(dev_, "session", "", 2);
  ASSERT_TRUE(p1.ok());
  ASSERT_EQ(p1->documents.size(), 2u);
  EXPECT_EQ(p1->documents[0].key.id, "a");
  EXPECT_EQ(*p1->next_cursor, "b");
  auto p2 = svc_->List(dev_, "session", "b", 2);
  EXPECT_EQ(p2->documents[0].key.id, "c");
  EXPECT_EQ(p2->documents[1].key.id, "e");
  EXPECT_FALSE(p2->next_cursor.has_value());
  EXPECT_TRUE(svc_->List({"default", "staging"}, "session", "", 10)->documents.empty());
  EXPECT_EQ(svc_->List(dev_, "session", "", 0).error().code, ErrorCode::kValidation);
  EXPECT_EQ(svc_->List(dev_, "session", "bad cursor", 5).error().code, ErrorCode::kValidation);
}

TEST_F(DocumentServiceTest, EventsCarryTopicSourcePayloadAndMetadata) {
  ASSERT_TRUE(Create(R"({"id":"d","data":{"status":"active","meta":{"a":1}}})").ok());
  ASSERT_TRUE(Merge("d", R"({"data":{"status":"ended","meta":{"a":2}}})").ok());
  ASSERT_TRUE(svc_->Delete(Key("d"), {}).ok());
  ASSERT_EQ(events_.size(), 3u);
  const char* topics[] = {"sync.session.created", "sync.session.updated", "sync.session.deleted"};
  const char* ops[] = {"create", "merge", "delete"};
  for (int i = 0; i < 3; ++i) {
    const auto& [scope, e] = events_[i];
    EXPECT_EQ(scope, dev_);
    EXPECT_EQ(e.topic, topics[i]);
    EXPECT_EQ(e.source, events::Source::kSync);
    EXPECT_EQ(*e.operation, ops[i]);
    EXPECT_EQ(*e.revision, i + 1);
    EXPECT_EQ(e.payload.at("revision").as_int64(), i + 1);
    EXPECT_EQ(e.payload.at("service").as_string(), "session");
    EXPECT_EQ(e.payload.at("documentId").as_string(), "d");
  }
  EXPECT_EQ(json::Serialize(events_[0].second.payload.at("diff")),
            R"({"added":{"status":"active","meta":{"a":1}},"removed":[],"changed":{}})");
  EXPECT_EQ(json::Serialize(events_[1].second.payload.at("diff")),
            R"({"added":{},"removed":[],"changed":{"status":{"from":"active","to":"ended"},"meta.a":{"from":1,"to":2}}})");
  EXPECT_EQ(json::Serialize(events_[2].second.payload.at("data")), R"({"status":"ended","meta":{"a":2}})");
  EXPECT_EQ(json::Serialize(events_[2].second.payload.at("diff")),
            R"({"added":{},"removed":["status","meta"],"changed":{}})");
}

TEST_F(DocumentServiceTest, ReturnModeShapesOfASyncEvent) {
  ASSERT_TRUE(Create(R"({"id":"d","data":{"n":1}})").ok());
  ASSERT_TRUE(Merge("d", R"({"data":{"n":2}})").ok());
  auto event = events::Normalize(events_.back().second, {}, NowMs());
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->metadata.revision, 2);
  const std::string common = R"("service":"session","documentId":"d","revision":2)";
  EXPECT_EQ(json::Serialize(events::ApplyReturnMode(*event, events::ReturnMode::kFull)),
            "{" + common + R"(,"data":{"n":2}})");
  EXPECT_EQ(json::Serialize(events::ApplyReturnMode(*event, events::ReturnMode::kDiff)),
            "{" + common + R"(,"diff":{"added":{},"removed":[],"changed":{"n":{"from":1,"to":2}}}})");
  EXPECT_EQ(json::Serialize(events::ApplyReturnMode(*event, events::ReturnMode::kBoth)),
            "{" + common + R"(,"data":{"n":2},"diff":{"added":{},"removed":[],"changed":{"n":{"from":1,"to":2}}}})");
  std::string envelope = events::SerializeEvent(*event);
  EXPECT_NE(envelope.find(R"("source":"sync","type":"sync.updated")"), std::string::npos) << envelope;
  EXPECT_NE(envelope.find(R"("operation":"merge","revision":2)"), std::string::npos) << envelope;
}

TEST_F(DocumentServiceTest, OversizedEventsAreTruncatedNotLost) {
  max_event_bytes_ = 200;
  auto doc = Create(R"({"id":"big","data":{"t":")" + std::string(300, 'x') + R"("}})");
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(json::Serialize(events_[0].second.payload),
            R"({"service":"session","documentId":"big","revision":1,"truncated":true})");
}

}  // namespace
}  // namespace rt::sync
