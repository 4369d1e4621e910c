#include "net/static_assets.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace rt::net {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Calls fn(item) for every comma-separated, trimmed, non-empty item of a header value.
template <typename Fn>
void ForEachItem(std::string_view value, Fn fn) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = Trim(value.substr(0, comma));
    if (!item.empty()) fn(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// The q value of "coding;q=0.5;x=y" (1 when absent), or -1 when it does not parse.
double QValue(std::string_view params) {
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view p = Trim(params.substr(0, semi));
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      std::string_view num = Trim(p.substr(2));
      double q = -1;
      auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), q);
      if (ec != std::errc() || end != num.data() + num.size() || q < 0 || q > 1) return -1;
      return q;
    }
    if (semi == std::string_view::npos) break;
    params.remove_prefix(semi + 1);
  }
  return 1;
}

}  // namespace

ContentEncoding NegotiateEncoding(const std::string* accept_encoding, bool have_gzip, bool have_br) {
  if (!accept_encoding || (!have_gzip && !have_br)) return ContentEncoding::kIdentity;
  // -1: not mentioned. A named coding overrides "*" whatever the order.
  double gzip = -1, br = -1, star = -1;
  ForEachItem(*accept_encoding, [&](std::string_view item) {
    size_t semi = item.find(';');
    std::string_view name = Trim(item.substr(0, semi));
    double q = QValue(semi == std::string_view::npos ? std::string_view() : item.substr(semi + 1));
    if (q < 0) return;  // a malformed q: ignore the item
    if (IEquals(name, "gzip") || IEquals(name, "x-gzip")) gzip = std::max(gzip, q);
    else if (IEquals(name, "br")) br = std::max(br, q);
    else if (name == "*") star = std::max(star, q);
  });
  if (gzip < 0) gzip = star;
  if (br < 0) br = star;
  if (!have_gzip) gzip = -1;
  if (!have_br) br = -1;
  if (br > 0 && br >= gzip) return ContentEncoding::kBrotli;
  if (gzip > 0) return ContentEncoding::kGzip;
  return ContentEncoding::kIdentity;
}

std::string VariantEtag(std::string_view etag, ContentEncoding encoding) {
  if (encoding == ContentEncoding::kIdentity || etag.size() < 2 || etag.back() != '"') return std::string(etag);
  std::string out(etag.substr(0, etag.size() - 1));
  out += encoding == ContentEncoding::kBrotli ? "-br\"" : "-gz\"";
  return out;
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  if (Trim(if_none_match) == "*") return true;
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  bool match = false;
  ForEachItem(if_none_match, [&](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    match = match || tag == etag;
  });
  return match;
}

HttpResponse ServeStaticAsset(const StaticAsset& asset, const HttpRequest& req) {
  ContentEncoding enc = NegotiateEncoding(req.Header("accept-encoding"), !asset.gzip.empty(), !asset.br.empty());
  std::string etag = VariantEtag(asset.etag, enc);
  HttpResponse res;
  res.headers.emplace_back("ETag", etag);
  res.headers.emplace_back("Cache-Control", asset.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (!asset.gzip.empty() || !asset.br.empty()) res.headers.emplace_back("Vary", "Accept-Encoding");
  const std::string* inm = req.Header("if-none-match");
  if (inm && EtagMatches(*inm, etag)) {
    res.status = 304;
    res.content_type.clear();
    return res;
  }
  res.content_type = std::string(asset.content_type);
  std::string_view bytes = asset.raw;
  if (enc == ContentEncoding::kBrotli) {
    bytes = asset.br;
    res.headers.emplace_back("Content-Encoding", "br");
  } else if (enc == ContentEncoding::kGzip) {
    bytes = asset.gzip;
    res.headers.emplace_back("Content-Encoding", "gzip");
  }
  res.body.assign(bytes.data(), bytes.size());
  return res;
}

StaticAssets::StaticAssets(std::span<const StaticAsset> files) {
  by_path_.reserve(files.size());
  for (const StaticAsset& f : files) by_path_.emplace(f.path, &f);
}

const StaticAsset* StaticAssets::Find(std::string_view path) const {
  auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : it->second;
}

}  // namespace rt::net
