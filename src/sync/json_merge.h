// Pure JSON helpers of the sync documents: deep merge (JSON Merge Patch, RFC 7386) and the
// document limits.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.h"

namespace rt::sync {

// Merges patch into target: a nested object merges key by key, recursively; null removes the
// key; any other value (arrays included) replaces. A patch object landing where target has no
// object is merged into {} (so its nulls vanish), as RFC 7386 specifies.
void DeepMerge(boost::json::object& target, const boost::json::object& patch);

// Nesting depth: a scalar is 0, {} and [] are 1, {"a":{"b":1}} is 2.
size_t Depth(const boost::json::value& v);

struct DocumentLimits {
  size_t max_bytes = 256 * 1024;  // serialized data
  size_t max_depth = 32;          // Depth(data)
};

// PayloadTooLarge (413) when data serializes to more than max_bytes; ValidationError (400) when
// it nests deeper than max_depth. `what` names the value in the message (e.g. "document data").
Status CheckLimits(const boost::json::object& data, const DocumentLimits& limits, const char* what);

}  // namespace rt::sync
