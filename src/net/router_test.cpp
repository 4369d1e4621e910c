#include "net/router.h"

#include <gtest/gtest.h>

namespace rt::net {
namespace {

Handler Named(std::string name) {
  return [name](HttpRequest&) { return HttpResponse::Json(200, name); };
}

std::string Call(const RouteMatch& m) {
  HttpRequest req;
  return m.route->handler(req).body;
}

TEST(Router, MatchesLiteralAndParams) {
  Router r;
  r.Add("GET", "/api/topics", Access::Public(), Named("list"));
  r.Add("GET", "/api/topics/:name", Access::Public(), Named("get"));
  r.Add("GET", "/api/topics/stats", Access::Public(), Named("stats"));
  r.Add("POST", "/api/topics/:name/schemas/:version", Access::Public(), Named("schema"));

  auto m = r.Find("GET", "/api/topics/session.status");
  ASSERT_EQ(m.kind, RouteMatch::kFound);
  EXPECT_EQ(Call(m), "get");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"name", "session.status"}));

  EXPECT_EQ(Call(r.Find("GET", "/api/topics/stats")), "stats");  // literal beats :name
  EXPECT_EQ(Call(r.Find("GET", "/api/topics/")), "list");         // trailing slash
  auto s = r.Find("POST", "/api/topics/a/schemas/3");
  ASSERT_EQ(s.kind, RouteMatch::kFound);
  EXPECT_EQ(s.params[1].second, "3");
}

TEST(Router, NotFoundAndMethodNotAllowed) {
  Router r;
  r.Add("GET", "/api/topics/:name", Access::Public(), Named("get"));
  r.Add("DELETE", "/api/topics/:name", Access::Public(), Named("del"));
  EXPECT_EQ(r.Find("GET", "/api/nope").kind, RouteMatch::kNotFound);
  EXPECT_EQ(r.Find("GET", "/api/topics/a/b").kind, RouteMatch::kNotFound);
  auto m = r.Find("PUT", "/api/topics/a");
  EXPECT_EQ(m.kind, RouteMatch::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, DELETE");
}

TEST(Router, HeadFallsBackToGetAndWildcardTakesRest) {
  Router r;
  r.Add("GET", "/health", Access::Public(), Named("h"));
  r.Add("GET", "/admin/*", Access::Public(), Named("static"));
  EXPECT_EQ(Call(r.Find("HEAD", "/health")), "h");
  auto m = r.Find("GET", "/admin/assets/app.js");
  ASSERT_EQ(m.kind, RouteMatch::kFound);
  EXPECT_EQ(m.params[0].second, "assets/app.js");
}

TEST(Router, FallbackAnswersOnlyUnknownClaimedPaths) {
  Router r;
  r.Add("GET", "/api/topics", Access::Public(), Named("list"));
  r.Add("POST", "/auth/token", Access::Public(), Named("token"));
  r.AddFallback("GET", Access::Public(), Named("spa"), ExecMode::kInline,
                [](std::string_view p) { return !p.starts_with("/api/") && !p.starts_with("/auth/"); });
  ASSERT_EQ(r.routes().back().pattern, "/*");  // how the route table lists it
  EXPECT_EQ(Call(r.Find("GET", "/api/topics")), "list");  // a route beats the fallback
  auto deep = r.Find("HEAD", "/invite/abc");
  ASSERT_EQ(deep.kind, RouteMatch::kFound);
  EXPECT_EQ(Call(deep), "spa");
  EXPECT_EQ(deep.params[0].second, "/invite/abc");
  EXPECT_EQ(Call(r.Find("GET", "/")), "spa");
  EXPECT_EQ(r.Find("GET", "/api/nope").kind, RouteMatch::kNotFound);   // not claimed
  EXPECT_EQ(r.Find("POST", "/api/nope").kind, RouteMatch::kNotFound);
  EXPECT_EQ(r.Find("GET", "/auth/token").allow, "POST");  // a known path keeps its 405
  auto post = r.Find("POST", "/topics");
  EXPECT_EQ(post.kind, RouteMatch::kMethodNotAllowed);
  EXPECT_EQ(post.allow, "GET");
}

TEST(Router, SplitPathIgnoresEmptySegments) {
  EXPECT_EQ(SplitPath("//a///b/"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_TRUE(SplitPath("/").empty());
}

// Routes are looked up by their first two literal segments; routes with a parameter or a
// wildcard there are candidates for every path, and ties still go to the first registered.
TEST(Router, PrefixIndexKeepsEveryCandidateAndRegistrationOrder) {
  Router r;
  r.Add("GET", "/:a/:b", Access::Public(), Named("params"));
  r.Add("GET", "/api/topics", Access::Public(), Named("topics"));
  r.Add("GET", "/api/*", Access::Public(), Named("api-wild"));
  r.Add("PATCH", "/api/:x", Access::Public(), Named("patch"));
  r.Add("GET", "/one", Access::Public(), Named("one"));
  r.Add("GET", "/a/b/*", Access::Public(), Named("ab-wild"));
  r.Add("GET", "/:a/:b/c", Access::Public(), Named("first-c"));
  r.Add("GET", "/x/:b/c", Access::Public(), Named("x-c"));

  EXPECT_EQ(Call(r.Find("GET", "/api/topics")), "topics");  // literal beats /:a/:b and /api/*
  EXPECT_EQ(Call(r.Find("GET", "/api/other")), "api-wild");  // a literal segment beats parameters
  EXPECT_EQ(Call(r.Find("GET", "/api/x/y")), "api-wild");
  EXPECT_EQ(Call(r.Find("GET", "/one")), "one");
  EXPECT_EQ(Call(r.Find("GET", "/a/b")), "ab-wild");  // a wildcard in the bucket, with no rest
  EXPECT_EQ(Call(r.Find("GET", "/a/b/c/d")), "ab-wild");
  EXPECT_EQ(Call(r.Find("GET", "/x/y/c")), "x-c");  // a literal beats a parameter
  EXPECT_EQ(Call(r.Find("GET", "/q/y/c")), "first-c");
  auto m = r.Find("DELETE", "/api/topics");
  ASSERT_EQ(m.kind, RouteMatch::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, PATCH");  // from the bucket and from the other routes
}

}  // namespace
}  // namespace rt::net
