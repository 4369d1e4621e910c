#include "net/static_assets.h"

#include <gtest/gtest.h>

namespace rt::net {
namespace {

using E = ContentEncoding;

E Negotiate(const char* header, bool gzip = true, bool br = true) {
  if (!header) return NegotiateEncoding(nullptr, gzip, br);
  std::string h(header);
  return NegotiateEncoding(&h, gzip, br);
}

TEST(StaticAssets, NegotiatesBrotliThenGzipThenIdentity) {
  EXPECT_EQ(Negotiate(nullptr), E::kIdentity);
  EXPECT_EQ(Negotiate(""), E::kIdentity);
  EXPECT_EQ(Negotiate("gzip, deflate, br"), E::kBrotli);
  EXPECT_EQ(Negotiate("gzip, deflate"), E::kGzip);
  EXPECT_EQ(Negotiate("GZIP"), E::kGzip);
  EXPECT_EQ(Negotiate("x-gzip"), E::kGzip);
  EXPECT_EQ(Negotiate("br"), E::kBrotli);
  EXPECT_EQ(Negotiate("deflate, identity"), E::kIdentity);
  EXPECT_EQ(Negotiate("gzip, br", /*gzip=*/true, /*br=*/false), E::kGzip);   // no smaller br variant
  EXPECT_EQ(Negotiate("br", /*gzip=*/true, /*br=*/false), E::kIdentity);
  EXPECT_EQ(Negotiate("gzip, br", /*gzip=*/false, /*br=*/false), E::kIdentity);
}

TEST(StaticAssets, NegotiationHonoursQValues) {
  EXPECT_EQ(Negotiate("gzip;q=0"), E::kIdentity);
  EXPECT_EQ(Negotiate("br;q=0, gzip"), E::kGzip);
  EXPECT_EQ(Negotiate("br;q=0.5, gzip;q=0.8"), E::kGzip);      // the higher q wins
  EXPECT_EQ(Negotiate("br;q=0.8, gzip;q=0.8"), E::kBrotli);    // a tie prefers br
  EXPECT_EQ(Negotiate("gzip ; q=1.0 , br ; Q=0.2"), E::kGzip);  // spaces, upper-case Q
  EXPECT_EQ(Negotiate("*"), E::kBrotli);
  EXPECT_EQ(Negotiate("*;q=0, gzip"), E::kGzip);   // a named coding overrides *
  EXPECT_EQ(Negotiate("br;q=0, *"), E::kGzip);
  EXPECT_EQ(Negotiate("gzip;q=abc"), E::kIdentity);  // malformed q: the item is ignored
  EXPECT_EQ(Negotiate("gzip;q=2"), E::kIdentity);
  EXPECT_EQ(Negotiate(",,gzip,,"), E::kGzip);
}

TEST(StaticAssets, EtagsPerVariantAndIfNoneMatch) {
  EXPECT_EQ(VariantEtag("\"abc\"", E::kIdentity), "\"abc\"");
  EXPECT_EQ(VariantEtag("\"abc\"", E::kGzip), "\"abc-gz\"");
  EXPECT_EQ(VariantEtag("\"abc\"", E::kBrotli), "\"abc-br\"");
  EXPECT_TRUE(EtagMatches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(EtagMatches("\"x\", W/\"abc\"", "\"abc\""));  // a list; weak comparison
  EXPECT_TRUE(EtagMatches(" * ", "\"abc\""));
  EXPECT_FALSE(EtagMatches("\"abc-gz\"", "\"abc\""));
  EXPECT_FALSE(EtagMatches("abc", "\"abc\""));
  EXPECT_FALSE(EtagMatches("", "\"abc\""));
}

const StaticAsset kFiles[] = {
    {"/index.html", "text/html; charset=utf-8", "\"i1\"", "<html>raw</html>", "GZ", "BR", false},
    {"/assets/app-1a2b3c4d.js", "text/javascript; charset=utf-8", "\"j1\"", "js", "", "", true},
};

HttpRequest Get(HeaderList headers = {}) {
  HttpRequest req;
  req.method = "GET";
  req.headers = std::move(headers);
  return req;
}

std::string HeaderOf(const HttpResponse& res, std::string_view name) {
  for (const auto& [k, v] : res.headers)
    if (k == name) return v;
  return "<absent>";
}

TEST(StaticAssets, ServesTheNegotiatedVariantWithCacheHeaders) {
  StaticAssets assets(kFiles);
  ASSERT_EQ(assets.size(), 2u);
  EXPECT_EQ(assets.Find("/nope"), nullptr);
  const StaticAsset* index = assets.Find("/index.html");
  ASSERT_NE(index, nullptr);

  HttpResponse raw = ServeStaticAsset(*index, Get());
  EXPECT_EQ(raw.status, 200);
  EXPECT_EQ(raw.body, "<html>raw</html>");
  EXPECT_EQ(raw.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(raw, "Content-Encoding"), "<absent>");
  EXPECT_EQ(HeaderOf(raw, "Vary"), "Accept-Encoding");
  EXPECT_EQ(HeaderOf(raw, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(raw, "ETag"), "\"i1\"");

  HttpResponse br = ServeStaticAsset(*index, Get({{"accept-encoding", "gzip, br"}}));
  EXPECT_EQ(br.body, "BR");
  EXPECT_EQ(HeaderOf(br, "Content-Encoding"), "br");
  EXPECT_EQ(HeaderOf(br, "ETag"), "\"i1-br\"");
  HttpResponse gz = ServeStaticAsset(*index, Get({{"accept-encoding", "gzip"}}));
  EXPECT_EQ(gz.body, "GZ");
  EXPECT_EQ(HeaderOf(gz, "Content-Encoding"), "gzip");

  HttpResponse js = ServeStaticAsset(*assets.Find("/assets/app-1a2b3c4d.js"), Get({{"accept-encoding", "br"}}));
  EXPECT_EQ(js.body, "js");  // no compressed variant
  EXPECT_EQ(HeaderOf(js, "Content-Encoding"), "<absent>");
  EXPECT_EQ(HeaderOf(js, "Vary"), "<absent>");
  EXPECT_EQ(HeaderOf(js, "Cache-Control"), "public, max-age=31536000, immutable");
}

TEST(StaticAssets, IfNoneMatchOfTheSameVariantIs304) {
  StaticAssets assets(kFiles);
  const StaticAsset& index = *assets.Find("/index.html");
  HttpResponse same = ServeStaticAsset(index, Get({{"accept-encoding", "br"}, {"if-none-match", "\"i1-br\""}}));
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  EXPECT_TRUE(same.content_type.empty());
  EXPECT_EQ(HeaderOf(same, "ETag"), "\"i1-br\"");
  EXPECT_EQ(HeaderOf(same, "Cache-Control"), "no-cache");
  // The client now takes gzip only: its br copy is not what it would get.
  HttpResponse other = ServeStaticAsset(index, Get({{"accept-encoding", "gzip"}, {"if-none-match", "\"i1-br\""}}));
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.body, "GZ");
  EXPECT_EQ(ServeStaticAsset(index, Get({{"if-none-match", "\"old\""}})).status, 200);
}

}  // namespace
}  // namespace rt::net
