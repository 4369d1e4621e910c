// JsonSchema: compile-time refusals and one passing and one failing payload per supported
// draft-07 keyword, with the JSON Pointer paths and messages the API returns.
#include "registry/json_schema.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace rt::registry {
namespace {

boost::json::value J(std::string_view text) { return boost::json::parse(text); }

std::shared_ptr<const JsonSchema> Must(std::string_view schema) {
  auto s = JsonSchema::Compile(J(schema));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? *s : nullptr;
}

std::string CompileError(std::string_view schema) {
  auto s = JsonSchema::Compile(J(schema));
  return s.ok() ? "" : s.error().message;
}

TEST(JsonSchema, SpecExampleReportsPointerAndShortMessage) {
  auto s = Must(R"({"type":"object","properties":{"sessionId":{"type":"string"},"status":{"type":"string"},
                    "campusId":{"type":"number"}},"required":["sessionId","status"]})");
  EXPECT_TRUE(s->IsValid(J(R"({"sessionId":"abc123","status":"active","campusId":12})")));
  EXPECT_TRUE(s->Validate(J(R"({"sessionId":"abc123","status":"active","campusId":12})")).empty());
  auto errors = s->Validate(J(R"({"sessionId":5,"status":"active"})"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], (SchemaViolation{"/sessionId", "must be string"}));
  EXPECT_FALSE(s->IsValid(J(R"({"sessionId":5,"status":"active"})")));
  errors = s->Validate(J(R"({"sessionId":"a"})"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], (SchemaViolation{"", "must have required property 'status'"}));
}

TEST(JsonSchema, RefusesInvalidSchemas) {
  EXPECT_NE(CompileError("5"), "");
  EXPECT_NE(CompileError(R"({"type":5})"), "");
  EXPECT_NE(CompileError(R"({"required":"x"})"), "");
  EXPECT_NE(CompileError(R"({"minimum":"a"})"), "");
  EXPECT_NE(CompileError(R"({"properties":{"a":{"type":"strin"}}})"), "");
  std::string remote = CompileError(R"({"properties":{"a":{"$ref":"http://example.com/s.json"}}})");
  EXPECT_NE(remote.find("remote $ref"), std::string::npos) << remote;
  EXPECT_NE(remote.find("/properties/a/$ref"), std::string::npos) << remote;
  EXPECT_NE(CompileError(R"({"$ref":"other.json#/a"})").find("remote $ref"), std::string::npos);
  EXPECT_NE(CompileError(R"({"$ref":"#/definitions/missing"})").find("does not resolve"), std::string::npos);
  EXPECT_NE(CompileError(R"({"properties":{"a":{"pattern":"(["}}})").find("/properties/a/pattern"), std::string::npos);
  EXPECT_NE(CompileError(R"({"patternProperties":{"*x":{}}})").find("not a valid regular expression"),
            std::string::npos);
  EXPECT_EQ(CompileError("true"), "");
}

TEST(JsonSchema, RefusesReferenceCyclesThatNeverDescend) {
  for (
      const char* schema : {
          R"({"$ref":"#"})",
          R"({"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"})",
          R"({"allOf":[{"$ref":"#"}]})",
          R"({"type":"object","properties":{"n":{"$ref":"#/properties/n"}}})",
          R"({"definitions":{"a":{"$ref":"#/definitions/a"}},"properties":{"x":{"$ref":"#/definitions/a"}}})",
          R"({"definitions":{"a":{"anyOf":[{"type":"null"},{"not":{"$ref":"#/definitions/a"}}]}}})",
          R"({"dependencies":{"x":{"$ref":"#"}}})",
      }) {
    EXPECT_NE(CompileError(schema).find("$ref cycle"), std::string::npos) << schema;
  }
  // Recursion through properties / items descends into the payload: allowed.
  EXPECT_EQ(CompileError(R"({"properties":{"x":{"$ref":"#"}}})"), "");
  EXPECT_EQ(CompileError(R"({"definitions":{"t":{"items":{"$ref":"#/definitions/t"}}},"$ref":"#/definitions/t"})"), "");
}

TEST(JsonSchema, LongStringsAreRefusedBeforeARegexCanOverflowTheStack) {
  auto s = Must(R"({"properties":{"s":{"pattern":"^[a-z]+$"},"d":{"format":"date"}}})");
  boost::json::object p{{"s", std::string(JsonSchema::kMaxRegexSubject, 'a')}};
  EXPECT_TRUE(s->IsValid(p));
  p["other"] = boost::json::array{std::string(200000, 'a')};  // would crash std::regex if matched
  EXPECT_FALSE(s->IsValid(p));
  auto e = s->Validate(p);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].path, "/other/0");
  EXPECT_TRUE(e[0].message.starts_with("must NOT have more than 4096 characters")) << e[0].message;
  boost::json::object key{{std::string(5000, 'k'), 1}};
  EXPECT_EQ(s->Validate(key)[0].path, "/" + std::string(5000, 'k'));
  EXPECT_FALSE(s->IsValid(boost::json::object{{"d", std::string(100000, '1')}}));
  // Without regex keywords there is no such limit.
  auto plain = Must(R"({"properties":{"s":{"type":"string"}}})");
  EXPECT_TRUE(plain->IsValid(boost::json::object{{"s", std::string(200000, 'a')}}));
}

TEST(JsonSchema, LocalRefAndDefinitions) {
  auto s = Must(R"({"definitions":{"id":{"type":"string","minLength":2}},
                    "type":"object","properties":{"a":{"$ref":"#/definitions/id"}}})");
  EXPECT_TRUE(s->IsValid(J(R"({"a":"xy"})")));
  auto e = s->Validate(J(R"({"a":7})"));
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0], (SchemaViolation{"/a", "must be string"}));
  EXPECT_EQ(s->Validate(J(R"({"a":"x"})"))[0], (SchemaViolation{"/a", "must NOT have fewer than 2 characters"}));
}

TEST(JsonSchema, RecursiveLocalRef) {
  auto s = Must(R"({"type":"object","properties":{"v":{"type":"integer"},"next":{"$ref":"#"}}})");
  EXPECT_TRUE(s->IsValid(J(R"({"v":1,"next":{"v":2,"next":{"v":3}}})")));
  EXPECT_EQ(s->Validate(J(R"({"v":1,"next":{"v":"x"}})"))[0], (SchemaViolation{"/next/v", "must be integer"}));
}

struct Case {
  const char* name;
  const char* schema;
  const char* valid;
  const char* invalid;
  const char* path;
  const char* message;  // expected prefix
};

class Keyword : public ::testing::TestWithParam<Case> {};

TEST_P(Keyword, AcceptsValidRejectsInvalid) {
  const Case& c = GetParam();
  auto s = Must(c.schema);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->IsValid(J(c.valid))) << c.valid;
  EXPECT_TRUE(s->Validate(J(c.valid)).empty());
  EXPECT_FALSE(s->IsValid(J(c.invalid))) << c.invalid;
  auto e = s->Validate(J(c.invalid));
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0].path, c.path);
  EXPECT_TRUE(e[0].message.starts_with(c.message)) << e[0].message;
}

INSTANTIATE_TEST_SUITE_P(
    Draft07, Keyword,
    ::testing::Values(
        Case{"type", R"({"type":["string","null"]})", "null", "1", "", "must be string or null"},
        Case{"integer", R"({"type":"integer"})", "3", "3.5", "", "must be integer"},
        Case{"enum", R"({"enum":["a","b"]})", R"("a")", R"("c")", "", "must be equal to one of the allowed values"},
        Case{"const", R"({"const":3})", "3", "4", "", "must be equal to constant"},
        Case{"minimum", R"({"minimum":1})", "1", "0", "", "must be >= 1"},
        Case{"maximum", R"({"maximum":10})", "10", "10.5", "", "must be <= 10"},
        Case{"exclusiveMinimum", R"({"exclusiveMinimum":1})", "1.5", "1", "", "must be > 1"},
        Case{"exclusiveMaximum", R"({"exclusiveMaximum":1})", "0", "1", "", "must be < 1"},
        Case{"multipleOf", R"({"multipleOf":5})", "10", "11", "", "must be multiple of 5"},
        Case{"minLength", R"({"minLength":2})", R"("ab")", R"("a")", "", "must NOT have fewer than 2 characters"},
        Case{"maxLength", R"({"maxLength":2})", R"("ab")", R"("abc")", "", "must NOT have more than 2 characters"},
        Case{"pattern", R"({"pattern":"^[a-z]+$"})", R"("abc")", R"("aB1")", "", "must match pattern"},
        Case{"format", R"({"format":"date"})", R"("2024-02-29")", R"("2024-13-01")", "",
             "String should be a valid date"},
        Case{"properties", R"({"properties":{"a":{"type":"boolean"}}})", R"({"a":true})", R"({"a":1})", "/a",
             "must be boolean"},
        Case{"required", R"({"required":["a"]})", R"({"a":1})", R"({"b":1})", "", "must have required property 'a'"},
        Case{"additionalProperties", R"({"properties":{"a":{}},"additionalProperties":false})", R"({"a":1})",
             R"({"a":1,"b/c":2})", "/b~1c", "must NOT be present"},
        Case{"additionalPropertiesSchema", R"({"additionalProperties":{"type":"number"}})", R"({"x":1})",
             R"({"x":"1"})", "/x", "must be number"},
        Case{"patternProperties", R"({"patternProperties":{"^n_":{"type":"number"}}})", R"({"n_a":1,"s":"x"})",
             R"({"n_a":"x"})", "/n_a", "has a type the schema does not allow"},
        Case{"propertyNames", R"({"propertyNames":{"maxLength":3}})", R"({"abc":1})", R"({"abcd":1})", "",
             "must match the schema"},
        Case{"dependencies", R"({"dependencies":{"a":["b"]}})", R"({"a":1,"b":2})", R"({"a":1})", "",
             "Missing dependency 'b'"},
        Case{"minProperties", R"({"minProperties":1})", R"({"a":1})", "{}", "",
             "must NOT have fewer than 1 properties"},
        Case{"maxProperties", R"({"maxProperties":1})", R"({"a":1})", R"({"a":1,"b":2})", "",
             "must NOT have more than 1 properties"},
        Case{"items", R"({"items":{"type":"string"}})", R"(["a","b"])", R"(["a",2])", "/1", "must be string"},
        Case{"tupleItems", R"({"items":[{"type":"string"}],"additionalItems":false})", R"(["a"])", R"(["a",1])", "",
             "Array contains more items than allowed"},
        Case{"additionalItems", R"({"items":[{}],"additionalItems":{"type":"string"}})", R"([1,"a"])", R"([1,2])", "/1",
             "must be string"},
        Case{"contains", R"({"contains":{"const":1}})", "[0,1]", "[0,2]", "", "Failed to any values"},
        Case{"minItems", R"({"minItems":1})", "[1]", "[]", "", "must NOT have fewer than 1 items"},
        Case{"maxItems", R"({"maxItems":1})", "[1]", "[1,2]", "", "must NOT have more than 1 items"},
        Case{"uniqueItems", R"({"uniqueItems":true})", "[1,2]", "[1,1]", "", "must NOT have duplicate items"},
        Case{"allOf", R"({"allOf":[{"type":"number"},{"minimum":2}]})", "3", "1", "", "must be >= 2"},
        Case{"anyOf", R"({"anyOf":[{"type":"string"},{"type":"number"}]})", "1", "true", "",
             "has a type the schema does not allow"},
        Case{"oneOf", R"({"oneOf":[{"type":"number"},{"type":"integer"}]})", "1.5", "1", "",
             "must match exactly one schema in oneOf"},
        Case{"not", R"({"not":{"type":"null"}})", "1", "null", "", "must NOT be valid"},
        Case{"ifThenElse", R"({"if":{"type":"number"},"then":{"minimum":0},"else":{"type":"string"}})", "1", "-1", "",
             "must be >= 0"},
        Case{"nested", R"({"properties":{"a":{"properties":{"b":{"items":{"type":"integer"}}}}}})",
             R"({"a":{"b":[1]}})", R"({"a":{"b":[1,"x"]}})", "/a/b/1", "must be integer"}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(JsonSchema, ReportsEveryViolationOnceAndCapsTheList) {
  auto s = Must(R"({"properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["c"]})");
  auto e = s->Validate(J(R"({"a":1,"b":2})"));
  ASSERT_EQ(e.size(), 3u);
  auto many = Must(R"({"items":{"type":"string"}})");
  boost::json::array big(100, boost::json::value(1));
  EXPECT_EQ(many->Validate(big).size(), JsonSchema::kMaxErrors);
}

}  // namespace
}  // namespace rt::registry
