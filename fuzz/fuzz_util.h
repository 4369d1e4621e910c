// Helpers shared by the libFuzzer targets in fuzz/ (docs/fuzzing.md).
//
// FUZZ_CHECK(cond, what) aborts with a message when an invariant does not hold; libFuzzer then
// saves the input as a crash artifact. RunGuarded turns an escaping exception into such a crash
// (the code under test promises Result values, never exceptions, for bad input).
// SemanticEqual compares JSON values the way clients see them after a round trip through text:
// numbers by value whatever their kind (1 == 1.0), objects regardless of key order.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/value.hpp>

#define FUZZ_CHECK(cond, what)                                                          \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s (%s)\n", __FILE__, __LINE__, \
                   #cond, std::string(what).c_str());                                   \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace fuzz {

template <typename F>
void RunGuarded(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "exception escaped: %s\n", e.what());
    std::abort();
  }
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits at the first '\n': {first line, the rest}. No newline: {text, ""}.
inline std::pair<std::string_view, std::string_view> SplitLine(std::string_view text) {
  auto nl = text.find('\n');
  if (nl == std::string_view::npos) return {text, {}};
  return {text.substr(0, nl), text.substr(nl + 1)};
}

inline bool SemanticEqual(const boost::json::value& a, const boost::json::value& b) {
  auto num = [](const boost::json::value& v) -> long double {
    if (v.is_int64()) return static_cast<long double>(v.get_int64());
    if (v.is_uint64()) return static_cast<long double>(v.get_uint64());
    return static_cast<long double>(v.get_double());
  };
  if (a.is_number() && b.is_number()) return num(a) == num(b);
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &x = a.get_array(), &y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (!SemanticEqual(x[i], y[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const auto &x = a.get_object(), &y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x) {
      const auto* other = y.if_contains(kv.key());
      if (!other || !SemanticEqual(kv.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace fuzz
