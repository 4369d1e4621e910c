#include "registry/schema_pointer.h"

#include <boost/json.hpp>

namespace rt::registry {
namespace json = boost::json;

std::string EscapePointerToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

namespace {

std::string UnescapeToken(std::string_view t) {
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '~' && i + 1 < t.size() && (t[i + 1] == '0' || t[i + 1] == '1')) {
      out += t[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += t[i];
    }
  }
  return out;
}

bool ParseIndex(std::string_view s, size_t& out) {
  if (s.empty() || s.size() > 18 || (s.size() > 1 && s[0] == '0')) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<size_t>(c - '0');
  }
  return true;
}

}  // namespace

const json::value* ResolveSchemaRef(const json::value& root, std::string_view ref) {
  if (!ref.starts_with("#")) return nullptr;
  std::string_view p = ref.substr(1);
  const json::value* cur = &root;
  if (p.empty()) return cur;
  if (p[0] != '/') return nullptr;  // "#name" anchors ($id-based) are not supported
  p.remove_prefix(1);
  while (true) {
    size_t slash = p.find('/');
    std::string token = UnescapeToken(p.substr(0, slash));
    if (cur->is_object()) {
      cur = cur->get_object().if_contains(token);
    } else if (cur->is_array()) {
      size_t i = 0;
      if (!ParseIndex(token, i) || i >= cur->get_array().size()) return nullptr;
      cur = &cur->get_array()[i];
    } else {
      return nullptr;
    }
    if (!cur) return nullptr;
    if (slash == std::string_view::npos) return cur;
    p.remove_prefix(slash + 1);
  }
}

const json::value* Dereference(const json::value& root, const json::value* node) {
  for (int hops = 0; node && hops < 32; ++hops) {
    if (!node->is_object()) return node;
    const auto* ref = node->get_object().if_contains("$ref");
    if (!ref || !ref->is_string()) return node;
    node = ResolveSchemaRef(root, ref->get_string());
  }
  return nullptr;
}

std::vector<PathStep> ContextToSteps(const json::value& payload, const std::vector<std::string>& context) {
  std::vector<PathStep> steps;
  const json::value* cur = &payload;
  for (const auto& c : context) {
    if (c == "<root>" || c.size() < 2 || c.front() != '[' || c.back() != ']') continue;
    std::string inner = c.substr(1, c.size() - 2);
    PathStep s;
    size_t i = 0;
    if (cur && cur->is_array() && ParseIndex(inner, i)) {
      s.is_index = true;
      s.index = i;
      cur = i < cur->get_array().size() ? &cur->get_array()[i] : nullptr;
    } else {
      s.key = std::move(inner);
      cur = cur && cur->is_object() ? cur->get_object().if_contains(s.key) : nullptr;
    }
    steps.push_back(std::move(s));
  }
  return steps;
}

std::string StepsToPointer(const std::vector<PathStep>& steps) {
  std::string out;
  for (const auto& s : steps) out += "/" + (s.is_index ? std::to_string(s.index) : EscapePointerToken(s.key));
  return out;
}

namespace {

const json::value* Member(const json::value* schema, std::string_view key) {
  return schema && schema->is_object() ? schema->get_object().if_contains(key) : nullptr;
}

const json::value* Step(const json::value& root, const json::value* schema, const PathStep& s) {
  schema = Dereference(root, schema);
  if (!schema || !schema->is_object()) return nullptr;
  if (!s.is_index) {
    if (const auto* props = Member(schema, "properties"); props && props->is_object()) {
      if (const auto* p = props->get_object().if_contains(s.key)) return p;
    }
    const auto* extra = Member(schema, "additionalProperties");
    return extra && extra->is_object() ? extra : nullptr;
  }
  const auto* items = Member(schema, "items");
  if (items && items->is_object()) return items;
  if (items && items->is_array()) {
    if (s.index < items->get_array().size()) return &items->get_array()[s.index];
    const auto* extra = Member(schema, "additionalItems");
    return extra && extra->is_object() ? extra : nullptr;
  }
  return nullptr;
}

}  // namespace

std::string ExpectedTypes(const json::value& schema, const std::vector<PathStep>& steps) {
  const json::value* cur = &schema;
  for (const auto& s : steps) {
    cur = Step(schema, cur, s);
    if (!cur) return "";
  }
  const auto* type = Member(Dereference(schema, cur), "type");
  if (!type) return "";
  if (type->is_string()) return std::string(type->get_string());
  if (!type->is_array()) return "";
  std::string out;
  for (const auto& t : type->get_array()) {
    if (!t.is_string()) return "";
    if (!out.empty()) out += " or ";
    out += t.get_string();
  }
  return out;
}

}  // namespace rt::registry
