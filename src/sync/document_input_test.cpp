#include "sync/document_input.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace rt::sync {
namespace {

boost::json::object Obj(std::string_view text) { return boost::json::parse(text).as_object(); }
constexpr int64_t kNow = 1710000000000;

TEST(DocumentInputTest, CreateNeedsAnObjectDataAndAValidId) {
  auto ok = ParseCreate(Obj(R"({"id":"my-id_1.x:y@z","data":{"a":1},"expiresAt":1710000001000})"), kNow);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*ok->id, "my-id_1.x:y@z");
  EXPECT_EQ(*ok->expires_at, 1710000001000);
  EXPECT_FALSE(ParseCreate(Obj(R"({"data":{}})"), kNow)->id.has_value());
  EXPECT_FALSE(ParseCreate(Obj(R"({"id":null,"data":{}})"), kNow)->id.has_value());
  for (const char* bad : {R"({})", R"({"data":[1]})", R"({"data":"x"})", R"({"data":null})",
                          R"({"id":"a/b","data":{}})", R"({"id":"","data":{}})", R"({"id":7,"data":{}})",
                          R"({"id":"a b","data":{}})", R"({"data":{},"expiresAt":"soon"})",
                          R"({"data":{},"expiresAt":1709999999999})", R"({"data":{},"expiresAt":-1})"}) {
    auto r = ParseCreate(Obj(bad), kNow);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation) << bad;
  }
  EXPECT_FALSE(ParseCreate(Obj(R"({"id":")" + std::string(129, 'a') + R"(","data":{}})"), kNow).ok());
}

TEST(DocumentInputTest, ExpectedRevisionFromBodyOrIfMatch) {
  EXPECT_EQ(*ParseMerge(Obj(R"({"data":{},"expectedRevision":3})"), nullptr)->expected_revision, 3);
  EXPECT_FALSE(ParseMerge(Obj(R"({"data":{},"expectedRevision":null})"), nullptr)->expected_revision.has_value());
  std::string h = "\"4\"";
  EXPECT_EQ(*ParseMerge(Obj(R"({"data":{}})"), &h)->expected_revision, 4);
  h = "4";
  EXPECT_EQ(*ParseReplace(Obj(R"({"data":{}})"), &h, kNow)->expected_revision, 4);
  h = "W/\"5\"";
  EXPECT_EQ(*ParseDelete(Obj("{}"), &h)->expected_revision, 5);
  h = "*";
  EXPECT_FALSE(ParseDelete(Obj("{}"), &h)->expected_revision.has_value());
  h = "4";
  EXPECT_EQ(*ParseMerge(Obj(R"({"data":{},"expectedRevision":4})"), &h)->expected_revision, 4);
  EXPECT_FALSE(ParseMerge(Obj(R"({"data":{},"expectedRevision":3})"), &h).ok());  // disagree
  for (const char* bad : {"", "abc", "-1", "\"\"", "1.5", "4 5"}) {
    h = bad;
    EXPECT_FALSE(ParseMerge(Obj(R"({"data":{}})"), &h).ok()) << bad;
  }
  for (const char* bad : {R"({"data":{},"expectedRevision":-1})", R"({"data":{},"expectedRevision":"3"})",
                          R"({"data":{},"expectedRevision":1.5})"}) {
    EXPECT_FALSE(ParseMerge(Obj(bad), nullptr).ok()) << bad;
  }
}

TEST(DocumentInputTest, ReplaceMayChangeOrClearTheExpiry) {
  auto keep = ParseReplace(Obj(R"({"data":{}})"), nullptr, kNow);
  EXPECT_FALSE(keep->set_expiry);
  auto clear = ParseReplace(Obj(R"({"data":{},"expiresAt":null})"), nullptr, kNow);
  EXPECT_TRUE(clear->set_expiry);
  EXPECT_FALSE(clear->expires_at.has_value());
}

TEST(DocumentInputTest, MutateNeedsMutations) {
  EXPECT_FALSE(ParseMutate(Obj("{}"), nullptr).ok());
  EXPECT_FALSE(ParseMutate(Obj(R"({"mutations":[]})"), nullptr).ok());
  auto ok = ParseMutate(Obj(R"({"mutations":{"a":1},"expectedRevision":2})"), nullptr);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->mutations.size(), 1u);
  EXPECT_EQ(*ok->expected_revision, 2);
}

}  // namespace
}  // namespace rt::sync
