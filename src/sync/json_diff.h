// JsonDiff (spec/37-services-sync.md): what changed between two versions of a document's data.
//   {"added":   {"path": newValue, …},
//    "removed": ["path", …],
//    "changed": {"path": {"from": old, "to": new}, …}}
// Objects are compared key by key, recursively; a nested key is named by its dotted path
// ("address.city"). Arrays and scalars are compared as whole values. A key whose value turns
// from an object into something else (or back) is `changed`. Equal data gives three empty
// members. Order: keys of `after` (added, changed) and of `before` (removed) as they appear.
//
// Thread safety: pure function.
#pragma once

#include <boost/json/object.hpp>

namespace rt::sync {

boost::json::object JsonDiff(const boost::json::object& before, const boost::json::object& after);

}  // namespace rt::sync
