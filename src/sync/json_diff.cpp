#include "sync/json_diff.h"

#include <string>

#include <boost/json/array.hpp>

namespace rt::sync {
namespace {

struct DiffOut {
  boost::json::object added;
  boost::json::array removed;
  boost::json::object changed;
};

std::string Join(const std::string& prefix, boost::json::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

void Walk(const boost::json::object& before, const boost::json::object& after, const std::string& prefix,
          DiffOut& out) {
  for (const auto& kv : after) {
    std::string path = Join(prefix, kv.key());
    const boost::json::value* old = before.if_contains(kv.key());
    if (!old) {
      out.added[path] = kv.value();
    } else if (old->is_object() && kv.value().is_object()) {
      Walk(old->get_object(), kv.value().get_object(), path, out);
    } else if (*old != kv.value()) {
      out.changed[path] = boost::json::object{{"from", *old}, {"to", kv.value()}};
    }
  }
  for (const auto& kv : before) {
    if (!after.contains(kv.key())) out.removed.emplace_back(Join(prefix, kv.key()));
  }
}

}  // namespace

boost::json::object JsonDiff(const boost::json::object& before, const boost::json::object& after) {
  DiffOut out;
  Walk(before, after, "", out);
  return {{"added", std::move(out.added)}, {"removed", std::move(out.removed)}, {"changed", std::move(out.changed)}};
}

}  // namespace rt::sync
