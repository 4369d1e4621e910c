#include "core/json.h"

#include <cstdlib>

#include <gtest/gtest.h>

namespace rt::json {
namespace {

// Found by fuzz/filter_fuzz.cpp: Boost.JSON 1.81 parses 1e400 as inf and 0e400 as NaN, which
// never match a filter and print as null; Parse refuses the first and reads the second as 0.
TEST(Json, NumbersBeyondDoubleRangeAreRefused) {
  for (const char* text : {"1e400", "-1e400", "[1,2,1e999]", R"({"a":{"b":-1.5e309}})"}) {
    auto v = Parse(text);
    ASSERT_FALSE(v.ok()) << text;
    EXPECT_EQ(v.error().code, ErrorCode::kValidation);
  }
  auto zero = Parse(R"({"z":0e400,"n":[-0.0e999],"tiny":1e-400})");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(Serialize(*zero), R"({"z":0,"n":[0],"tiny":0})");
}

// Found by fuzz/native_protocol_fuzz.cpp: Boost.JSON 1.81 reads some decimals several ulps off,
// so a number changed each time a value was printed and read again (events between instances,
// documents in the database). Parse reads them correctly rounded.
// Runs of plain characters are copied whole; every character JSON requires escaping is escaped
// wherever it sits (first, last, adjacent), and UTF-8 passes through.
TEST(Json, AppendQuotedEscapesWhatJsonRequires) {
  std::string out = "x";
  AppendQuoted(out, "\"a\\b\nc\x01\x1f\td\r\b\f\"");
  EXPECT_EQ(out, R"(x"\"a\\b\nc\u0001\u001f\td\r\b\f\"")");
  out.clear();
  AppendQuoted(out, "plain caf\xc3\xa9");
  EXPECT_EQ(out, "\"plain caf\xc3\xa9\"");
  out.clear();
  AppendQuoted(out, "");
  EXPECT_EQ(out, "\"\"");
  auto back = Parse("[" + [] { std::string q; AppendQuoted(q, std::string("\0\x7f\"z", 4)); return q; }() + "]");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->as_array()[0].as_string(), std::string_view("\0\x7f\"z", 4));
}

TEST(Json, DoublesSurviveSerializeAndParse) {
  for (const char* text : {"-92232233720368547372036854232233720368547372036854775808", "18446.45073709551615",
                           "-9.223223372036855e+55", "2.5e-320", "1.7976931348623157e308", "0.1", "5e-324"}) {
    auto v = Parse(text);
    ASSERT_TRUE(v.ok()) << text;
    ASSERT_TRUE(v->is_double()) << text;
    double expected = std::strtod(text, nullptr);
    EXPECT_EQ(v->get_double(), expected) << text;
    auto again = Parse(Serialize(*v));
    ASSERT_TRUE(again.ok()) << text;
    EXPECT_EQ(again->get_double(), expected) << text;
  }
}

// Found by fuzz/filter_fuzz.cpp: -0.0 printed as "-0", which reads back as the integer 0, so a
// filter's signature changed after its spec crossed the wire. JavaScript prints 0.
TEST(Json, SerializePrintsIntegersAsIntegersAndDoublesShortest) {
  auto v = Parse(R"([1.5,100.0,1e21,-0,-0.0,-0e2,18446744073709551615,-9223372036854775808,0.1])");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Serialize(*v), "[1.5,100,1e+21,0,0,0,18446744073709551615,-9223372036854775808,0.1]");
}

TEST(Json, Utf8PrefixNeverCutsASequence) {
  EXPECT_EQ(Utf8Prefix("abc", 5), "abc");
  EXPECT_EQ(Utf8Prefix("ab\xc3\xa9", 3), "ab");
  EXPECT_EQ(Utf8Prefix("ab\xc3\xa9", 4), "ab\xc3\xa9");
  EXPECT_EQ(Utf8Prefix("\xf0\x9f\x98\x80x", 3), "");
  EXPECT_EQ(Utf8Prefix("\xf0\x9f\x98\x80x", 4), "\xf0\x9f\x98\x80");
}

}  // namespace
}  // namespace rt::json
