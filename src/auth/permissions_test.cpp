#include "auth/permissions.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "auth/token_service.h"

namespace rt::auth {
namespace {

TEST(Permissions, RolesNest) {
  EXPECT_TRUE(HasPermission({"admin"}, "service"));
  EXPECT_TRUE(HasPermission({"admin"}, "publish"));
  EXPECT_TRUE(HasPermission({"service"}, "publish"));
  EXPECT_TRUE(HasPermission({"service"}, "client"));
  EXPECT_FALSE(HasPermission({"service"}, "admin"));
  EXPECT_TRUE(HasPermission({"client"}, "subscribe"));
  EXPECT_FALSE(HasPermission({"client"}, "publish"));
  EXPECT_FALSE(HasPermission({"subscribe"}, "client"));
  EXPECT_FALSE(HasPermission({}, "subscribe"));
  EXPECT_TRUE(CoversAll({"service"}, {"client", "publish"}));
  EXPECT_FALSE(CoversAll({"client"}, {"subscribe", "publish"}));
}

TEST(Permissions, TopicGlobs) {
  EXPECT_TRUE(GlobMatch("session.*", "session.status"));
  EXPECT_FALSE(GlobMatch("session.*", "sessions.status"));
  EXPECT_TRUE(GlobMatch("chat:room1", "chat:room1"));
  EXPECT_FALSE(GlobMatch("chat:room1", "chat:room10"));
  EXPECT_TRUE(GlobMatch("chat:room?", "chat:room7"));
  EXPECT_TRUE(GlobMatch("*", "anything.at.all"));
  EXPECT_TRUE(GlobMatch("a*b*c", "axxbyyc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "axxbyy"));
  EXPECT_TRUE(TopicAllowed({}, "x"));
  EXPECT_TRUE(TopicAllowed({"a.*", "b"}, "b"));
  EXPECT_FALSE(TopicAllowed({"a.*", "b"}, "c"));
}

TEST(TokenRequest, ParsesAndValidates) {
  TokenOptions opt;
  auto ok = ParseTokenRequest(boost::json::parse(R"({"applicationId":"app_1","permissions":["subscribe"],
      "subject":"u1","topics":["chat:*"],"expiresIn":"30m","environment":"staging"})").as_object(), opt);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->ttl_s, 1800);
  EXPECT_EQ(ok->environment, "staging");
  for (const char* bad : {R"({"permissions":["subscribe"]})", R"({"applicationId":"a"})",
                          R"({"applicationId":"a","permissions":["root"]})",
                          R"({"applicationId":"a","permissions":"subscribe"})",
                          R"({"applicationId":"a","permissions":[],"expiresIn":"soon"})",
                          R"({"applicationId":"a","permissions":[],"expiresIn":-5})",
                          R"({"applicationId":"a","permissions":[],"environment":"qa"})"}) {
    auto r = ParseTokenRequest(boost::json::parse(bad).as_object(), opt);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation) << bad;
  }
  EXPECT_EQ(*ParseDuration("7d"), 7 * 86400);
  EXPECT_EQ(*ParseDuration("90"), 90);
  EXPECT_FALSE(ParseDuration("1w").ok());
}

TEST(TokenPolicy, WhoMayIssueWhat) {
  Principal anon;
  Principal admin{Principal::Kind::kJwt, "ops", "default", {}, {"admin"}};
  Principal service{Principal::Kind::kJwt, "svc", "app_1", {}, {"service"}};
  Principal client{Principal::Kind::kJwt, "u", "app_1", {}, {"client"}};
  auto req = [](std::vector<std::string> perms, std::string app = "app_1") {
    TokenRequest r;
    r.application_id = std::move(app);
    r.permissions = std::move(perms);
    return r;
  };
  auto code = [](Status s) { return s.ok() ? std::string("ok") : std::string(ErrorCodeName(s.error().code)); };
  TokenRequest r;
  EXPECT_EQ(code(AuthorizeIssue(admin, r = req({"admin"}), false)), "ok");
  EXPECT_EQ(code(AuthorizeIssue(service, r = req({"client", "publish"}), false)), "ok");
  EXPECT_EQ(r.subject, "svc");
  EXPECT_EQ(code(AuthorizeIssue(service, r = req({"admin"}), false)), "ForbiddenError");
  EXPECT_EQ(code(AuthorizeIssue(service, r = req({"client"}, "app_2"), false)), "ForbiddenError");
  EXPECT_EQ(code(AuthorizeIssue(client, r = req({"subscribe"}), true)), "ForbiddenError");
  EXPECT_EQ(code(AuthorizeIssue(anon, r = req({"subscribe", "publish"}), true)), "ok");
  EXPECT_EQ(r.subject, "anonymous");
  EXPECT_EQ(code(AuthorizeIssue(anon, r = req({"service"}), true)), "ForbiddenError");
  EXPECT_EQ(code(AuthorizeIssue(anon, r = req({"subscribe"}), false)), "UnauthorizedError");

  Principal scoped = service;
  scoped.topics = {"chat:*"};
  EXPECT_EQ(code(AuthorizeIssue(scoped, r = req({"subscribe"}), false)), "ok");
  EXPECT_EQ(r.topics, (std::vector<std::string>{"chat:*"}));  // inherits the caller's limits
  r = req({"subscribe"});
  r.topics = {"orders.*"};
  EXPECT_EQ(code(AuthorizeIssue(scoped, r, false)), "ForbiddenError");
}

}  // namespace
}  // namespace rt::auth
