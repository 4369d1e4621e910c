#include "store/db.h"

#include <charconv>

#include <boost/json/array.hpp>

#include "core/json.h"

namespace rt::store {

bool IsNull(const DbValue& v) { return std::holds_alternative<std::monostate>(v); }

int64_t AsInt(const DbValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&v)) {
    if (*s == "t" || *s == "true") return 1;
    int64_t out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0;
}

double AsDouble(const DbValue& v) {
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto* s = std::get_if<std::string>(&v)) {
    try {
      return std::stod(*s);
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

std::string AsString(const DbValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return {};
}

bool AsBool(const DbValue& v) { return AsInt(v) != 0; }

std::string StringListToJson(const std::vector<std::string>& list) {
  boost::json::array a;
  for (const auto& s : list) a.emplace_back(s);
  return json::Serialize(a);
}

std::vector<std::string> StringListFromJson(const DbValue& v) {
  std::vector<std::string> out;
  auto parsed = json::Parse(AsString(v));
  if (!parsed.ok() || !parsed->is_array()) return out;
  for (const auto& e : parsed->get_array())
    if (e.is_string()) out.emplace_back(e.get_string());
  return out;
}

}  // namespace rt::store
