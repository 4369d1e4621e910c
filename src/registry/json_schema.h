// JsonSchema: one JSON Schema (draft-07) compiled once for validating many payloads.
//
// Compile() checks the document and builds the validator (valijson, DESIGN.md §2). It refuses,
// with a ValidationError naming what is wrong and where:
//   - a document that is not an object or a boolean;
//   - a keyword of the wrong shape ("type": 5, "required": "x", "minimum": "a", ...);
//   - a `$ref` that is not local (anything but "#" or "#/..."): remote documents are never
//     fetched; a local `$ref` whose target does not exist;
//   - a `pattern` that is not a valid ECMAScript regular expression.
// Supported keywords: type, enum, const, properties, required, additionalProperties,
// patternProperties, propertyNames, dependencies, minProperties, maxProperties, items,
// additionalItems, contains, minItems, maxItems, uniqueItems, minimum, maximum,
// exclusiveMinimum, exclusiveMaximum, multipleOf, minLength, maxLength, pattern, allOf, anyOf,
// oneOf, not, if/then/else, definitions + local $ref. `format` (date, time, date-time are
// checked), `title`, `description`, `default`, `examples`, `$comment` are annotations.
//
// Validate() reports every violation as {path, message}: path is the RFC 6901 JSON Pointer of
// the offending value in the payload ("" is the payload itself, "/sessionId", "/tags/0"),
// message a short sentence in the style of the spec ("must be string", "must have required
// property 'status'"). At most kMaxErrors are reported.
//
// Limit: patterns and the date/time formats are matched with std::regex, whose recursion grows
// with the length of the string (a 50 KB string overflows a thread's stack). So when a schema
// uses pattern, patternProperties or format date/time/date-time, a payload with any string value
// or member name longer than kMaxRegexSubject characters is invalid ("must NOT have more than
// 4096 characters ...", with its path), whatever its place in the payload.
//
// Thread safety: a compiled JsonSchema is immutable; Validate/IsValid may run concurrently on
// any thread (regex caches are per thread). Share it as shared_ptr<const JsonSchema>.
// Failure: Compile returns ValidationError; Validate never fails (it returns the violations).
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace rt::registry {

struct SchemaViolation {
  std::string path;     // JSON Pointer into the payload
  std::string message;  // e.g. "must be string"
  bool operator==(const SchemaViolation&) const = default;
};

class JsonSchema {
 public:
  static constexpr size_t kMaxErrors = 20;
  static constexpr size_t kMaxRegexSubject = 4096;

  // Compiles schema; the returned object keeps its own copy of the document.
  static Result<std::shared_ptr<const JsonSchema>> Compile(const boost::json::value& schema);

  ~JsonSchema();
  JsonSchema(const JsonSchema&) = delete;
  JsonSchema& operator=(const JsonSchema&) = delete;

  // True when payload conforms (stops at the first violation: the cheap check of the gate).
  bool IsValid(const boost::json::value& payload) const;
  // Every violation (empty when valid), at most kMaxErrors.
  std::vector<SchemaViolation> Validate(const boost::json::value& payload) const;

  const boost::json::value& document() const { return document_; }

 private:
  struct Impl;
  JsonSchema();

  boost::json::value document_;
  std::unique_ptr<Impl> impl_;
};

// [{"path": ..., "message": ...}, ...]
boost::json::array ViolationsToJson(const std::vector<SchemaViolation>& violations);

}  // namespace rt::registry
