#include "events/filter.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace rt::events {
namespace {

Filter F(const char* spec) {
  auto f = Filter::Compile(boost::json::parse(spec));
  EXPECT_TRUE(f.ok()) << spec;
  return f.ok() ? std::move(*f) : Filter();
}

bool M(const char* spec, const char* payload) { return F(spec).Matches(boost::json::parse(payload).as_object()); }

TEST(Filter, EqualityOnEveryScalarType) {
  EXPECT_TRUE(M(R"({"campusId":12})", R"({"campusId":12,"x":1})"));
  EXPECT_FALSE(M(R"({"campusId":12})", R"({"campusId":13})"));
  EXPECT_TRUE(M(R"({"campusId":12})", R"({"campusId":12.0})"));  // numbers compare by value
  EXPECT_TRUE(M(R"({"n":1.5})", R"({"n":1.5})"));
  EXPECT_TRUE(M(R"({"big":18446744073709551615})", R"({"big":18446744073709551615})"));
  EXPECT_TRUE(M(R"({"s":"active"})", R"({"s":"active"})"));
  EXPECT_FALSE(M(R"({"s":"active"})", R"({"s":"Active"})"));
  EXPECT_TRUE(M(R"({"b":true})", R"({"b":true})"));
  EXPECT_FALSE(M(R"({"b":true})", R"({"b":1})"));  // no coercion between types
  EXPECT_TRUE(M(R"({"z":null})", R"({"z":null})"));
  EXPECT_FALSE(M(R"({"z":null})", R"({})"));  // missing is not null
  EXPECT_FALSE(M(R"({"n":12})", R"({"n":"12"})"));
}

TEST(Filter, InAndAndAndPaths) {
  EXPECT_TRUE(M(R"({"status":{"in":["pending","active"]}})", R"({"status":"active"})"));
  EXPECT_FALSE(M(R"({"status":{"in":["pending","active"]}})", R"({"status":"done"})"));
  EXPECT_FALSE(M(R"({"status":{"in":[]}})", R"({"status":"done"})"));
  EXPECT_TRUE(M(R"({"campusId":12,"status":{"in":["pending","active"]}})", R"({"campusId":12,"status":"pending"})"));
  EXPECT_FALSE(M(R"({"campusId":12,"status":{"in":["pending","active"]}})", R"({"campusId":11,"status":"pending"})"));
  EXPECT_TRUE(M(R"({"user.role":"admin"})", R"({"user":{"role":"admin"}})"));
  EXPECT_FALSE(M(R"({"user.role":"admin"})", R"({"user":"admin"})"));
  EXPECT_FALSE(M(R"({"user.role":"admin"})", R"({"user":{"name":"x"}})"));
  EXPECT_TRUE(M(R"({"a.b.c":{"in":[1,2]}})", R"({"a":{"b":{"c":2}}})"));
  EXPECT_TRUE(M(R"({})", R"({"anything":1})"));
  EXPECT_TRUE(Filter().Matches(boost::json::object{}));
}

TEST(Filter, RejectsWhatItCannotEvaluate) {
  for (const char* bad : {R"("x")", R"([1])", R"({"a":[1]})", R"({"a":{"gt":1}})", R"({"a":{"in":1}})",
                          R"({"a":{"in":[{"x":1}]}})", R"({"a":{"in":[1],"x":2}})", R"({"":1})", R"({"a..b":1})",
                          R"({".a":1})"}) {
    auto f = Filter::Compile(boost::json::parse(bad));
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_EQ(f.error().code, ErrorCode::kValidation);
  }
  EXPECT_TRUE(Filter::Compile(boost::json::value(nullptr)).ok());
  boost::json::object many;
  for (int i = 0; i < 33; ++i) many["k" + std::to_string(i)] = i;
  EXPECT_FALSE(Filter::Compile(many).ok());
}

}  // namespace
}  // namespace rt::events
