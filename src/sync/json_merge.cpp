#include "sync/json_merge.h"

#include <algorithm>
#include <string>

#include "core/json.h"

namespace rt::sync {

void DeepMerge(boost::json::object& target, const boost::json::object& patch) {
  for (const auto& kv : patch) {
    const boost::json::value& v = kv.value();
    if (v.is_null()) {
      target.stable_erase(kv.key());
    } else if (v.is_object()) {
      boost::json::value& slot = target[kv.key()];
      if (!slot.is_object()) slot = boost::json::object();
      DeepMerge(slot.get_object(), v.get_object());
    } else {
      target[kv.key()] = v;
    }
  }
}

size_t Depth(const boost::json::value& v) {
  size_t inner = 0;
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) inner = std::max(inner, Depth(kv.value()));
    return inner + 1;
  }
  if (v.is_array()) {
    for (const auto& e : v.get_array()) inner = std::max(inner, Depth(e));
    return inner + 1;
  }
  return 0;
}

Status CheckLimits(const boost::json::object& data, const DocumentLimits& limits, const char* what) {
  size_t depth = 0;
  for (const auto& kv : data) depth = std::max(depth, Depth(kv.value()));
  if (depth + 1 > limits.max_depth)
    return Error::Validation(std::string(what) + " nests " + std::to_string(depth + 1) + " levels deep; the limit is " +
                             std::to_string(limits.max_depth));
  std::string probe;
  json::AppendValue(probe, data);
  if (probe.size() > limits.max_bytes)
    return Error{ErrorCode::kPayloadTooLarge,
                 std::string(what) + " is " + std::to_string(probe.size()) + " bytes; the limit is " +
                     std::to_string(limits.max_bytes),
                 nullptr};
  return Ok();
}

}  // namespace rt::sync
