#include "net/router.h"

namespace rt::net {
namespace {

// Returns a score (higher = more specific) or -1 if the pattern does not match.
int MatchScore(const Route& route, const std::vector<std::string_view>& parts, HeaderList* params) {
  const auto& segs = route.segments;
  bool wildcard = !segs.empty() && segs.back() == "*";
  size_t fixed = wildcard ? segs.size() - 1 : segs.size();
  if (wildcard ? parts.size() < fixed : parts.size() != fixed) return -1;
  int score = 0;
  for (size_t i = 0; i < fixed; ++i) {
    if (!segs[i].empty() && segs[i][0] == ':') {
      if (parts[i].empty()) return -1;
      if (params) params->emplace_back(segs[i].substr(1), std::string(parts[i]));
    } else if (segs[i] == parts[i]) {
      score += 2;
    } else {
      return -1;
    }
  }
  if (wildcard) {
    std::string rest;
    for (size_t i = fixed; i < parts.size(); ++i) rest += (i == fixed ? "" : "/") + std::string(parts[i]);
    if (params) params->emplace_back("*", rest);
  } else {
    score += 1;  // exact length beats a wildcard
  }
  return score;
}

}  // namespace

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    if (i >= path.size()) break;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

void Router::Add(std::string_view method, std::string_view pattern, Access access, Handler handler,
                 ExecMode mode) {
  Route r;
  r.access = access;
  r.method = std::string(method);
  r.pattern = std::string(pattern);
  for (auto s : SplitPath(pattern)) r.segments.emplace_back(s);
  r.handler = std::move(handler);
  r.mode = mode;
  const auto& seg = r.segments;
  const bool literal = seg.size() >= 2 && seg[0] != "*" && seg[1] != "*" && !seg[0].starts_with(':') &&
                       !seg[1].starts_with(':');
  (literal ? by_prefix_[seg[0] + '/' + seg[1]] : other_).push_back(routes_.size());
  routes_.push_back(std::move(r));
}

void Router::AddWithInline(std::string_view method, std::string_view pattern, Access access,
                           InlineHandler try_inline, Handler handler) {
  Add(method, pattern, access, std::move(handler), ExecMode::kBlocking);
  routes_.back().try_inline = std::move(try_inline);
}

void Router::AddAsync(std::string_view method, std::string_view pattern, Access access, AsyncHandler handler) {
  Add(method, pattern, access, nullptr, ExecMode::kInline);
  routes_.back().async = std::move(handler);
}

void Router::AddFallback(std::string_view method, Access access, Handler handler, ExecMode mode,
                         std::function<bool(std::string_view path)> claims) {
  Add(method, "/*", access, std::move(handler), mode);
  routes_.back().fallback = std::move(claims);
}

RouteMatch Router::Find(std::string_view method, std::string_view path) const {
  auto parts = SplitPath(path);
  RouteMatch out;
  int best = -1;
  std::string allow;
  // Only routes that can match: those registered under the path's first two segments, and the
  // rest; merged back into registration order (the first of equal scores wins).
  static const std::vector<size_t> kNone;
  const std::vector<size_t>* bucket = &kNone;
  if (parts.size() >= 2) {
    std::string key;
    key.reserve(parts[0].size() + parts[1].size() + 1);
    key.append(parts[0]).append(1, '/').append(parts[1]);
    if (auto it = by_prefix_.find(key); it != by_prefix_.end()) bucket = &it->second;
  }
  for (size_t i = 0, j = 0; i < bucket->size() || j < other_.size();) {
    const bool from_bucket = j >= other_.size() || (i < bucket->size() && (*bucket)[i] < other_[j]);
    const Route& r = routes_[from_bucket ? (*bucket)[i++] : other_[j++]];
    if (r.fallback) continue;
    int score = MatchScore(r, parts, nullptr);
    if (score < 0) continue;
    bool method_ok = r.method == method || (method == "HEAD" && r.method == "GET");
    if (!method_ok) {
      if (allow.find(r.method) == std::string::npos) allow += (allow.empty() ? "" : ", ") + r.method;
      continue;
    }
    if (score > best) {
      best = score;
      out.route = &r;
    }
  }
  if (out.route) {
    out.kind = RouteMatch::kFound;
    MatchScore(*out.route, parts, &out.params);
  } else if (allow.empty()) {
    // No route knows the path: a fallback that claims it (first registered wins).
    for (const Route& r : routes_) {
      if (!r.fallback || !r.fallback(path)) continue;
      if (r.method == method || (method == "HEAD" && r.method == "GET")) {
        out.kind = RouteMatch::kFound;
        out.route = &r;
        out.params.emplace_back("*", std::string(path));
        return out;
      }
      if (allow.find(r.method) == std::string::npos) allow += (allow.empty() ? "" : ", ") + r.method;
    }
  }
  if (!out.route && !allow.empty()) {
    out.kind = RouteMatch::kMethodNotAllowed;
    out.allow = std::move(allow);
  }
  return out;
}

}  // namespace rt::net
