// Compatibility rules: one passing and one failing change per rule and mode (the examples of
// docs/schemas.md), transitive variants, and the details' shape.
#include "registry/schema_compat.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace rt::registry {
namespace {

using M = CompatibilityMode;

std::vector<CompatIssue> Check(M mode, std::vector<const char*> earlier, const char* next) {
  std::vector<boost::json::value> docs;
  for (const char* e : earlier) docs.push_back(boost::json::parse(e));
  std::vector<SchemaVersionRef> refs;
  for (size_t i = 0; i < docs.size(); ++i) refs.push_back({static_cast<int64_t>(i + 1), &docs[i]});
  return CheckCompatibility(mode, refs, boost::json::parse(next));
}

std::string Rules(const std::vector<CompatIssue>& issues) {
  std::string out;
  for (const auto& i : issues) out += (out.empty() ? "" : ",") + i.path + ":" + i.rule;
  return out;
}

struct Rule {
  const char* name;
  M mode;
  const char* old_schema;
  const char* ok;      // compatible next version
  const char* bad;     // incompatible next version
  const char* expect;  // path:rule of the failure
};

class CompatRule : public ::testing::TestWithParam<Rule> {};

TEST_P(CompatRule, PassesAndFails) {
  const Rule& r = GetParam();
  EXPECT_EQ(Rules(Check(r.mode, {r.old_schema}, r.ok)), "") << r.ok;
  auto issues = Check(r.mode, {r.old_schema}, r.bad);
  EXPECT_EQ(Rules(issues), r.expect) << r.bad;
  for (const auto& i : issues) EXPECT_NE(i.message.find("version 1"), std::string::npos) << i.message;
}

constexpr const char* kBase =
    R"({"type":"object","properties":{"id":{"type":"string"},"n":{"type":"integer","minimum":0,"maximum":100},
        "s":{"type":"string","enum":["a","b"]},"tags":{"type":"array","items":{"type":"string"}},
        "addr":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
        "required":["id"]})";

INSTANTIATE_TEST_SUITE_P(
    Rules, CompatRule,
    ::testing::Values(
        // backward: the new schema reads old payloads.
        Rule{"BackwardTypeNarrowed", M::kBackward, R"({"properties":{"n":{"type":"integer"}}})",
             R"({"properties":{"n":{"type":"number"}}})", R"({"properties":{"n":{"type":"string"}}})",
             "/n:type-narrowed"},
        Rule{"BackwardRequiredAdded", M::kBackward, R"({"properties":{"a":{}}})",
             R"({"properties":{"a":{"default":1}},"required":["a"]})", R"({"properties":{"a":{}},"required":["a"]})",
             "/a:required-added"},
        Rule{"BackwardRequiredRemoved", M::kBackward, R"({"properties":{"a":{}},"required":["a"]})",
             R"({"properties":{"a":{}},"required":["a"]})", R"({"properties":{"a":{}}})", "/a:required-removed"},
        Rule{"BackwardEnumNarrowed", M::kBackward, R"({"enum":["a","b"]})", R"({"enum":["a","b","c"]})",
             R"({"enum":["a"]})", ":enum-narrowed"},
        Rule{"BackwardRangeNarrowed", M::kBackward, R"({"type":"number","minimum":0})",
             R"({"type":"number","minimum":-5})", R"({"type":"number","exclusiveMinimum":0})", ":range-narrowed"},
        Rule{"BackwardLengthNarrowed", M::kBackward, R"({"type":"string","maxLength":10})",
             R"({"type":"string","maxLength":20})", R"({"type":"string","maxLength":5})", ":range-narrowed"},
        Rule{"BackwardAdditionalClosed", M::kBackward, R"({"properties":{"a":{}}})",
             R"({"properties":{"a":{},"b":{}}})", R"({"properties":{"a":{}},"additionalProperties":false})",
             ":additional-properties-closed"},
        Rule{"BackwardPropertyRemoved", M::kBackward, R"({"properties":{"a":{},"b":{}},"additionalProperties":false})",
             R"({"properties":{"a":{},"b":{},"c":{}},"additionalProperties":false})",
             R"({"properties":{"a":{}},"additionalProperties":false})", "/b:property-removed"},
        Rule{"BackwardNested", M::kBackward, kBase,
             R"({"type":"object","properties":{"id":{"type":"string"},"extra":{"type":"boolean"}},"required":["id"]})",
             R"({"type":"object","properties":{"id":{"type":"string"},"addr":{"type":"object",
                 "properties":{"city":{"type":"integer"}},"required":["city"]}},"required":["id"]})",
             "/addr/city:type-narrowed"},
        Rule{"BackwardArrayItems", M::kBackward, R"({"type":"array","items":{"type":"integer"}})",
             R"({"type":"array","items":{"type":["integer","null"]}})", R"({"type":"array","items":{"type":"string"}})",
             "/*:type-narrowed"},
        Rule{"BackwardUnsupported", M::kBackward, R"({"type":"number"})", R"({"type":"number"})",
             R"({"type":"number","not":{"const":3}})", ":unsupported-change"},
        // forward: the old schema reads new payloads.
        Rule{"ForwardTypeWidened", M::kForward, R"({"properties":{"n":{"type":"number"}}})",
             R"({"properties":{"n":{"type":"integer"}}})", R"({"properties":{"n":{"type":["number","string"]}}})",
             "/n:type-widened"},
        Rule{"ForwardRequiredRemoved", M::kForward, R"({"properties":{"a":{}},"required":["a"]})",
             R"({"properties":{"a":{},"b":{}},"required":["a","b"]})", R"({"properties":{"a":{}}})",
             "/a:required-removed"},
        Rule{"ForwardEnumWidened", M::kForward, R"({"enum":["a","b"]})", R"({"enum":["a"]})",
             R"({"enum":["a","b","c"]})", ":enum-widened"},
        Rule{"ForwardRangeWidened", M::kForward, R"({"type":"integer","maximum":10})",
             R"({"type":"integer","maximum":5})", R"({"type":"integer"})", ":range-widened"},
        Rule{"ForwardAdditionalOpened", M::kForward, R"({"properties":{"a":{}},"additionalProperties":false})",
             R"({"properties":{"a":{}},"additionalProperties":false})", R"({"properties":{"a":{}}})",
             ":additional-properties-opened"},
        Rule{"ForwardPropertyAdded", M::kForward, R"({"properties":{"a":{}},"additionalProperties":false})",
             R"({"properties":{},"additionalProperties":false})",
             R"({"properties":{"a":{},"b":{}},"additionalProperties":false})", "/b:property-added"},
        // full: both directions.
        Rule{"FullTypeChange", M::kFull, R"({"properties":{"a":{"type":"string"}}})",
             R"({"properties":{"a":{"type":"string"},"b":{"type":"string"}}})",
             R"({"properties":{"a":{"type":"number"}}})", "/a:type-narrowed,/a:type-widened"},
        Rule{"FullEnumWidened", M::kFull, R"({"enum":["a","b"]})", R"({"enum":["b","a"]})", R"({"enum":["a","b","c"]})",
             ":enum-widened"},
        // none: anything goes (the "bad" one is identical, hence also accepted: see NoneAcceptsAnything).
        Rule{"None", M::kNone, R"({"type":"string"})", R"({"type":"number"})", R"({"type":"string"})", ""}),
    [](const ::testing::TestParamInfo<Rule>& info) { return std::string(info.param.name); });

TEST(Compat, NoneAcceptsAnything) {
  EXPECT_TRUE(Check(M::kNone, {R"({"type":"string"})"}, R"({"type":"number","required":["x"]})").empty());
}

TEST(Compat, FirstVersionIsAlwaysCompatible) {
  EXPECT_TRUE(CheckCompatibility(M::kFullTransitive, {}, boost::json::parse(R"({"type":"string"})")).empty());
}

TEST(Compat, TransitiveChecksEveryEarlierVersion) {
  // v1 integer; v2 number (widened, backward ok); v3 integer again: backward-compatible with v1
  // only, not with v2.
  std::vector<const char*> hist = {R"({"type":"integer","minimum":0})", R"({"type":"integer"})"};
  // next narrows against v2 only (minimum 0 is what v1 had):
  EXPECT_EQ(Rules(Check(M::kBackward, hist, R"({"type":"integer","minimum":0})")), ":range-narrowed");
  // forward against the latest only passes; forward_transitive also checks v1 (minimum 0 absent now).
  std::vector<const char*> hist2 = {R"({"type":"integer","minimum":0})", R"({"type":"integer","minimum":-10})"};
  EXPECT_EQ(Rules(Check(M::kForward, hist2, R"({"type":"integer","minimum":-5})")), "");
  auto t = Check(M::kForwardTransitive, hist2, R"({"type":"integer","minimum":-5})");
  EXPECT_EQ(Rules(t), ":range-widened");
  EXPECT_NE(t[0].message.find("version 1"), std::string::npos) << t[0].message;
  std::vector<const char*> hist3 = {R"({"type":"integer","maximum":5})", R"({"type":"integer","maximum":50})"};
  EXPECT_EQ(Rules(Check(M::kBackward, hist3, R"({"type":"integer","maximum":50})")), "");
  EXPECT_EQ(Rules(Check(M::kBackwardTransitive, hist3, R"({"type":"integer","maximum":20})")), ":range-narrowed");
  EXPECT_EQ(Rules(Check(M::kFullTransitive, hist3, R"({"type":"integer","maximum":50})")), ":range-widened");
}

TEST(Compat, LocalRefsAreFollowed) {
  const char* v1 = R"({"definitions":{"n":{"type":"integer"}},"properties":{"a":{"$ref":"#/definitions/n"}}})";
  EXPECT_EQ(Rules(Check(M::kBackward, {v1}, R"({"properties":{"a":{"type":"number"}}})")), "");
  EXPECT_EQ(Rules(Check(M::kBackward, {v1}, R"({"properties":{"a":{"type":"string"}}})")), "/a:type-narrowed");
}

TEST(Compat, RecursiveSchemasCompareEachPairOnce) {
  // Two self-references per level: without memoizing, 2^32 comparisons.
  const char* tree = R"({"type":"object","properties":{"v":{"type":"integer"},"l":{"$ref":"#"},"r":{"$ref":"#"}}})";
  EXPECT_EQ(Rules(Check(M::kFullTransitive, {tree, tree}, tree)), "");
  const char* narrowed = R"({"type":"object","properties":{"v":{"type":"string"},"l":{"$ref":"#"},"r":{"$ref":"#"}}})";
  EXPECT_EQ(Rules(Check(M::kBackward, {tree}, narrowed)), "/v:type-narrowed");
}

TEST(Compat, ModeNames) {
  for (const char* n :
       {"none", "backward", "forward", "full", "backward_transitive", "forward_transitive", "full_transitive"}) {
    auto m = ParseCompatibilityMode(n);
    ASSERT_TRUE(m.has_value()) << n;
    EXPECT_STREQ(CompatibilityModeName(*m), n);
  }
  EXPECT_FALSE(ParseCompatibilityMode("BACKWARD").has_value());
  EXPECT_FALSE(ParseCompatibilityMode("").has_value());
}

}  // namespace
}  // namespace rt::registry
