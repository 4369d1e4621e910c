// JSON Pointer helpers shared by the schema validator and the compatibility checker: escaping
// (RFC 6901), resolving a local "$ref" ("#", "#/definitions/a") inside a schema document, and
// mapping valijson's error context ("<root>", "[name]", "[0]") to a payload JSON Pointer.
//
// Thread safety: pure functions. Lifetime: returned pointers point into the given document.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace rt::registry {

// "~" -> "~0", "/" -> "~1".
std::string EscapePointerToken(std::string_view token);

// The value a local reference ("#" or "#/a/b", RFC 6901 tokens) names, or nullptr.
const boost::json::value* ResolveSchemaRef(const boost::json::value& root, std::string_view ref);

// Follows "$ref" chains (at most 32 hops) from node; nullptr when a reference does not resolve.
const boost::json::value* Dereference(const boost::json::value& root, const boost::json::value* node);

// One step into a payload: an object member or an array element.
struct PathStep {
  bool is_index = false;
  std::string key;   // object member (when !is_index)
  size_t index = 0;  // array element (when is_index)
};

// valijson's context (["<root>", "[a]", "[0]"]) -> steps, disambiguated by walking the payload
// ("[0]" is an index inside an array and a member name inside an object).
std::vector<PathStep> ContextToSteps(const boost::json::value& payload, const std::vector<std::string>& context);
std::string StepsToPointer(const std::vector<PathStep>& steps);

// The "type" the schema declares for the value at steps, as "string" or "string or null";
// empty when it cannot be determined by following properties/items/additional*/$ref.
std::string ExpectedTypes(const boost::json::value& schema, const std::vector<PathStep>& steps);

}  // namespace rt::registry
