// JsonDiff, SortedKeys and Fingerprint (deploy/report.h, deploy/entities.h): the change report's
// field-level diff and the canonical form behind fingerprints and exports.
#include "deploy/report.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace rt::deploy {
namespace {

boost::json::value J(const char* text) { return *json::Parse(text); }
std::string Diff(const char* from, const char* to) { return json::Serialize(JsonDiff(J(from), J(to))); }

TEST(JsonDiff, NestedObjectsGiveDottedPaths) {
  EXPECT_EQ(Diff(R"({"a":1,"d":{"p":{"v":"A","w":1}}})", R"({"a":1,"d":{"p":{"v":"B","w":1}}})"),
            R"([{"path":"d.p.v","from":"A","to":"B"}])");
}

TEST(JsonDiff, AddedAndRemovedFieldsUseNull) {
  EXPECT_EQ(Diff(R"({"a":1})", R"({"b":2})"),
            R"([{"path":"a","from":1,"to":null},{"path":"b","from":null,"to":2}])");
}

TEST(JsonDiff, ArraysOfEqualLengthByIndexOtherwiseWhole) {
  EXPECT_EQ(Diff(R"({"x":[1,2,3]})", R"({"x":[1,5,3]})"), R"([{"path":"x[1]","from":2,"to":5}])");
  EXPECT_EQ(Diff(R"({"x":[1]})", R"({"x":[1,2]})"), R"([{"path":"x","from":[1],"to":[1,2]}])");
}

TEST(JsonDiff, SchemaVersionsMatchByNumber) {
  EXPECT_EQ(Diff(R"({"versions":[{"version":1,"schema":{"a":1}}]})",
                 R"({"versions":[{"version":1,"schema":{"a":2}},{"version":2,"schema":{}}]})"),
            R"([{"path":"versions[version=1].schema.a","from":1,"to":2},)"
            R"({"path":"versions[version=2]","from":null,"to":{"version":2,"schema":{}}}])");
}

TEST(JsonDiff, CreateAndDeleteListTopLevelFields) {
  EXPECT_EQ(Diff("null", R"({"name":"t","owner":"o"})"),
            R"([{"path":"name","from":null,"to":"t"},{"path":"owner","from":null,"to":"o"}])");
  EXPECT_EQ(Diff(R"({"name":"t"})", "null"), R"([{"path":"name","from":"t","to":null}])");
  EXPECT_EQ(Diff(R"({"a":{"b":1}})", R"({"a":{"b":1}})"), "[]");
}

TEST(Canonical, KeyOrderDoesNotMatter) {
  EXPECT_EQ(CanonicalText(J(R"({"b":1,"a":{"d":[{"z":1,"y":2}],"c":0}})")),
            R"({"a":{"c":0,"d":[{"y":2,"z":1}]},"b":1})");
  EXPECT_EQ(Fingerprint(J(R"({"b":1,"a":2})")), Fingerprint(J(R"({"a":2,"b":1})")));
  EXPECT_NE(Fingerprint(J(R"({"a":2})")), Fingerprint(J(R"({"a":3})")));
  EXPECT_EQ(Fingerprint(nullptr), "absent");
  EXPECT_EQ(Fingerprint(J(R"({"a":2})")).size(), 16u);
}

TEST(EntityTypes, SingularAndPluralNames) {
  EXPECT_EQ(ParseType("topic"), EntityType::kTopic);
  EXPECT_EQ(ParseType("webhooks"), EntityType::kWebhook);
  EXPECT_EQ(ParseType("table"), std::nullopt);
}

}  // namespace
}  // namespace rt::deploy
