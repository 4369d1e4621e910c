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

constexpr int64_t kNow = 1710000000;

TEST(Permissions, PatternCoversOnlyNarrowerPatterns) {
  EXPECT_TRUE(PatternCovers("session.*", "session.*"));
  EXPECT_TRUE(PatternCovers("session.*", "session.status"));
  EXPECT_TRUE(PatternCovers("session.*", "session.a*"));
  EXPECT_TRUE(PatternCovers("*", "anything*"));
  EXPECT_TRUE(PatternCovers("chat:room?", "chat:room1"));
  EXPECT_TRUE(PatternCovers("chat:room*", "chat:room?"));
  EXPECT_FALSE(PatternCovers("chat:room?", "chat:room*"));  // '?' is one character, '*' any run
  EXPECT_FALSE(PatternCovers("session.*", "*"));
  EXPECT_FALSE(PatternCovers("session.*", "sess*"));
  EXPECT_FALSE(PatternCovers("a*b", "a*"));
  EXPECT_FALSE(PatternCovers("chat:room1", "chat:room?"));
  EXPECT_TRUE(PatternsCover({}, {"x"}));
  EXPECT_TRUE(PatternsCover({"a.*", "b"}, {"b", "a.x"}));
  EXPECT_FALSE(PatternsCover({"a.*"}, {}));  // an unrestricted token is wider than a.*
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
  EXPECT_EQ(code(AuthorizeIssue(admin, r = req({"admin"}), false, kNow)), "ok");
  EXPECT_EQ(code(AuthorizeIssue(service, r = req({"client", "publish"}), false, kNow)), "ok");
  EXPECT_EQ(r.subject, "svc");
  EXPECT_EQ(code(AuthorizeIssue(service, r = req({"admin"}), false, kNow)), "ForbiddenError");
  EXPECT_EQ(code(AuthorizeIssue(service, r = req({"client"}, "app_2"), false, kNow)), "ForbiddenError");
  EXPECT_EQ(code(AuthorizeIssue(client, r = req({"subscribe"}), true, kNow)), "ForbiddenError");
  EXPECT_EQ(code(AuthorizeIssue(anon, r = req({"subscribe", "publish"}), true, kNow)), "ok");
  EXPECT_EQ(r.subject, "anonymous");
  EXPECT_EQ(code(AuthorizeIssue(anon, r = req({"service"}), true, kNow)), "ForbiddenError");
  EXPECT_EQ(code(AuthorizeIssue(anon, r = req({"subscribe"}), false, kNow)), "UnauthorizedError");

  Principal scoped = service;
  scoped.topics = {"chat:*"};
  EXPECT_EQ(code(AuthorizeIssue(scoped, r = req({"subscribe"}), false, kNow)), "ok");
  EXPECT_EQ(r.topics, (std::vector<std::string>{"chat:*"}));  // inherits the caller's limits
  r = req({"subscribe"});
  r.topics = {"orders.*"};
  EXPECT_EQ(code(AuthorizeIssue(scoped, r, false, kNow)), "ForbiddenError");
  r = req({"subscribe"});
  r.topics = {"chat:*", "*"};
  EXPECT_EQ(code(AuthorizeIssue(scoped, r, false, kNow)), "ForbiddenError");  // '*' is wider than chat:*
  r = req({"subscribe"});
  r.topics = {"chat:room?"};
  EXPECT_EQ(code(AuthorizeIssue(scoped, r, false, kNow)), "ok");
}

TEST(TokenPolicy, ServiceTokensCannotEscalate) {
  Principal service{Principal::Kind::kJwt, "svc", "app_1", std::string("staging"), {"service"}};
  service.expires_at_s = kNow + 600;
  auto code = [](Status s) { return s.ok() ? std::string("ok") : std::string(ErrorCodeName(s.error().code)); };
  TokenRequest r;
  r.application_id = "app_1";
  r.permissions = {"service"};
  EXPECT_EQ(code(AuthorizeIssue(service, r, false, kNow)), "ForbiddenError");  // not its own role
  r.permissions = {"subscribe"};
  r.environment = "production";
  EXPECT_EQ(code(AuthorizeIssue(service, r, false, kNow)), "ForbiddenError");  // another environment
  r.environment.reset();
  r.ttl_s = 3600;  // the default lifetime is cut to the caller's remaining 600 s
  EXPECT_EQ(code(AuthorizeIssue(service, r, false, kNow)), "ok");
  EXPECT_EQ(r.environment, "staging");  // inherits the caller's environment
  EXPECT_EQ(r.ttl_s, 600);
  r.ttl_s = 3600;
  r.ttl_explicit = true;  // asked for explicitly: refused
  EXPECT_EQ(code(AuthorizeIssue(service, r, false, kNow)), "ForbiddenError");
  r.ttl_s = 300;
  EXPECT_EQ(code(AuthorizeIssue(service, r, false, kNow)), "ok");
  EXPECT_EQ(r.ttl_s, 300);

  Principal anon;
  TokenRequest a;
  a.application_id = "default";
  a.permissions = {"subscribe"};
  a.ttl_s = 86400;
  EXPECT_EQ(code(AuthorizeIssue(anon, a, true, kNow)), "ok");
  a.ttl_s = 86401;
  EXPECT_EQ(code(AuthorizeIssue(anon, a, true, kNow)), "ForbiddenError");
}

}  // namespace
}  // namespace rt::auth
