#include "api/admin_ui_routes.h"

#include <gtest/gtest.h>

namespace rt::api {
namespace {

TEST(AdminUiRoutes, ApiPathsAreNeverClaimed) {
  for (const char* p : {"/api", "/api/", "/api/nope", "/auth/token", "/ws", "/ws/x", "/socket.io/", "/health",
                        "/ready", "/metrics", "/api/metrics/prometheus"})
    EXPECT_TRUE(IsApiPath(p)) << p;
  for (const char* p : {"/", "/index.html", "/topics", "/invite/abc", "/assets/app.js", "/apis", "/api-docs",
                        "/wsx", "/healthz", "/authors", "/topics/api"})
    EXPECT_FALSE(IsApiPath(p)) << p;
}

const net::StaticAsset kFiles[] = {
    {"/index.html", "text/html; charset=utf-8", "\"i1\"", "<div id=\"root\"></div>", "", "", false},
    {"/favicon.svg", "image/svg+xml", "\"f1\"", "<svg/>", "", "", false},
    {"/assets/app-1a2b3c4d.js", "text/javascript; charset=utf-8", "\"j1\"", "js", "", "", true},
};

net::HttpResponse Get(const net::StaticAssets& assets, std::string path) {
  net::HttpRequest req;
  req.method = "GET";
  req.path = std::move(path);
  req.headers = {{"host", "localhost:3000"}};
  return ServeAdminUi(assets, req);
}

std::string HeaderOf(const net::HttpResponse& res, std::string_view name) {
  for (const auto& [k, v] : res.headers)
    if (k == name) return v;
  return "<absent>";
}

TEST(AdminUiRoutes, FilesThenIndexHtmlForDeepLinks) {
  net::StaticAssets assets(kFiles);
  for (const char* p : {"/", "/index.html", "/topics", "/invite/abc", "/topics/orders.created"}) {
    auto res = Get(assets, p);
    EXPECT_EQ(res.status, 200) << p;
    EXPECT_EQ(res.body, "<div id=\"root\"></div>") << p;
    EXPECT_EQ(HeaderOf(res, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(HeaderOf(res, "X-Content-Type-Options"), "nosniff");
    std::string csp = HeaderOf(res, "Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;
    EXPECT_NE(csp.find("style-src 'self' 'unsafe-inline'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("connect-src 'self' ws://localhost:3000 wss://localhost:3000;"), std::string::npos) << csp;
  }
  auto svg = Get(assets, "/favicon.svg");
  EXPECT_EQ(svg.content_type, "image/svg+xml");
  EXPECT_EQ(HeaderOf(svg, "Content-Security-Policy"), "<absent>");
  auto js = Get(assets, "/assets/app-1a2b3c4d.js");
  EXPECT_EQ(js.body, "js");
  EXPECT_EQ(HeaderOf(js, "Cache-Control"), "public, max-age=31536000, immutable");
}

TEST(AdminUiRoutes, MissingHashedAssetIsAJson404) {
  net::StaticAssets assets(kFiles);
  auto res = Get(assets, "/assets/app-00000000.js");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_NE(res.body.find("NotFoundError"), std::string::npos);
}

TEST(AdminUiRoutes, AnOddHostStaysOutOfTheCsp) {
  net::StaticAssets assets(kFiles);
  net::HttpRequest req;
  req.method = "GET";
  req.path = "/";
  req.headers = {{"host", "evil; script-src *"}};
  std::string csp = HeaderOf(ServeAdminUi(assets, req), "Content-Security-Policy");
  EXPECT_NE(csp.find("connect-src 'self';"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("evil"), std::string::npos);
}

TEST(AdminUiRoutes, WithoutABuiltUiEveryPageSaysHowToBuildIt) {
  net::StaticAssets none;
  for (const char* p : {"/", "/topics"}) {
    auto res = Get(none, p);
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.content_type, "text/html; charset=utf-8");
    EXPECT_NE(res.body.find("make ui"), std::string::npos);
    EXPECT_EQ(HeaderOf(res, "Cache-Control"), "no-store");
  }
}

}  // namespace
}  // namespace rt::api
