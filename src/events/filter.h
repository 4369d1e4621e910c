// Subscription filters (spec/32-sdk-subscribing.md), compiled once at subscribe time.
//
//   { "campusId": 12, "status": { "in": ["pending", "active"] }, "user.role": "admin" }
//
// Every key must match (AND). A key is a field of the payload, or a dotted path into nested
// objects ("user.role" → payload.user.role). A scalar value (string, number, boolean, null) is
// equality; `{ "in": [scalars] }` matches any of them. Numbers compare by value (12 == 12.0);
// a missing field or a value of another type never matches. Anything else (nested objects other
// than `in`, arrays as values, more than 32 keys or 1000 `in` values) is rejected at compile time.
//
// Explain (the debugger's POST /api/debugger/debug-filter) evaluates the same rules term by term
// and reports each key's verdict, expected value and actual value; Matches stays the fast path.
//
// Thread safety: a compiled Filter is immutable; Matches and Explain may be called from any
// thread. Copies share the original filter JSON (source()).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.h"

namespace rt::events {

class Filter {
 public:
  // An empty filter matches everything.
  Filter() = default;

  // Compiles a filter value (must be an object or null). ValidationError explains what is wrong.
  static Result<Filter> Compile(const boost::json::value& spec);

  bool empty() const { return terms_.empty(); }
  bool Matches(const boost::json::object& payload) const;

  // One key of the filter, evaluated against a payload.
  struct TermReport {
    std::string key;                           // as written in the filter ("user.role")
    bool matched = false;
    boost::json::value expected;               // the scalar, or the `in` array
    std::optional<boost::json::value> actual;  // the payload's value at the path; nullopt: missing
  };
  struct Explanation {
    bool matched = true;             // == Matches(payload)
    std::vector<TermReport> terms;   // one per key, in the filter's key order
  };
  // Pure: the verdict of every key (copies of the values involved). Slower than Matches.
  Explanation Explain(const boost::json::object& payload) const;

  // The filter as given to Compile (its key order kept); null for an empty filter.
  const std::shared_ptr<const boost::json::value>& source() const { return source_; }
  // A canonical text of the filter: equal filters (same keys and values, any key order) have
  // equal signatures, so the hub evaluates each distinct filter once per event.
  const std::string& signature() const { return signature_; }

 private:
  struct Term {
    std::vector<std::string> path;        // dotted path split into segments
    std::vector<boost::json::value> any;  // equality: one value; `in`: the alternatives
  };
  std::vector<Term> terms_;                        // sorted by path (canonical order)
  std::vector<uint32_t> order_;                    // source key i is terms_[order_[i]]
  std::shared_ptr<const boost::json::value> source_;  // the original object; null when empty
  std::string signature_;
};

// Scalar equality with numeric comparison across integer and floating types.
bool ScalarEquals(const boost::json::value& a, const boost::json::value& b);

}  // namespace rt::events
