// The only file that includes valijson (its exceptions mode must be the same in every TU).
#define VALIJSON_USE_EXCEPTIONS 1
#include "registry/json_schema.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "registry/schema_pointer.h"

namespace rt::registry {

struct JsonSchema::Impl {
  valijson::Schema schema;
  // The schema checks strings with std::regex (pattern, patternProperties, format date/time),
  // whose recursion grows with the subject's length: longer strings are refused up front.
  bool uses_regex = false;
};

namespace {

namespace json = boost::json;

// Annotation keywords whose values are data, not subschemas.
bool IsDataKeyword(std::string_view k) { return k == "enum" || k == "const" || k == "default" || k == "examples"; }

// Every $ref must be local and resolve inside the document.
Status CheckRefs(const json::value& root, const json::value& node, const std::string& at, int depth) {
  if (depth > 64) return Error::Validation("Invalid JSON Schema: nested deeper than 64 levels");
  if (node.is_array()) {
    const auto& a = node.get_array();
    for (size_t i = 0; i < a.size(); ++i) RT_TRY(CheckRefs(root, a[i], at + "/" + std::to_string(i), depth + 1));
    return Ok();
  }
  if (!node.is_object()) return Ok();
  for (const auto& kv : node.get_object()) {
    std::string_view key = kv.key();
    std::string where = at + "/" + EscapePointerToken(key);
    if (key == "$ref" && kv.value().is_string()) {
      std::string_view ref = kv.value().get_string();
      if (!ref.starts_with("#"))
        return Error::Validation("Invalid JSON Schema: remote $ref \"" + std::string(ref) + "\" at " + where +
                                 " is not allowed (only local references such as #/definitions/name; remote "
                                 "documents are never fetched)");
      if (!ResolveSchemaRef(root, ref))
        return Error::Validation("Invalid JSON Schema: $ref \"" + std::string(ref) + "\" at " + where +
                                 " does not resolve inside the schema");
      continue;
    }
    if (IsDataKeyword(key)) continue;
    RT_TRY(CheckRefs(root, kv.value(), where, depth + 1));
  }
  return Ok();
}

// Subschemas that apply to the same payload value as s: its $ref target and the members of
// allOf/anyOf/oneOf/not/if/then/else and schema dependencies. A cycle along these never descends into the payload.
std::vector<const json::value*> SameValueEdges(const json::value& root, const json::value& s) {
  std::vector<const json::value*> out;
  if (!s.is_object()) return out;
  const auto& o = s.get_object();
  if (const auto* r = o.if_contains("$ref"); r && r->is_string()) {
    if (const auto* t = ResolveSchemaRef(root, r->get_string())) out.push_back(t);
  }
  for (std::string_view k : {"allOf", "anyOf", "oneOf"}) {
    if (const auto* a = o.if_contains(k); a && a->is_array())
      for (const auto& e : a->get_array()) out.push_back(&e);
  }
  for (std::string_view k : {"not", "if", "then", "else"}) {
    if (const auto* v = o.if_contains(k)) out.push_back(v);
  }
  if (const auto* d = o.if_contains("dependencies"); d && d->is_object()) {
    for (const auto& kv : d->get_object())
      if (kv.value().is_object()) out.push_back(&kv.value());
  }
  return out;
}

void CollectObjects(const json::value& node, const std::string& at,
                    std::unordered_map<const json::value*, std::string>& out) {
  if (node.is_array()) {
    const auto& a = node.get_array();
    for (size_t i = 0; i < a.size(); ++i) CollectObjects(a[i], at + "/" + std::to_string(i), out);
  }
  if (!node.is_object()) return;
  out.emplace(&node, at);
  for (const auto& kv : node.get_object())
    if (!IsDataKeyword(kv.key())) CollectObjects(kv.value(), at + "/" + EscapePointerToken(kv.key()), out);
}

// Refuses reference cycles that never descend into the payload ({"$ref":"#"}, a -> b -> a,
// {"allOf":[{"$ref":"#"}]}): they would recurse forever. Cycles through properties, items, ...
// (a tree type) are fine. Iterative DFS: the document may hold thousands of schemas.
Status CheckRefCycles(const json::value& root) {
  std::unordered_map<const json::value*, std::string> where;
  CollectObjects(root, "", where);
  std::unordered_map<const json::value*, int> color;  // 1 on the stack, 2 done
  struct Frame {
    const json::value* node;
    std::vector<const json::value*> edges;
    size_t next = 0;
  };
  for (const auto& [start, unused] : where) {
    if (color[start]) continue;
    std::vector<Frame> stack;
    stack.push_back({start, SameValueEdges(root, *start)});
    color[start] = 1;
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == f.edges.size()) {
        color[f.node] = 2;
        stack.pop_back();
        continue;
      }
      const json::value* n = f.edges[f.next++];
      int& c = color[n];
      if (c == 1) {
        auto it = where.find(n);
        return Error::Validation("Invalid JSON Schema: $ref cycle at " +
                                 (it == where.end() || it->second.empty() ? std::string("#") : "#" + it->second) +
                                 " that never descends into the payload (it would recurse forever)");
      }
      if (c == 0) {
        c = 1;
        stack.push_back({n, SameValueEdges(root, *n)});
      }
    }
  }
  return Ok();
}

bool UsesRegex(const json::value& node) {
  if (node.is_array()) {
    for (const auto& e : node.get_array())
      if (UsesRegex(e)) return true;
  }
  if (!node.is_object()) return false;
  for (const auto& kv : node.get_object()) {
    std::string_view k = kv.key();
    if (k == "pattern" || k == "patternProperties") return true;
    if (k == "format" && kv.value().is_string()) {
      std::string_view f = kv.value().get_string();
      if (f == "date" || f == "time" || f == "date-time") return true;
    }
    if (!IsDataKeyword(k) && UsesRegex(kv.value())) return true;
  }
  return false;
}

// Every pattern / patternProperties key must be a valid ECMAScript regular expression.
Status CheckPatterns(const json::value& node, const std::string& at) {
  auto check = [](std::string_view re, const std::string& where) -> Status {
    try {
      std::regex compiled{std::string(re)};
    } catch (const std::regex_error& e) {
      return Error::Validation("Invalid JSON Schema: pattern \"" + std::string(re.substr(0, 200)) + "\" at " + where +
                               " is not a valid regular expression (" + e.what() + ")");
    }
    return Ok();
  };
  if (node.is_array()) {
    const auto& a = node.get_array();
    for (size_t i = 0; i < a.size(); ++i) RT_TRY(CheckPatterns(a[i], at + "/" + std::to_string(i)));
  }
  if (!node.is_object()) return Ok();
  for (const auto& kv : node.get_object()) {
    std::string where = at + "/" + EscapePointerToken(kv.key());
    if (kv.key() == "pattern" && kv.value().is_string()) RT_TRY(check(kv.value().get_string(), where));
    if (kv.key() == "patternProperties" && kv.value().is_object()) {
      for (const auto& p : kv.value().get_object()) RT_TRY(check(p.key(), where + "/" + EscapePointerToken(p.key())));
    }
    if (!IsDataKeyword(kv.key())) RT_TRY(CheckPatterns(kv.value(), where));
  }
  return Ok();
}

// The first string value or member name longer than JsonSchema::kMaxRegexSubject, with its
// path; false when there is none.
bool FindLongString(const json::value& v, std::vector<PathStep>& path) {
  constexpr size_t kMax = JsonSchema::kMaxRegexSubject;
  if (v.is_string()) return v.get_string().size() > kMax;
  if (v.is_array()) {
    const auto& a = v.get_array();
    for (size_t i = 0; i < a.size(); ++i) {
      path.push_back({true, "", i});
      if (FindLongString(a[i], path)) return true;
      path.pop_back();
    }
  } else if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      path.push_back({false, std::string(kv.key()), 0});
      if (kv.key().size() > kMax || FindLongString(kv.value(), path)) return true;
      path.pop_back();
    }
  }
  return false;
}

std::string FormatNumber(std::string_view text) {
  try {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", std::stod(std::string(text)));
    return buf;
  } catch (const std::exception&) {
    return std::string(text);
  }
}

// valijson's sentences -> the spec's short style. Unknown sentences pass through unchanged.
std::string Rephrase(const std::string& d) {
  struct Prefix {
    std::string_view from, to;
    bool number;
  };
  static constexpr Prefix kPrefixes[] = {
      {"Expected number less than or equal to ", "must be <= ", true},
      {"Expected number greater than or equal to ", "must be >= ", true},
      {"Expected number less than ", "must be < ", true},
      {"Expected number greater than ", "must be > ", true},
      {"Value should be a multiple of ", "must be multiple of ", true},
  };
  for (const auto& p : kPrefixes) {
    if (d.starts_with(p.from)) return std::string(p.to) + FormatNumber(std::string_view(d).substr(p.from.size()));
  }
  auto between = [&](std::string_view pre, std::string_view post, std::string_view to_pre,
                     std::string_view to_post) -> std::optional<std::string> {
    if (!d.starts_with(pre) || !d.ends_with(post) || d.size() < pre.size() + post.size()) return std::nullopt;
    return std::string(to_pre) + d.substr(pre.size(), d.size() - pre.size() - post.size()) + std::string(to_post);
  };
  if (auto m = between("Missing required property '", "'.", "must have required property '", "'")) return *m;
  if (auto m = between("String should be no more than ", " characters in length.", "must NOT have more than ",
                       " characters"))
    return *m;
  if (auto m = between("String should be no fewer than ", " characters in length.", "must NOT have fewer than ",
                       " characters"))
    return *m;
  if (auto m = between("Array should contain no more than ", " elements.", "must NOT have more than ", " items"))
    return *m;
  if (auto m = between("Array should contain no fewer than ", " elements.", "must NOT have fewer than ", " items"))
    return *m;
  if (auto m = between("Object should have no more than ", " properties.", "must NOT have more than ", " properties"))
    return *m;
  if (auto m = between("Object should have no fewer than ", " properties.", "must NOT have fewer than ", " properties"))
    return *m;
  if (d == "Failed to match against any enum values.") return "must be equal to one of the allowed values";
  if (d == "Failed to match expected value set by 'const' constraint.") return "must be equal to constant";
  if (d == "Failed to match regex specified by 'pattern' constraint.") return "must match pattern";
  if (d == "Target should not validate against schema specified in 'not' constraint.") return "must NOT be valid";
  if (d == "Failed to validate against any schemas allowed by anyOf constraint.") return "must match a schema in anyOf";
  if (d == "Failed to validate against exactly one child schema.") return "must match exactly one schema in oneOf";
  if (d.find("violate uniqueness constraint") != std::string::npos) return "must NOT have duplicate items";
  return d;
}

// Summaries that valijson adds on top of the error already reported for the child value.
bool IsCascade(const std::string& d) {
  return d.starts_with("Failed to validate against schema associated with property name") ||
         d.starts_with("Failed to validate item #") ||
         d.starts_with("Failed to validate against additional properties schema") ||
         d.starts_with("Failed to validate against schema associated with pattern") ||
         d.starts_with("Failed to validate against child schema") ||
         d.starts_with("Failed to validate against dependent schema");
}

SchemaViolation Convert(const json::value& schema, const json::value& payload,
                        const valijson::ValidationResults::Error& e) {
  std::vector<PathStep> steps = ContextToSteps(payload, e.context);
  SchemaViolation v{StepsToPointer(steps), Rephrase(e.description)};
  const std::string_view additional = "Object contains a property that could not be validated using";
  if (std::string_view(e.description).starts_with(additional)) {
    auto q = e.description.rfind(": '");
    if (q != std::string::npos && e.description.size() >= q + 5)
      v.path += "/" + EscapePointerToken(e.description.substr(q + 3, e.description.size() - q - 5));
    v.message = "must NOT be present (additionalProperties is false)";
  } else if (e.description == "Value type not permitted by 'type' constraint.") {
    std::string expected = ExpectedTypes(schema, steps);
    v.message = expected.empty() ? "has a type the schema does not allow" : "must be " + expected;
  }
  return v;
}

}  // namespace

JsonSchema::JsonSchema() : impl_(std::make_unique<Impl>()) {}
JsonSchema::~JsonSchema() = default;

Result<std::shared_ptr<const JsonSchema>> JsonSchema::Compile(const json::value& schema) {
  if (!schema.is_object() && !schema.is_bool())
    return Error::Validation("Invalid JSON Schema: a schema must be a JSON object (or true/false)");
  RT_TRY(CheckRefs(schema, schema, "", 0));
  RT_TRY(CheckRefCycles(schema));
  RT_TRY(CheckPatterns(schema, ""));
  std::shared_ptr<JsonSchema> out(new JsonSchema());
  out->document_ = schema;
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::BoostJsonAdapter adapter(out->document_);
    parser.populateSchema(adapter, out->impl_->schema);
    out->impl_->uses_regex = UsesRegex(out->document_);
  } catch (const std::exception& e) {
    return Error::Validation(std::string("Invalid JSON Schema: ") + e.what());
  }
  return std::shared_ptr<const JsonSchema>(std::move(out));
}

namespace {
valijson::Validator& ThreadValidator() {
  thread_local valijson::Validator validator(valijson::Validator::kStrongTypes);
  return validator;
}
}  // namespace

bool JsonSchema::IsValid(const json::value& payload) const {
  std::vector<PathStep> long_path;
  if (impl_->uses_regex && FindLongString(payload, long_path)) return false;
  valijson::adapters::BoostJsonAdapter target(payload);
  try {
    return ThreadValidator().validate(impl_->schema, target, nullptr);
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<SchemaViolation> JsonSchema::Validate(const json::value& payload) const {
  std::vector<SchemaViolation> out;
  std::vector<PathStep> long_path;
  if (impl_->uses_regex && FindLongString(payload, long_path)) {
    out.push_back({StepsToPointer(long_path), "must NOT have more than " + std::to_string(kMaxRegexSubject) +
                                                  " characters (the limit of every string and member name when "
                                                  "the schema uses pattern or format)"});
    return out;
  }
  valijson::adapters::BoostJsonAdapter target(payload);
  valijson::ValidationResults results;
  try {
    if (ThreadValidator().validate(impl_->schema, target, &results)) return out;
  } catch (const std::exception& e) {
    out.push_back({"", std::string("could not be validated: ") + e.what()});
    return out;
  }
  for (const auto& e : results) {
    if (IsCascade(e.description)) continue;
    SchemaViolation v = Convert(document_, payload, e);
    if (std::find(out.begin(), out.end(), v) != out.end()) continue;
    out.push_back(std::move(v));
    if (out.size() == kMaxErrors) break;
  }
  if (out.empty()) out.push_back({"", "must match the schema"});
  return out;
}

json::array ViolationsToJson(const std::vector<SchemaViolation>& violations) {
  json::array a;
  a.reserve(violations.size());
  for (const auto& v : violations) a.push_back(json::object{{"path", v.path}, {"message", v.message}});
  return a;
}

}  // namespace rt::registry
