// Static files served from memory: the admin UI embedded into the binary at build time
// (docs/admin-ui.md "Served by the binary"). scripts/embed-ui.mjs turns admin-ui/dist into one
// pack file linked with `.incbin` plus a table of StaticAsset rows (src/ui/CMakeLists.txt); this
// module looks files up and answers one request for one file: the encoding the client accepts
// (brotli, then gzip, then the raw bytes), ETag / If-None-Match -> 304, Cache-Control.
//
// Ownership and lifetime: a StaticAsset only views bytes it does not own; the embedded table
// views the read-only data of the binary and lives forever. A StaticAssets index views the rows
// it was built from, which must outlive it.
// Thread safety: StaticAssets is immutable after construction; every function here is pure, so
// all of them may be called from any number of threads (the I/O threads serve inline).
// Failure behaviour: nothing fails; a missing file is Find() == nullptr, a malformed
// Accept-Encoding or If-None-Match header is read as far as it parses (worst case: the raw
// bytes, a 200 instead of a 304).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "net/http_message.h"

namespace rt::net {

// One embedded file. `gzip` / `br` are empty when that variant would not be smaller than `raw`.
struct StaticAsset {
  std::string_view path;          // URL path, e.g. "/index.html", "/assets/index-3f2a9c1b.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view etag;          // quoted strong ETag of the raw bytes, e.g. "\"9f86d081884c7d65\""
  std::string_view raw;
  std::string_view gzip;
  std::string_view br;
  bool immutable = false;  // a content-hashed name (Vite's /assets/): cacheable for a year
};

enum class ContentEncoding { kIdentity, kGzip, kBrotli };

// The variant to send for an Accept-Encoding header (nullptr: header absent -> identity), given
// which compressed variants exist. Among the accepted ones (q > 0, named or through "*") the
// highest q wins; ties prefer br over gzip. Nothing accepted -> identity.
ContentEncoding NegotiateEncoding(const std::string* accept_encoding, bool have_gzip, bool have_br);

// The ETag of one variant: the raw ETag for identity, "<tag>-gz" / "<tag>-br" (still quoted) for
// the compressed ones, so that caches never mix representations up.
std::string VariantEtag(std::string_view etag, ContentEncoding encoding);

// True when an If-None-Match header value (a list of entity tags, or "*") matches `etag` by the
// weak comparison of RFC 9110 §13.1.2 (W/ prefixes ignored).
bool EtagMatches(std::string_view if_none_match, std::string_view etag);

// The answer to a GET or HEAD for `asset`: 304 when If-None-Match matches the negotiated
// variant's ETag, else 200 with that variant's bytes (copied into the response). Headers:
// Content-Type, Content-Encoding (compressed variants), Vary: Accept-Encoding (when a
// compressed variant exists), ETag, and Cache-Control: "public, max-age=31536000, immutable"
// for immutable assets, "no-cache" (revalidate every time) for the others.
HttpResponse ServeStaticAsset(const StaticAsset& asset, const HttpRequest& req);

// An index of asset rows by path. Copyable view; the rows must outlive it.
class StaticAssets {
 public:
  StaticAssets() = default;
  explicit StaticAssets(std::span<const StaticAsset> files);

  // The file at exactly `path` ("/index.html"), or nullptr.
  const StaticAsset* Find(std::string_view path) const;
  bool empty() const { return by_path_.empty(); }
  size_t size() const { return by_path_.size(); }

 private:
  std::unordered_map<std::string_view, const StaticAsset*> by_path_;
};

// The admin UI files embedded at build time. Defined by the generated library rt_ui_assets
// (src/ui/CMakeLists.txt): empty when admin-ui/dist (or -DREALTIME_UI_DIST) did not exist.
std::span<const StaticAsset> EmbeddedUiAssets();

}  // namespace rt::net
