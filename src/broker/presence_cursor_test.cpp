// The member order key and the opaque members cursor (broker/presence.h).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "broker/presence.h"
#include "core/encoding.h"

namespace rt::broker {
namespace {

TEST(MemberOrderKey, SortsByJoinTimeThenSocketId) {
  EXPECT_LT(MemberOrderKey(999, "z"), MemberOrderKey(1000, "a")) << "numeric, not textual, join times";
  EXPECT_LT(MemberOrderKey(5, "a"), MemberOrderKey(5, "ab"));
  EXPECT_LT(MemberOrderKey(5, "ab"), MemberOrderKey(5, "b"));
  EXPECT_LT(MemberOrderKey(1893456000000, "x"), MemberOrderKey(INT64_MAX, "x"));
  EXPECT_EQ(MemberOrderKey(42, "s1"), "00000000000000000042\ts1");
}

TEST(MemberCursor, RoundTripsToTheOrderKey) {
  PresenceMember m{"sock_\xc3\xa9 1", "alice", 1710000000000};
  std::string cursor = EncodeMemberCursor(m);
  EXPECT_EQ(cursor.find_first_not_of("0123456789abcdef"), std::string::npos) << "URL-safe: " << cursor;
  auto key = DecodeMemberCursor(cursor);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(*key, MemberOrderKey(m.joined_at, m.socket_id));
}

TEST(MemberCursor, RefusesWhatItDidNotMake) {
  for (const std::string& bad : std::vector<std::string>{"", "xyz", "abc", "6869", std::string(2048, 'a'),
                          LowerHex("0000000000000000004x\ts1"), LowerHex("00000000000000000042s1"),
                          LowerHex("00000000000000000042\t")})
    EXPECT_FALSE(DecodeMemberCursor(bad).has_value()) << bad;
}

}  // namespace
}  // namespace rt::broker
