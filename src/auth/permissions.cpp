#include "auth/permissions.h"

#include <algorithm>

namespace rt::auth {
namespace {

// What each role implies, besides itself.
bool Implies(std::string_view have, std::string_view want) {
  if (have == want || have == "admin") return true;
  if (have == "service") return want == "client" || want == "subscribe" || want == "publish";
  if (have == "client") return want == "subscribe";
  return false;
}

}  // namespace

bool IsKnownPermission(std::string_view p) {
  return p == "admin" || p == "service" || p == "client" || p == "subscribe" || p == "publish";
}

bool HasPermission(const std::vector<std::string>& granted, std::string_view required) {
  return std::any_of(granted.begin(), granted.end(), [&](const std::string& g) { return Implies(g, required); });
}

bool CoversAll(const std::vector<std::string>& granted, const std::vector<std::string>& wanted) {
  return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& w) { return HasPermission(granted, w); });
}

namespace {

// Iterative matcher with single-star backtracking: O(|p|*|t|) worst case, no recursion.
// literal_text: t is itself a pattern whose '*' only a '*' of p may consume.
bool Match(std::string_view p, std::string_view t, bool literal_text) {
  size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    bool one = pi < p.size() && (p[pi] == '?' ? !(literal_text && t[ti] == '*') : p[pi] == t[ti] && p[pi] != '*');
    if (one) {
      ++pi, ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace

bool GlobMatch(std::string_view p, std::string_view t) { return Match(p, t, false); }

bool PatternCovers(std::string_view outer, std::string_view inner) { return Match(outer, inner, true); }

bool PatternsCover(const std::vector<std::string>& outer, const std::vector<std::string>& inner) {
  if (outer.empty()) return true;
  if (inner.empty()) return false;  // unrestricted is wider than any list
  return std::all_of(inner.begin(), inner.end(), [&](const std::string& i) {
    return std::any_of(outer.begin(), outer.end(), [&](const std::string& o) { return PatternCovers(o, i); });
  });
}

bool TopicAllowed(const std::vector<std::string>& patterns, std::string_view topic) {
  if (patterns.empty()) return true;
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return GlobMatch(p, topic); });
}

}  // namespace rt::auth
