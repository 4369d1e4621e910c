#include "sync/json_merge.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/json.h"

namespace rt::sync {
namespace {

boost::json::object Obj(std::string_view text) { return boost::json::parse(text).as_object(); }

std::string Merged(std::string_view target, std::string_view patch) {
  boost::json::object t = Obj(target);
  DeepMerge(t, Obj(patch));
  return json::Serialize(t);
}

TEST(DeepMergeTest, AddsAndReplacesTopLevelKeys) {
  EXPECT_EQ(Merged(R"({"status":"active","n":0})", R"({"notes":"done","n":5})"),
            R"({"status":"active","n":5,"notes":"done"})");
}

TEST(DeepMergeTest, MergesNestedObjectsRecursively) {
  EXPECT_EQ(Merged(R"({"a":{"b":1,"c":{"d":1,"e":2}},"z":1})", R"({"a":{"c":{"e":3,"f":4}}})"),
            R"({"a":{"b":1,"c":{"d":1,"e":3,"f":4}},"z":1})");
}

TEST(DeepMergeTest, NullRemovesAKeyAtAnyDepthAndKeepsTheOrderOfTheRest) {
  EXPECT_EQ(Merged(R"({"a":1,"b":2,"c":3})", R"({"a":null})"), R"({"b":2,"c":3})");
  EXPECT_EQ(Merged(R"({"a":1,"b":2,"c":3})", R"({"b":null})"), R"({"a":1,"c":3})");
  EXPECT_EQ(Merged(R"({"a":{"b":1,"c":2}})", R"({"a":{"b":null}})"), R"({"a":{"c":2}})");
  EXPECT_EQ(Merged(R"({"a":1})", R"({"missing":null})"), R"({"a":1})");
}

TEST(DeepMergeTest, ArraysAndScalarsReplaceWholeValues) {
  EXPECT_EQ(Merged(R"({"list":[1,2,3]})", R"({"list":[4]})"), R"({"list":[4]})");
  EXPECT_EQ(Merged(R"({"a":{"b":1}})", R"({"a":"flat"})"), R"({"a":"flat"})");
  EXPECT_EQ(Merged(R"({"a":"flat"})", R"({"a":{"b":1}})"), R"({"a":{"b":1}})");
}

TEST(DeepMergeTest, APatchObjectOnAMissingKeyDropsItsNulls) {
  EXPECT_EQ(Merged("{}", R"({"a":{"b":null,"c":1}})"), R"({"a":{"c":1}})");
}

TEST(DeepMergeTest, EmptyPatchChangesNothing) { EXPECT_EQ(Merged(R"({"a":1})", "{}"), R"({"a":1})"); }

TEST(DepthTest, CountsNesting) {
  EXPECT_EQ(Depth(boost::json::parse("1")), 0u);
  EXPECT_EQ(Depth(boost::json::parse("{}")), 1u);
  EXPECT_EQ(Depth(boost::json::parse("[]")), 1u);
  EXPECT_EQ(Depth(boost::json::parse(R"({"a":{"b":[1,{"c":2}]}})")), 4u);
}

TEST(CheckLimitsTest, DepthIsValidationErrorAndSizeIsPayloadTooLarge) {
  DocumentLimits limits{64, 3};
  EXPECT_TRUE(CheckLimits(Obj(R"({"a":{"b":{}}})"), limits, "data").ok());
  EXPECT_TRUE(CheckLimits(Obj(R"({"a":{"b":{"c":1}}})"), limits, "data").ok());
  Status deep = CheckLimits(Obj(R"({"a":{"b":{"c":[]}}})"), limits, "data");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().code, ErrorCode::kValidation);
  EXPECT_NE(deep.error().message.find("nests 4 levels deep; the limit is 3"), std::string::npos) << deep.error().message;
  Status big = CheckLimits(Obj(R"({"text":")" + std::string(100, 'x') + R"("})"), limits, "data");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kPayloadTooLarge);
}

}  // namespace
}  // namespace rt::sync
