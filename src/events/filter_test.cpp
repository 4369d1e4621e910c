#include "events/filter.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

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

std::string J(const boost::json::value& v) { return boost::json::serialize(v); }

TEST(FilterExplain, EveryKeyInTheFiltersOrderWithExpectedAndActual) {
  // Keys deliberately out of alphabetical order: the report keeps the filter's order.
  Filter f = F(R"({"status":{"in":["active","pending"]},"campusId":12,"user.role":"admin"})");
  auto payload = boost::json::parse(R"({"campusId":12.0,"status":"active","user":{"role":"admin"}})").as_object();
  auto x = f.Explain(payload);
  EXPECT_TRUE(x.matched);
  EXPECT_EQ(x.matched, f.Matches(payload));
  ASSERT_EQ(x.terms.size(), 3u);
  EXPECT_EQ(x.terms[0].key, "status");
  EXPECT_TRUE(x.terms[0].matched);
  EXPECT_EQ(J(x.terms[0].expected), R"(["active","pending"])");  // `in`: the array
  EXPECT_EQ(J(*x.terms[0].actual), R"("active")");
  EXPECT_EQ(x.terms[1].key, "campusId");
  EXPECT_TRUE(x.terms[1].matched);  // 12 == 12.0
  EXPECT_EQ(J(x.terms[1].expected), "12");
  EXPECT_EQ(J(*x.terms[1].actual), "1.2E1");
  EXPECT_EQ(x.terms[2].key, "user.role");  // a dotted path, reported as written
  EXPECT_TRUE(x.terms[2].matched);
  EXPECT_EQ(J(*x.terms[2].actual), R"("admin")");
}

TEST(FilterExplain, MismatchTypeMismatchAndMissing) {
  Filter f = F(R"({"campusId":12,"n":12,"gone":1,"user.role":"admin","s":{"in":["a"]}})");
  auto payload = boost::json::parse(R"({"campusId":99,"n":"12","user":"admin","s":"b"})").as_object();
  auto x = f.Explain(payload);
  EXPECT_FALSE(x.matched);
  EXPECT_EQ(x.matched, f.Matches(payload));
  ASSERT_EQ(x.terms.size(), 5u);
  EXPECT_FALSE(x.terms[0].matched);
  EXPECT_EQ(J(*x.terms[0].actual), "99");
  EXPECT_FALSE(x.terms[1].matched);  // "12" is not 12
  EXPECT_EQ(J(*x.terms[1].actual), R"("12")");
  EXPECT_FALSE(x.terms[2].matched);
  EXPECT_FALSE(x.terms[2].actual.has_value());  // missing
  EXPECT_EQ(x.terms[3].key, "user.role");
  EXPECT_FALSE(x.terms[3].matched);
  EXPECT_FALSE(x.terms[3].actual.has_value());  // "user" is not an object: the path is missing
  EXPECT_FALSE(x.terms[4].matched);
  EXPECT_EQ(J(x.terms[4].expected), R"(["a"])");
}

TEST(FilterExplain, OneFailingKeyFailsTheWholeAndAnEmptyFilterExplainsNothing) {
  Filter f = F(R"({"a":1,"b":2})");
  auto x = f.Explain(boost::json::parse(R"({"a":1,"b":3})").as_object());
  EXPECT_FALSE(x.matched);
  EXPECT_TRUE(x.terms[0].matched);
  EXPECT_FALSE(x.terms[1].matched);
  for (const char* empty : {"null", "{}"}) {
    Filter e = F(empty);
    EXPECT_TRUE(e.empty());
    EXPECT_EQ(e.source(), nullptr);
    auto ex = e.Explain(boost::json::object{{"x", 1}});
    EXPECT_TRUE(ex.matched);
    EXPECT_TRUE(ex.terms.empty());
  }
}

TEST(Filter, SourceKeepsTheOriginalJsonAndKeyOrderDoesNotChangeTheSignature) {
  Filter a = F(R"({"b":2,"a":{"in":[1]}})");
  Filter b = F(R"({"a":{"in":[1]},"b":2})");
  EXPECT_EQ(a.signature(), b.signature());
  ASSERT_NE(a.source(), nullptr);
  EXPECT_EQ(J(*a.source()), R"({"b":2,"a":{"in":[1]}})");
  Filter copy = a;
  EXPECT_EQ(copy.source(), a.source());  // shared, not copied
}

}  // namespace
}  // namespace rt::events
