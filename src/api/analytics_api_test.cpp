#include "api/analytics_api.h"

#include <gtest/gtest.h>

namespace rt::api {
namespace {

TEST(AnalyticsTimeParam, IsoAndMilliseconds) {
  EXPECT_EQ(ParseTimeMs("1705312800000"), 1705312800000);
  EXPECT_EQ(ParseTimeMs("0"), 0);
  EXPECT_EQ(ParseTimeMs("2024-01-15T10:00:00Z"), 1705312800000);
  EXPECT_EQ(ParseTimeMs("2024-01-15T10:00:00.000Z"), 1705312800000);
  EXPECT_EQ(ParseTimeMs("2024-01-15T10:00:00.5Z"), 1705312800500);
  EXPECT_EQ(ParseTimeMs("2024-01-15T10:00:00.123456Z"), 1705312800123);
  EXPECT_EQ(ParseTimeMs("2024-01-15T10:00Z"), 1705312800000);
  EXPECT_EQ(ParseTimeMs("2024-01-15T10:00:00"), 1705312800000);  // no zone: UTC
  EXPECT_EQ(ParseTimeMs("2024-01-15"), 1705276800000);
  EXPECT_EQ(ParseTimeMs("2024-01-15T12:00:00+02:00"), 1705312800000);
  EXPECT_EQ(ParseTimeMs("2024-01-15T12:00:00 02:00"), 1705312800000);  // '+' decoded as a space
  EXPECT_EQ(ParseTimeMs("2024-01-15T05:30:00-0430"), 1705312800000);
  EXPECT_EQ(ParseTimeMs("2024-02-29T00:00:00Z"), 1709164800000);  // a leap day
  EXPECT_EQ(ParseTimeMs("1970-01-01T00:00:00Z"), 0);
}

TEST(AnalyticsTimeParam, RejectsMalformedAndOutOfRange) {
  for (const char* bad : {"", "yesterday", "-5", "1.5", "2024-13-01", "2024-02-30", "2023-02-29", "2024-1-15",
                          "2024-01-15T25:00:00Z", "2024-01-15T10:60:00Z", "2024-01-15T10:00:61Z", "2024-01-15T10",
                          "2024-01-15T10:00:00.Z", "2024-01-15T10:00:00X", "2024-01-15T10:00:00+2", "2024-01-15 10:00",
                          "1969-12-31T23:59:59Z", "99999999999999999999", "2024-01-15T10:00:00Zjunk"}) {
    EXPECT_FALSE(ParseTimeMs(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace rt::api
