#include "sync/mutation.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/json.h"

namespace rt::sync {
namespace {

const char* kDoc = R"({"status":"active","n":5,"tags":["a","b"],"meta":{"x":1},"s":"str"})";

// Applies the mutations (JSON text) to kDoc: the result's JSON, or "error: <message>".
std::string Apply(std::string_view mutations, std::string_view doc = kDoc) {
  boost::json::object data = boost::json::parse(doc).as_object();
  const std::string before = json::Serialize(data);
  auto parsed = ParseMutations(boost::json::parse(mutations));
  if (!parsed.ok()) return "error: " + parsed.error().message;
  auto out = ApplyMutations(data, *parsed);
  EXPECT_EQ(json::Serialize(data), before) << "the input must never change";
  if (!out.ok()) {
    EXPECT_EQ(out.error().code, ErrorCode::kValidation);
    return "error: " + out.error().message;
  }
  return json::Serialize(*out);
}

bool IsError(const std::string& s) { return s.rfind("error: ", 0) == 0; }

TEST(MutationTest, SetReplacesAddsAndCreatesParents) {
  EXPECT_EQ(Apply(R"([{"op":"set","path":"/status","value":"ended"}])"),
            R"({"status":"ended","n":5,"tags":["a","b"],"meta":{"x":1},"s":"str"})");
  EXPECT_EQ(Apply(R"([{"op":"set","path":"/a/b/c","value":null}])", "{}"), R"({"a":{"b":{"c":null}}})");
  EXPECT_EQ(Apply(R"([{"op":"set","path":"/tags/1","value":"z"},{"op":"set","path":"/tags/2","value":"c"},)"
                  R"({"op":"set","path":"/tags/-","value":"d"}])",
                  R"({"tags":["a","b"]})"),
            R"({"tags":["a","z","c","d"]})");
  EXPECT_EQ(Apply(R"([{"op":"set","path":"","value":{"new":true}}])"), R"({"new":true})");
}

TEST(MutationTest, PointerEscapes) {
  EXPECT_EQ(Apply(R"([{"op":"set","path":"/a~1b/c~0d","value":1}])", "{}"), R"({"a/b":{"c~d":1}})");
  EXPECT_EQ(Apply(R"([{"op":"set","path":"/","value":1}])", "{}"), R"({"":1})");
}

TEST(MutationTest, Remove) {
  EXPECT_EQ(Apply(R"([{"op":"remove","path":"/n"}])"), R"({"status":"active","tags":["a","b"],"meta":{"x":1},"s":"str"})");
  EXPECT_EQ(Apply(R"([{"op":"remove","path":"/tags/0"},{"op":"remove","path":"/meta/x"}])", R"({"tags":[1,2],"meta":{"x":1}})"),
            R"({"tags":[2],"meta":{}})");
}

TEST(MutationTest, Increment) {
  EXPECT_EQ(Apply(R"([{"op":"increment","path":"/n","value":-1}])", R"({"n":5})"), R"({"n":4})");
  EXPECT_EQ(Apply(R"([{"op":"increment","path":"/n","value":0.5}])", R"({"n":1})"), R"({"n":1.5})");
  EXPECT_EQ(Apply(R"([{"op":"increment","path":"/c/d","value":2}])", "{}"), R"({"c":{"d":2}})");
  // Past int64: the sum becomes a double rather than wrapping around.
  std::string big = Apply(R"([{"op":"increment","path":"/n","value":1}])", R"({"n":9223372036854775807})");
  ASSERT_FALSE(IsError(big)) << big;
  EXPECT_GT(boost::json::parse(big).at("n").to_number<double>(), 9.2e18);
}

TEST(MutationTest, Append) {
  EXPECT_EQ(Apply(R"([{"op":"append","path":"/tags","value":"c"}])", R"({"tags":["a"]})"), R"({"tags":["a","c"]})");
  EXPECT_EQ(Apply(R"([{"op":"append","path":"/tags","value":[1]}])", "{}"), R"({"tags":[[1]]})");
}

TEST(MutationTest, Merge) {
  EXPECT_EQ(Apply(R"([{"op":"merge","path":"/meta","value":{"x":null,"y":2}}])", R"({"meta":{"x":1,"z":3}})"),
            R"({"meta":{"z":3,"y":2}})");
  EXPECT_EQ(Apply(R"([{"op":"merge","path":"","value":{"n":null}}])", R"({"n":1,"k":2})"), R"({"k":2})");
  EXPECT_EQ(Apply(R"([{"op":"merge","path":"/fresh","value":{"a":1,"b":null}}])", "{}"), R"({"fresh":{"a":1}})");
}

TEST(MutationTest, ObjectFormSetsEachTopLevelKey) {
  EXPECT_EQ(Apply(R"({"status":"ended","participantCount":0,"meta":null})",
                  R"({"status":"active","participantCount":3,"meta":{"x":1}})"),
            R"({"status":"ended","participantCount":0,"meta":null})");
}

TEST(MutationTest, LaterMutationsSeeEarlierOnes) {
  EXPECT_EQ(Apply(R"([{"op":"set","path":"/n","value":1},{"op":"increment","path":"/n","value":1}])", "{}"),
            R"({"n":2})");
}

TEST(MutationTest, TypeErrorsAreRejectedAndNothingChanges) {
  for (const char* m : {
           R"([{"op":"increment","path":"/status","value":1}])",    // not a number
           R"([{"op":"append","path":"/meta","value":1}])",          // not an array
           R"([{"op":"merge","path":"/tags","value":{"a":1}}])",     // not an object
           R"([{"op":"set","path":"/s/x","value":1}])",              // descend into a string
           R"([{"op":"set","path":"/n/x","value":1}])",              // descend into a number
           R"([{"op":"set","path":"","value":[1]}])",                // the document must stay an object
           R"([{"op":"remove","path":""}])",                         // cannot remove the document
           R"([{"op":"increment","path":"","value":1}])",
           R"([{"op":"set","path":"/n","value":1},{"op":"increment","path":"/s","value":1}])",  // all or nothing
       }) {
    std::string r = Apply(m);
    EXPECT_TRUE(IsError(r)) << m << " -> " << r;
  }
  std::string r = Apply(R"([{"op":"set","path":"/n","value":1},{"op":"increment","path":"/s","value":1}])");
  EXPECT_EQ(r, "error: mutations[1] (increment '/s'): the target is a string, not a number");
}

TEST(MutationTest, BadPathsAreRejected) {
  for (const char* m : {
           R"([{"op":"remove","path":"/missing"}])",                // remove needs an existing target
           R"([{"op":"remove","path":"/missing/deeper"}])",
           R"([{"op":"set","path":"/tags/5","value":1}])",          // beyond the end
           R"([{"op":"set","path":"/tags/01","value":1}])",         // leading zero
           R"([{"op":"set","path":"/tags/x","value":1}])",          // not an index
           R"([{"op":"remove","path":"/tags/2"}])",
           R"([{"op":"increment","path":"/tags/-","value":1}])",    // "-" only for set
           R"([{"op":"set","path":"status","value":1}])",           // no leading slash
           R"([{"op":"set","path":"/a~2b","value":1}])",            // bad escape
           R"([{"op":"set","path":"/a~","value":1}])",
       }) {
    std::string r = Apply(m);
    EXPECT_TRUE(IsError(r)) << m << " -> " << r;
  }
}

TEST(MutationTest, MalformedMutationsAreRejected) {
  for (const char* m : {
           "[]", "{}", "7", R"("set")", "[1]",
           R"([{"path":"/a","value":1}])",                           // no op
           R"([{"op":"delete","path":"/a"}])",                       // unknown op
           R"([{"op":"set","value":1}])",                            // no path
           R"([{"op":"set","path":5,"value":1}])",
           R"([{"op":"set","path":"/a"}])",                          // no value
           R"([{"op":"increment","path":"/n","value":"1"}])",        // value not a number
           R"([{"op":"merge","path":"/m","value":[1]}])",            // value not an object
       }) {
    std::string r = Apply(m);
    EXPECT_TRUE(IsError(r)) << m << " -> " << r;
  }
  std::string many = "[";
  for (size_t i = 0; i <= kMaxMutations; ++i) many += std::string(i ? "," : "") + R"({"op":"remove","path":"/n"})";
  EXPECT_TRUE(IsError(Apply(many + "]")));
}

TEST(MutationTest, PointerParsing) {
  EXPECT_TRUE(ParsePointer("")->empty());
  EXPECT_EQ(*ParsePointer("/a/b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*ParsePointer("/a//b"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(*ParsePointer("/~01"), std::vector<std::string>{"~1"});
  std::string deep;
  for (size_t i = 0; i <= kMaxPointerSegments; ++i) deep += "/a";
  EXPECT_FALSE(ParsePointer(deep).ok());
}

// Found by fuzz/mutation_fuzz.cpp: error messages quoted the op name (50 bytes) and the pointer
// (100 bytes) cut inside a UTF-8 sequence, which made the JSON error body invalid UTF-8.
TEST(Mutation, ErrorMessagesQuoteInputWithoutCuttingCharacters) {
  std::string op = Apply(R"([{"op":")" + std::string(49, 'o') + "\xc3\xa9" + R"(","path":"/a","value":1}])");
  EXPECT_EQ(op, "error: mutations[0].op '" + std::string(49, 'o') + "' is not one of set, remove, increment, append, merge");
  auto bad = ParsePointer(std::string(99, 'p') + "\xc3\xa9");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "'" + std::string(99, 'p') + "' must be empty or start with '/'");
  auto escape = ParsePointer("/" + std::string(98, 'p') + "\xc3\xa9~2");
  ASSERT_FALSE(escape.ok());
  EXPECT_EQ(escape.error().message, "bad escape '~' in '/" + std::string(98, 'p') + "' (use ~0 or ~1)");
}

}  // namespace
}  // namespace rt::sync
