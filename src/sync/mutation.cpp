#include "sync/mutation.h"

#include <cmath>
#include <limits>

#include "core/json.h"
#include "sync/json_merge.h"

namespace rt::sync {
namespace {

using boost::json::value;

const char* OpName(MutationOp op) {
  switch (op) {
    case MutationOp::kSet: return "set";
    case MutationOp::kRemove: return "remove";
    case MutationOp::kIncrement: return "increment";
    case MutationOp::kAppend: return "append";
    case MutationOp::kMerge: return "merge";
  }
  return "set";
}

const char* KindName(const value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
  }
  return "a value";
}

// An array index segment: digits without leading zeros, below size (or equal, or "-", when
// allow_end). Returns size for "-".
Result<size_t> ParseIndex(const std::string& seg, size_t size, bool allow_end) {
  if (seg == "-" && allow_end) return size;
  bool digits = !seg.empty() && seg.size() <= 9 && (seg == "0" || seg[0] != '0');
  for (char c : seg) digits = digits && c >= '0' && c <= '9';
  if (!digits) return Error::Validation("'" + seg + "' is not an array index");
  size_t i = std::stoul(seg);
  if (i > size || (i == size && !allow_end))
    return Error::Validation("index " + seg + " is out of range (array length " + std::to_string(size) + ")");
  return i;
}

// The container holding the last segment; missing objects on the way are created if create.
Result<value*> Parent(value& root, const std::vector<std::string>& segs, bool create) {
  value* cur = &root;
  for (size_t i = 0; i + 1 < segs.size(); ++i) {
    const std::string& seg = segs[i];
    if (cur->is_object()) {
      value* next = cur->get_object().if_contains(seg);
      if (!next) {
        if (!create) return Error::Validation("'" + seg + "' not found");
        next = &(cur->get_object()[seg] = boost::json::object());
      }
      cur = next;
    } else if (cur->is_array()) {
      auto idx = ParseIndex(seg, cur->get_array().size(), false);
      if (!idx.ok()) return idx.take_error();
      cur = &cur->get_array()[*idx];
    } else {
      return Error::Validation("cannot descend into " + std::string(KindName(*cur)) + " at '" + seg + "'");
    }
  }
  if (!cur->is_object() && !cur->is_array())
    return Error::Validation("the parent is " + std::string(KindName(*cur)) + ", not an object or array");
  return cur;
}

Result<value> Add(const value& a, const value& b) {
  auto as_int = [](const value& v, int64_t* out) {
    if (v.is_int64()) return *out = v.get_int64(), true;
    if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return *out = static_cast<int64_t>(v.get_uint64()), true;
    return false;
  };
  int64_t x = 0, y = 0, sum = 0;
  if (as_int(a, &x) && as_int(b, &y) && !__builtin_add_overflow(x, y, &sum)) return value(sum);
  double d = a.to_number<double>() + b.to_number<double>();
  if (!std::isfinite(d)) return Error::Validation("the result is not a finite number");
  return value(d);
}

// Applies m to an existing target.
Status ApplyToSlot(value& slot, const Mutation& m) {
  switch (m.op) {
    case MutationOp::kSet: slot = m.value; return Ok();
    case MutationOp::kIncrement: {
      if (!slot.is_number()) return Error::Validation(std::string("the target is ") + KindName(slot) + ", not a number");
      auto sum = Add(slot, m.value);
      if (!sum.ok()) return sum.take_error();
      slot = std::move(*sum);
      return Ok();
    }
    case MutationOp::kAppend:
      if (!slot.is_array()) return Error::Validation(std::string("the target is ") + KindName(slot) + ", not an array");
      slot.get_array().push_back(m.value);
      return Ok();
    case MutationOp::kMerge:
      if (!slot.is_object()) return Error::Validation(std::string("the target is ") + KindName(slot) + ", not an object");
      DeepMerge(slot.get_object(), m.value.get_object());
      return Ok();
    case MutationOp::kRemove: break;
  }
  return Error::Validation("unsupported op");
}

// The value an absent target takes.
value Initial(const Mutation& m) {
  switch (m.op) {
    case MutationOp::kAppend: return boost::json::array{m.value};
    case MutationOp::kMerge: {
      boost::json::object o;
      DeepMerge(o, m.value.get_object());
      return o;
    }
    default: return m.value;  // set, increment (0 + value)
  }
}

Status ApplyAtRoot(value& root, const Mutation& m) {
  if (m.op == MutationOp::kSet && m.value.is_object()) return root = m.value, Ok();
  if (m.op == MutationOp::kMerge) return DeepMerge(root.get_object(), m.value.get_object()), Ok();
  if (m.op == MutationOp::kSet) return Error::Validation("the whole document can only be set to an object");
  return Error::Validation(std::string("cannot ") + OpName(m.op) + " the whole document");
}

Status ApplyOne(value& root, const Mutation& m) {
  if (m.segments.empty()) return ApplyAtRoot(root, m);
  bool remove = m.op == MutationOp::kRemove;
  auto parent = Parent(root, m.segments, !remove);
  if (!parent.ok()) return parent.take_error();
  const std::string& last = m.segments.back();
  if ((*parent)->is_object()) {
    auto& obj = (*parent)->get_object();
    value* slot = obj.if_contains(last);
    if (remove) return slot ? (obj.stable_erase(last), Ok()) : Status(Error::Validation("'" + last + "' not found"));
    if (!slot) return obj[last] = Initial(m), Ok();
    return ApplyToSlot(*slot, m);
  }
  auto& arr = (*parent)->get_array();
  auto idx = ParseIndex(last, arr.size(), m.op == MutationOp::kSet);
  if (!idx.ok()) return idx.take_error();
  if (*idx == arr.size()) return arr.push_back(m.value), Ok();
  if (remove) return arr.erase(arr.begin() + static_cast<std::ptrdiff_t>(*idx)), Ok();
  return ApplyToSlot(arr[*idx], m);
}

Result<Mutation> ParseOne(const value& v, size_t i) {
  std::string at = "mutations[" + std::to_string(i) + "]";
  if (!v.is_object()) return Error::Validation(at + " must be an object {op, path, value}");
  const auto& o = v.get_object();
  Mutation m;
  const value* op = o.if_contains("op");
  if (!op || !op->is_string()) return Error::Validation(at + ".op is required: set, remove, increment, append or merge");
  std::string_view name(op->get_string().data(), op->get_string().size());
  if (name == "set") m.op = MutationOp::kSet;
  else if (name == "remove") m.op = MutationOp::kRemove;
  else if (name == "increment") m.op = MutationOp::kIncrement;
  else if (name == "append") m.op = MutationOp::kAppend;
  else if (name == "merge") m.op = MutationOp::kMerge;
  else return Error::Validation(at + ".op '" + std::string(json::Utf8Prefix(name, 50)) + "' is not one of set, remove, increment, append, merge");
  const value* path = o.if_contains("path");
  if (!path || !path->is_string()) return Error::Validation(at + ".path is required and must be a JSON Pointer string");
  m.pointer = std::string(path->get_string());
  auto segs = ParsePointer(m.pointer);
  if (!segs.ok()) return Error::Validation(at + ".path: " + segs.error().message);
  m.segments = std::move(*segs);
  const value* val = o.if_contains("value");
  if (m.op == MutationOp::kRemove) return m;
  if (!val) return Error::Validation(at + ".value is required for " + std::string(name));
  if (m.op == MutationOp::kIncrement && !val->is_number()) return Error::Validation(at + ".value must be a number");
  if (m.op == MutationOp::kMerge && !val->is_object()) return Error::Validation(at + ".value must be an object");
  m.value = *val;
  return m;
}

}  // namespace

Result<std::vector<std::string>> ParsePointer(std::string_view p) {
  std::vector<std::string> segs;
  if (p.empty()) return segs;
  if (p[0] != '/') return Error::Validation("'" + std::string(json::Utf8Prefix(p, 100)) + "' must be empty or start with '/'");
  std::string cur;
  for (size_t i = 1; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '/') {
      segs.push_back(std::move(cur));
      cur.clear();
      if (segs.size() > kMaxPointerSegments)
        return Error::Validation("more than " + std::to_string(kMaxPointerSegments) + " path segments");
    } else if (p[i] == '~') {
      char next = i + 1 < p.size() ? p[i + 1] : '\0';
      if (next != '0' && next != '1') return Error::Validation("bad escape '~' in '" + std::string(json::Utf8Prefix(p, 100)) + "' (use ~0 or ~1)");
      cur += next == '0' ? '~' : '/';
      ++i;
    } else {
      cur += p[i];
    }
  }
  return segs;
}

Result<std::vector<Mutation>> ParseMutations(const value& mutations) {
  std::vector<Mutation> out;
  if (mutations.is_object()) {
    for (const auto& kv : mutations.get_object()) {
      Mutation m;
      m.segments = {std::string(kv.key())};
      m.pointer = "/" + std::string(kv.key());
      m.value = kv.value();
      out.push_back(std::move(m));
    }
  } else if (mutations.is_array()) {
    const auto& arr = mutations.get_array();
    if (arr.size() > kMaxMutations)
      return Error::Validation("at most " + std::to_string(kMaxMutations) + " mutations per request");
    for (size_t i = 0; i < arr.size(); ++i) {
      auto m = ParseOne(arr[i], i);
      if (!m.ok()) return m.take_error();
      out.push_back(std::move(*m));
    }
  } else {
    return Error::Validation("mutations must be an array of {op, path, value} or an object of fields to set");
  }
  if (out.empty()) return Error::Validation("mutations must not be empty");
  if (out.size() > kMaxMutations) return Error::Validation("at most " + std::to_string(kMaxMutations) + " mutations per request");
  return out;
}

Result<boost::json::object> ApplyMutations(const boost::json::object& data, const std::vector<Mutation>& mutations) {
  value root(data);
  for (size_t i = 0; i < mutations.size(); ++i) {
    const Mutation& m = mutations[i];
    if (Status st = ApplyOne(root, m); !st.ok())
      return Error::Validation("mutations[" + std::to_string(i) + "] (" + OpName(m.op) + " '" + m.pointer +
                               "'): " + st.error().message);
  }
  return std::move(root.get_object());
}

}  // namespace rt::sync
