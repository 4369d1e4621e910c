// Structured document mutations (POST /api/sync/:service/documents/:id/mutate).
//
// Two input forms for `mutations`:
//   array   [{"op":"set","path":"/status","value":"ended"}, {"op":"increment","path":"/n","value":-1}]
//           (spec/21-api-sync.md) with JSON Pointer paths (RFC 6901: "" is the whole document,
//           "/a/b", "~1" is '/', "~0" is '~'; array elements by index, "-" past the end);
//   object  {"status":"ended","participantCount":0} (spec/33-sdk-sync-client.md): each key is set
//           at the top level, as is (null stores null).
// Ops (the target is the value the path names):
//   set        stores value; missing parent objects are created; an array index may be the
//              length (or "-") to append. Setting "" needs an object and replaces the data.
//   remove     deletes the target, which must exist; "" cannot be removed.
//   increment  adds the number value to a number target (absent counts as 0).
//   append     pushes value as one element onto an array target (absent: a new array).
//   merge      deep-merges the object value into an object target (json_merge.h; absent: {}).
// Every mutation of a request applies to the result of the previous ones, all or nothing: the
// first failure is a ValidationError naming the mutation's index and path, and the document is
// not changed.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.h"

namespace rt::sync {

enum class MutationOp { kSet, kRemove, kIncrement, kAppend, kMerge };

struct Mutation {
  MutationOp op = MutationOp::kSet;
  std::string pointer;                // as given, for messages
  std::vector<std::string> segments;  // decoded pointer
  boost::json::value value;
};

inline constexpr size_t kMaxMutations = 1000;
inline constexpr size_t kMaxPointerSegments = 64;

// RFC 6901 pointer -> unescaped segments; ValidationError for a pointer not starting with '/'
// (other than ""), a bad escape, or more than kMaxPointerSegments segments.
Result<std::vector<std::string>> ParsePointer(std::string_view pointer);

// Parses `mutations` (either form). ValidationError for anything else, an empty list, more than
// kMaxMutations, an unknown op, a missing or mistyped value.
Result<std::vector<Mutation>> ParseMutations(const boost::json::value& mutations);

// The data after every mutation, or the first error (data itself is never changed).
Result<boost::json::object> ApplyMutations(const boost::json::object& data, const std::vector<Mutation>& mutations);

}  // namespace rt::sync
