// Schema compatibility: may a new version of a topic's JSON Schema be registered after the
// earlier ones? Modes after Confluent Schema Registry; what each checks is written down, with
// examples, in docs/schemas.md.
//
//   none                  no check
//   backward (default)    the new schema accepts every payload the latest version accepts
//                         (consumers on the new schema read old data), and, as spec/18 adds, no
//                         property the latest version requires stops being required
//   forward               the latest version accepts every payload the new schema accepts
//                         (consumers still on the old schema read new data)
//   full                  backward and forward
//   *_transitive          the same, against every earlier version instead of the latest only
//
// "Accepts" is decided structurally, keyword by keyword, never by sampling payloads. The rules
// (kind of change -> rule name, backward / forward wording):
//   type        a JSON type the other side produces is not accepted   type-narrowed / type-widened
//   required    a property required by the reader that the writer may omit (a required property
//               declaring a "default" counts as filled in)      required-added / required-removed
//   enum        a value (enum/const) the writer allows is not accepted enum-narrowed / enum-widened
//   range       minimum/maximum/exclusive*, multipleOf, min/maxLength, pattern, format,
//               min/maxItems, uniqueItems, min/maxProperties tighten   range-narrowed / range-widened
//   additionalProperties  the reader closes (false) what the writer leaves open
//                         additional-properties-closed / additional-properties-opened
//   property    a property the writer declares is rejected by the reader's additionalProperties:
//               false                                            property-removed / property-added
//   unsupported a combinator (allOf, anyOf, oneOf, not, if/then/else, dependencies,
//               propertyNames, contains) or tuple items appear or change on the reader side:
//               compatibility cannot be proven                           unsupported-change
// Nested objects (properties, additionalProperties schemas) and arrays (items, additionalItems)
// are compared recursively; local $refs are followed. A property only one side declares, in an
// open object (additionalProperties absent or true), is not compared: adding or removing an
// optional property is compatible in every mode (Confluent's stricter open-content rule is not
// applied).
//
// Thread safety: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rt::registry {

enum class CompatibilityMode {
  kNone,
  kBackward,
  kForward,
  kFull,
  kBackwardTransitive,
  kForwardTransitive,
  kFullTransitive,
};

// "backward", "backward_transitive", ... (lowercase, as sent and stored); nullopt if unknown.
std::optional<CompatibilityMode> ParseCompatibilityMode(std::string_view name);
const char* CompatibilityModeName(CompatibilityMode mode);
// "none, backward, forward, full, backward_transitive, forward_transitive, full_transitive"
const char* CompatibilityModeList();

struct CompatIssue {
  std::string path;     // JSON Pointer of the field in the payload ("" = the payload, "/*" = any item)
  std::string rule;     // e.g. "type-narrowed"
  std::string message;  // names the versions compared
  bool operator==(const CompatIssue&) const = default;
};

struct SchemaVersionRef {
  int64_t version = 0;
  const boost::json::value* schema = nullptr;  // not owned; outlives the call
};

// Checks next against earlier (oldest first) under mode. Empty: compatible.
std::vector<CompatIssue> CheckCompatibility(CompatibilityMode mode, const std::vector<SchemaVersionRef>& earlier,
                                            const boost::json::value& next);

}  // namespace rt::registry
