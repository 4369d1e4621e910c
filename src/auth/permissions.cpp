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

bool GlobMatch(std::string_view p, std::string_view t) {
  // Iterative matcher with single-star backtracking: O(|p|*|t|) worst case, no recursion.
  size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
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

bool TopicAllowed(const std::vector<std::string>& patterns, std::string_view topic) {
  if (patterns.empty()) return true;
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return GlobMatch(p, topic); });
}

}  // namespace rt::auth
