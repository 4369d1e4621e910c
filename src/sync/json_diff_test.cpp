#include "sync/json_diff.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/json.h"

namespace rt::sync {
namespace {

std::string Diff(std::string_view before, std::string_view after) {
  return json::Serialize(JsonDiff(boost::json::parse(before).as_object(), boost::json::parse(after).as_object()));
}

TEST(JsonDiffTest, EqualDataGivesAnEmptyDiff) {
  EXPECT_EQ(Diff(R"({"a":1,"b":{"c":[1,2]}})", R"({"a":1,"b":{"c":[1,2]}})"),
            R"({"added":{},"removed":[],"changed":{}})");
}

TEST(JsonDiffTest, TopLevelAddedRemovedChanged) {
  EXPECT_EQ(Diff(R"({"status":"active","old":1,"n":5})", R"({"status":"ended","n":5,"notes":"x"})"),
            R"({"added":{"notes":"x"},"removed":["old"],"changed":{"status":{"from":"active","to":"ended"}}})");
}

TEST(JsonDiffTest, NestedKeysUseDottedPaths) {
  EXPECT_EQ(Diff(R"({"user":{"name":"a","address":{"city":"X","zip":"1"}}})",
                 R"({"user":{"name":"a","address":{"city":"Y","street":"S"}}})"),
            R"({"added":{"user.address.street":"S"},"removed":["user.address.zip"],)"
            R"("changed":{"user.address.city":{"from":"X","to":"Y"}}})");
}

TEST(JsonDiffTest, ObjectTurningIntoScalarIsChangedAndArraysCompareWhole) {
  EXPECT_EQ(Diff(R"({"a":{"b":1},"list":[1,2]})", R"({"a":7,"list":[1,2,3]})"),
            R"({"added":{},"removed":[],"changed":{"a":{"from":{"b":1},"to":7},"list":{"from":[1,2],"to":[1,2,3]}}})");
}

TEST(JsonDiffTest, NewNestedObjectIsAddedWhole) {
  EXPECT_EQ(Diff("{}", R"({"a":{"b":1}})"), R"({"added":{"a":{"b":1}},"removed":[],"changed":{}})");
  EXPECT_EQ(Diff(R"({"a":{"b":1}})", "{}"), R"({"added":{},"removed":["a"],"changed":{}})");
}

TEST(JsonDiffTest, NullIsAValue) {
  EXPECT_EQ(Diff(R"({"a":null})", R"({"a":0})"), R"({"added":{},"removed":[],"changed":{"a":{"from":null,"to":0}}})");
}

}  // namespace
}  // namespace rt::sync
