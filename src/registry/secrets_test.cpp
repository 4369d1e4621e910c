#include "registry/secrets.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace rt::registry {
namespace {

TEST(Secrets, MasksTheUrlPasswordOnly) {
  EXPECT_EQ(MaskUrlPassword("postgresql://app:s3cret@db.example:5432/shop"), "postgresql://app:****@db.example:5432/shop");
  EXPECT_EQ(MaskUrlPassword("postgresql://app:p@ss@host/db"), "postgresql://app:****@host/db");
  EXPECT_EQ(MaskUrlPassword("redis://:pw@localhost:6379"), "redis://:****@localhost:6379");
  EXPECT_EQ(MaskUrlPassword("postgresql://app@host/db"), "postgresql://app@host/db");
  EXPECT_EQ(MaskUrlPassword("postgresql://host/db?user=a"), "postgresql://host/db?user=a");
  EXPECT_EQ(MaskUrlPassword("https://example.com/a@b"), "https://example.com/a@b");
  EXPECT_EQ(MaskUrlPassword("not a url"), "not a url");
}

TEST(Secrets, RedactsNestedUrlsAndSecretMembers) {
  auto v = boost::json::parse(R"({"cdc":{"production":"postgresql://app:pw@h/db","staging":null},
    "strictTopics":true,"webhook":{"signingSecret":"whsec_x","url":"https://u:p@hook.example/x"},
    "list":["redis://:pw@r:1"],"apiKey":12345,"name":"shop"})");
  RedactSecrets(v);
  EXPECT_EQ(boost::json::serialize(v),
            R"({"cdc":{"production":"postgresql://app:****@h/db","staging":null},"strictTopics":true,)"
            R"("webhook":{"signingSecret":"****","url":"https://u:****@hook.example/x"},)"
            R"("list":["redis://:****@r:1"],"apiKey":"****","name":"shop"})");
}

}  // namespace
}  // namespace rt::registry
