#include "events/filter.h"

#include <algorithm>
#include <cmath>

#include "core/json.h"

namespace rt::events {
namespace {

constexpr size_t kMaxTerms = 32;
constexpr size_t kMaxIn = 1000;

bool IsScalar(const boost::json::value& v) { return !v.is_object() && !v.is_array(); }

bool IsNumber(const boost::json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

// The payload's value at a (non-empty) path, or nullptr when a segment is missing or not an object.
inline const boost::json::value* FieldAt(const boost::json::object& payload, const std::vector<std::string>& path) {
  const boost::json::object* obj = &payload;
  const boost::json::value* field = nullptr;
  for (size_t i = 0; i < path.size(); ++i) {
    field = obj->if_contains(path[i]);
    if (!field) return nullptr;
    if (i + 1 < path.size()) {
      obj = field->if_object();
      if (!obj) return nullptr;
    }
  }
  return field;
}

}  // namespace

bool ScalarEquals(const boost::json::value& a, const boost::json::value& b) {
  if (IsNumber(a) && IsNumber(b)) {
    if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
    if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
    if (a.is_double() || b.is_double()) return a.to_number<double>() == b.to_number<double>();
    // int64 vs uint64
    const auto& i = a.is_int64() ? a : b;
    const auto& u = a.is_uint64() ? a : b;
    return i.get_int64() >= 0 && static_cast<uint64_t>(i.get_int64()) == u.get_uint64();
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_string()) return a.get_string() == b.get_string();
  if (a.is_bool()) return a.get_bool() == b.get_bool();
  if (a.is_null()) return true;
  return false;
}

Result<Filter> Filter::Compile(const boost::json::value& spec) {
  Filter f;
  if (spec.is_null()) return f;
  if (!spec.is_object()) return Error::Validation("filter must be an object of field: value pairs");
  const auto& obj = spec.get_object();
  if (obj.size() > kMaxTerms) return Error::Validation("filter may have at most 32 keys");
  for (const auto& kv : obj) {
    Term t;
    std::string_view key = kv.key();
    if (key.empty()) return Error::Validation("filter keys must be non-empty");
    size_t start = 0;
    while (true) {
      size_t dot = key.find('.', start);
      std::string_view seg = key.substr(start, dot == std::string_view::npos ? dot : dot - start);
      if (seg.empty()) return Error::Validation("filter key '" + std::string(key) + "' has an empty path segment");
      t.path.emplace_back(seg);
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    const auto& v = kv.value();
    if (IsScalar(v)) {
      t.any.push_back(v);
    } else if (v.is_object() && v.get_object().size() == 1 && v.get_object().contains("in")) {
      const auto& in = v.get_object().at("in");
      if (!in.is_array()) return Error::Validation("filter '" + std::string(key) + "': 'in' must be an array");
      if (in.get_array().size() > kMaxIn) return Error::Validation("filter 'in' lists may have at most 1000 values");
      for (const auto& alt : in.get_array()) {
        if (!IsScalar(alt))
          return Error::Validation("filter '" + std::string(key) + "': 'in' values must be strings, numbers, "
                                   "booleans or null");
        t.any.push_back(alt);
      }
    } else {
      return Error::Validation("filter '" + std::string(key) +
                               "': expected a string, number, boolean, null or { \"in\": [...] }");
    }
    f.terms_.push_back(std::move(t));
  }
  if (f.terms_.empty()) return f;
  // Canonical order (by key), remembering where each source key went; then a compact text of
  // every term.
  std::vector<uint32_t> by_path(f.terms_.size());
  for (uint32_t i = 0; i < by_path.size(); ++i) by_path[i] = i;
  std::sort(by_path.begin(), by_path.end(),
            [&f](uint32_t a, uint32_t b) { return f.terms_[a].path < f.terms_[b].path; });
  std::vector<Term> sorted;
  sorted.reserve(by_path.size());
  f.order_.resize(by_path.size());
  for (uint32_t k = 0; k < by_path.size(); ++k) {
    sorted.push_back(std::move(f.terms_[by_path[k]]));
    f.order_[by_path[k]] = k;
  }
  f.terms_ = std::move(sorted);
  f.source_ = std::make_shared<const boost::json::value>(spec);
  for (const Term& t : f.terms_) {
    for (const auto& seg : t.path) {
      f.signature_ += seg;
      f.signature_ += '\x1f';
    }
    f.signature_ += '=';
    for (const auto& v : t.any) {
      json::AppendValue(f.signature_, v);
      f.signature_ += '\x1e';
    }
    f.signature_ += '\x1d';
  }
  return f;
}

bool Filter::Matches(const boost::json::object& payload) const {
  for (const Term& t : terms_) {
    const boost::json::value* field = FieldAt(payload, t.path);
    if (!field) return false;
    bool any = false;
    for (const auto& alt : t.any) {
      if (ScalarEquals(*field, alt)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

Filter::Explanation Filter::Explain(const boost::json::object& payload) const {
  Explanation out;
  if (!source_) return out;
  const boost::json::object& keys = source_->get_object();  // Compile's input: one term per key
  out.terms.reserve(keys.size());
  size_t i = 0;
  for (const auto& kv : keys) {
    const Term& t = terms_[order_[i++]];
    TermReport r;
    r.key = kv.key();
    r.expected = kv.value().is_object() ? kv.value().get_object().at("in") : kv.value();
    if (const boost::json::value* field = FieldAt(payload, t.path)) {
      r.actual = *field;
      r.matched =
          std::any_of(t.any.begin(), t.any.end(), [field](const auto& alt) { return ScalarEquals(*field, alt); });
    }
    out.matched = out.matched && r.matched;
    out.terms.push_back(std::move(r));
  }
  return out;
}

}  // namespace rt::events
