#include "core/dotenv.h"

#include <gtest/gtest.h>

namespace rt {
namespace {

// Found by fuzz/dotenv_fuzz.cpp: the closing quote was the first '"' after the opening one, so an
// escaped quote ended the value early and the rest of the line was silently dropped.
TEST(DotEnv, EscapedQuoteInsideDoubleQuotesDoesNotCloseTheValue) {
  auto env = ParseDotEnv("A=\"say \\\"hi\\\" now\"\nB=\"back\\\\slash\"\nC='it\\'\n");
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ((*env)["A"], "say \"hi\" now");
  EXPECT_EQ((*env)["B"], "back\\slash");
  EXPECT_EQ((*env)["C"], "it\\");  // no escapes inside single quotes
  auto open = ParseDotEnv("A=\"ends with an escaped quote\\\"\n");
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.error().message.find("line 1: unterminated quote"), std::string::npos);
}

TEST(DotEnv, CommentsExportAndCrlf) {
  auto env = ParseDotEnv("# c\r\nexport PORT=3000 # http\r\nURL=http://h/#x\r\nN=\"l1\\nl2\"\r\n");
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ((*env)["PORT"], "3000");
  EXPECT_EQ((*env)["URL"], "http://h/#x");
  EXPECT_EQ((*env)["N"], "l1\nl2");
  EXPECT_FALSE(ParseDotEnv("9X=1").ok());
}

}  // namespace
}  // namespace rt
