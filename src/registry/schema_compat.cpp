#include "registry/schema_compat.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <regex>
#include <set>
#include <utility>

#include "registry/schema_pointer.h"

namespace rt::registry {
namespace {

namespace json = boost::json;

enum class Dir { kBackward, kForward };  // backward: reader = new, writer = old
enum Kind { kType, kRequired, kEnum, kRange, kAdditional, kProperty, kUnsupported, kKinds };

constexpr std::array<std::array<const char*, kKinds>, 2> kRules = {{
    {"type-narrowed", "required-added", "enum-narrowed", "range-narrowed", "additional-properties-closed",
     "property-removed", "unsupported-change"},
    {"type-widened", "required-removed", "enum-widened", "range-widened", "additional-properties-opened",
     "property-added", "unsupported-change"},
}};

constexpr int kMaxDepth = 32;
const json::value kAnySchema = json::object{};

struct Ctx {
  const json::value& reader_root;
  const json::value& writer_root;
  Dir dir;
  int64_t other_version;  // the earlier version compared with
  std::vector<CompatIssue>& out;
  // (reader, writer) pairs already compared: recursive schemas compare each pair once.
  std::set<std::pair<const json::value*, const json::value*>>& seen;

  void Add(Kind kind, const std::string& path, const std::string& what) const {
    std::string v = std::to_string(other_version);
    std::string why = dir == Dir::kBackward
                          ? " (payloads valid under version " + v + " would be rejected by the new schema)"
                          : " (payloads valid under the new schema would be rejected by version " + v + ")";
    out.push_back({path, kRules[dir == Dir::kBackward ? 0 : 1][kind], what + why});
  }
};

const json::value* Get(const json::value& s, std::string_view k) {
  return s.is_object() ? s.get_object().if_contains(k) : nullptr;
}

constexpr std::array<std::string_view, 7> kTypes = {"null",   "boolean", "object", "array",
                                                    "number", "integer", "string"};

// The JSON types a schema allows (absent "type": every type).
std::vector<std::string> Types(const json::value& s) {
  const auto* t = Get(s, "type");
  std::vector<std::string> out;
  if (t && t->is_string())
    out.emplace_back(t->get_string());
  else if (t && t->is_array())
    for (const auto& e : t->get_array())
      if (e.is_string()) out.emplace_back(e.get_string());
  if (out.empty()) out.assign(kTypes.begin(), kTypes.end());
  return out;
}

bool Has(const std::vector<std::string>& v, std::string_view t) { return std::find(v.begin(), v.end(), t) != v.end(); }
bool MayBe(const std::vector<std::string>& v, std::string_view t) {
  return Has(v, t) || (t == "number" && Has(v, "integer"));
}
bool Accepts(const std::vector<std::string>& reader, const std::string& t) {
  return Has(reader, t) || (t == "integer" && Has(reader, "number"));
}

std::string Join(const std::vector<std::string>& v) {
  if (v.size() == kTypes.size()) return "any type";
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "|") + s;
  return out;
}

void CheckTypes(const Ctx& c, const json::value& r, const json::value& w, const std::string& path) {
  auto rt = Types(r), wt = Types(w);
  std::vector<std::string> lost;
  for (const auto& t : wt)
    if (!Accepts(rt, t)) lost.push_back(t);
  if (lost.empty()) return;
  const auto& old_t = c.dir == Dir::kBackward ? wt : rt;
  const auto& new_t = c.dir == Dir::kBackward ? rt : wt;
  c.Add(kType, path, "type changed from " + Join(old_t) + " to " + Join(new_t));
}

std::optional<json::array> EnumOf(const json::value& s) {
  if (const auto* k = Get(s, "const")) return json::array{*k};
  if (const auto* e = Get(s, "enum"); e && e->is_array()) return e->get_array();
  return std::nullopt;
}

void CheckEnum(const Ctx& c, const json::value& r, const json::value& w, const std::string& path) {
  auto re = EnumOf(r);
  if (!re) return;
  auto we = EnumOf(w);
  if (!we) {
    c.Add(kEnum, path, "allowed values restricted to " + json::serialize(*re) + " where any value was allowed");
    return;
  }
  for (const auto& v : *we)
    if (std::find(re->begin(), re->end(), v) == re->end())
      c.Add(kEnum, path,
            "value " + json::serialize(v) + " is in " + json::serialize(*we) + " but not in " + json::serialize(*re));
}

std::optional<double> Num(const json::value& s, std::string_view k) {
  const auto* v = Get(s, k);
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

struct Bound {
  bool present = false;
  double v = 0;
  bool exclusive = false;
};

// The tighter of "minimum"/"exclusiveMinimum" (lower) or "maximum"/"exclusiveMaximum" (upper).
Bound NumBound(const json::value& s, bool lower) {
  Bound b;
  if (auto m = Num(s, lower ? "minimum" : "maximum")) b = {true, *m, false};
  if (auto x = Num(s, lower ? "exclusiveMinimum" : "exclusiveMaximum")) {
    bool tighter = !b.present || (lower ? *x >= b.v : *x <= b.v);
    if (tighter) b = {true, *x, true};
  }
  return b;
}

std::string Describe(const Bound& b, bool lower) {
  if (!b.present) return "none";
  json::value v = b.v;
  if (std::floor(b.v) == b.v && std::fabs(b.v) < 1e15) v = static_cast<int64_t>(b.v);
  return std::string(lower ? (b.exclusive ? "> " : ">= ") : (b.exclusive ? "< " : "<= ")) + json::serialize(v);
}

// Does the reader's bound admit every value the writer's bound admits?
bool Admits(const Bound& r, const Bound& w, bool lower) {
  if (!r.present) return true;
  if (!w.present) return false;
  if (r.v != w.v) return lower ? r.v < w.v : r.v > w.v;
  return !r.exclusive || w.exclusive;
}

void CheckBound(const Ctx& c, const json::value& r, const json::value& w, const std::string& path, bool lower) {
  Bound rb = NumBound(r, lower), wb = NumBound(w, lower);
  if (Admits(rb, wb, lower)) return;
  const Bound& o = c.dir == Dir::kBackward ? wb : rb;
  const Bound& n = c.dir == Dir::kBackward ? rb : wb;
  c.Add(kRange, path,
        std::string(lower ? "lower" : "upper") + " bound changed from " + Describe(o, lower) + " to " +
            Describe(n, lower));
}

// min*/max* counts: the reader's min must not exceed the writer's, its max not be below.
void CheckCount(const Ctx& c, const json::value& r, const json::value& w, const std::string& path,
                std::string_view min_k, std::string_view max_k) {
  auto text = [](std::optional<double> v) {
    return v ? std::to_string(static_cast<int64_t>(*v)) : std::string("none");
  };
  auto rmin = Num(r, min_k), wmin = Num(w, min_k);
  if (rmin && *rmin > wmin.value_or(0)) {
    auto [o, n] = c.dir == Dir::kBackward ? std::pair(wmin, rmin) : std::pair(rmin, wmin);
    c.Add(kRange, path, std::string(min_k) + " changed from " + text(o) + " to " + text(n));
  }
  auto rmax = Num(r, max_k), wmax = Num(w, max_k);
  if (rmax && (!wmax || *rmax < *wmax)) {
    auto [o, n] = c.dir == Dir::kBackward ? std::pair(wmax, rmax) : std::pair(rmax, wmax);
    c.Add(kRange, path, std::string(max_k) + " changed from " + text(o) + " to " + text(n));
  }
}

// Keywords the reader may only keep identical: added or changed, the checker cannot decide.
void CheckSame(const Ctx& c, const json::value& r, const json::value& w, const std::string& path, std::string_view k,
               Kind kind) {
  const auto* rv = Get(r, k);
  if (!rv) return;
  const auto* wv = Get(w, k);
  if (wv && *wv == *rv) return;
  const auto* o = c.dir == Dir::kBackward ? wv : rv;
  const auto* n = c.dir == Dir::kBackward ? rv : wv;
  c.Add(kind, path,
        std::string(k) + " changed from " + (o ? json::serialize(*o) : "none") + " to " +
            (n ? json::serialize(*n) : "none"));
}

void CheckScalars(const Ctx& c, const json::value& r, const json::value& w, const std::string& path) {
  auto wt = Types(w);
  if (MayBe(wt, "number")) {
    CheckBound(c, r, w, path, true);
    CheckBound(c, r, w, path, false);
    if (auto rm = Num(r, "multipleOf")) {
      auto wm = Num(w, "multipleOf");
      if (!wm || std::fmod(*wm, *rm) != 0) CheckSame(c, r, w, path, "multipleOf", kRange);
    }
  }
  if (Has(wt, "string")) {
    CheckCount(c, r, w, path, "minLength", "maxLength");
    CheckSame(c, r, w, path, "pattern", kRange);
    CheckSame(c, r, w, path, "format", kRange);
  }
  if (Has(wt, "array")) {
    CheckCount(c, r, w, path, "minItems", "maxItems");
    const auto* ru = Get(r, "uniqueItems");
    const auto* wu = Get(w, "uniqueItems");
    if (ru && ru->is_bool() && ru->get_bool() && !(wu && wu->is_bool() && wu->get_bool()))
      c.Add(kRange, path, "uniqueItems changed from false to true");
  }
  if (Has(wt, "object")) CheckCount(c, r, w, path, "minProperties", "maxProperties");
}

void Reads(const Ctx& c, const json::value* r, const json::value* w, const std::string& path, int depth);

bool IsFalse(const json::value* v) { return v && v->is_bool() && !v->get_bool(); }
bool HasDefault(const json::value* s) { return s && Get(*s, "default"); }

bool PatternMatches(const json::value& s, const std::string& name) {
  const auto* pp = Get(s, "patternProperties");
  if (!pp || !pp->is_object() || name.size() > 4096) return false;  // std::regex recursion: see json_schema.h
  for (const auto& kv : pp->get_object()) {
    try {
      if (std::regex_search(name, std::regex(std::string(kv.key()), std::regex::ECMAScript))) return true;
    } catch (const std::regex_error&) {
    }
  }
  return false;
}

void CheckObject(const Ctx& c, const json::value& r, const json::value& w, const std::string& path, int depth) {
  static const json::object kEmpty;
  const auto* rp = Get(r, "properties");
  const auto* wp = Get(w, "properties");
  const json::object& rprops = rp && rp->is_object() ? rp->get_object() : kEmpty;
  const json::object& wprops = wp && wp->is_object() ? wp->get_object() : kEmpty;
  const auto* radd = Get(r, "additionalProperties");
  const auto* wadd = Get(w, "additionalProperties");

  std::vector<std::string> wreq;
  if (const auto* q = Get(w, "required"); q && q->is_array())
    for (const auto& n : q->get_array())
      if (n.is_string()) wreq.emplace_back(n.get_string());
  if (const auto* q = Get(r, "required"); q && q->is_array()) {
    for (const auto& n : q->get_array()) {
      if (!n.is_string() || Has(wreq, n.get_string()) || HasDefault(rprops.if_contains(n.get_string()))) continue;
      if (IsFalse(wadd) && !wprops.contains(n.get_string())) continue;  // the writer never sends it: not our case
      c.Add(
          kRequired, path + "/" + EscapePointerToken(n.get_string()),
          "property '" + std::string(n.get_string()) + "' is required by " +
              (c.dir == Dir::kBackward ? std::string("the new schema") : "version " + std::to_string(c.other_version)) +
              " but not by " +
              (c.dir == Dir::kBackward ? "version " + std::to_string(c.other_version) : std::string("the new schema")));
    }
  }
  for (const auto& kv : wprops) {
    std::string name(kv.key());
    std::string sub = path + "/" + EscapePointerToken(name);
    if (const auto* rs = rprops.if_contains(name)) {
      Reads(c, rs, &kv.value(), sub, depth + 1);
    } else if (IsFalse(radd) && !PatternMatches(r, name)) {
      c.Add(kProperty, sub, "property '" + name + "' is not accepted (additionalProperties is false)");
    } else if (radd && radd->is_object() && !PatternMatches(r, name)) {
      Reads(c, radd, &kv.value(), sub, depth + 1);
    }
  }
  if (wadd && wadd->is_object()) {
    for (const auto& kv : rprops)
      if (!wprops.contains(kv.key())) Reads(c, &kv.value(), wadd, path + "/" + EscapePointerToken(kv.key()), depth + 1);
  }
  if (IsFalse(radd) && !IsFalse(wadd)) {
    c.Add(kAdditional, path, "additionalProperties changed to false");
  } else if (radd && radd->is_object()) {
    if (wadd && wadd->is_object())
      Reads(c, radd, wadd, path + "/*", depth + 1);
    else if (!IsFalse(wadd))
      Reads(c, radd, &kAnySchema, path + "/*", depth + 1);
  }
}

void CheckArray(const Ctx& c, const json::value& r, const json::value& w, const std::string& path, int depth) {
  const auto* ri = Get(r, "items");
  const auto* wi = Get(w, "items");
  if (!ri) return;
  if (ri->is_object() || ri->is_bool()) {
    if (!wi || wi->is_object() || wi->is_bool()) {
      Reads(c, ri, wi ? wi : &kAnySchema, path + "/*", depth + 1);
    } else {
      const auto& wa = wi->get_array();
      for (size_t i = 0; i < wa.size(); ++i) Reads(c, ri, &wa[i], path + "/" + std::to_string(i), depth + 1);
    }
    return;
  }
  if (ri->is_array() && wi && wi->is_array() && Get(r, "additionalItems") == Get(w, "additionalItems")) {
    const auto& ra = ri->get_array();
    const auto& wa = wi->get_array();
    for (size_t i = 0; i < std::min(ra.size(), wa.size()); ++i)
      Reads(c, &ra[i], &wa[i], path + "/" + std::to_string(i), depth + 1);
    if (ra.size() == wa.size()) return;
  }
  CheckSame(c, r, w, path, "items", kUnsupported);
}

void Reads(const Ctx& c, const json::value* r, const json::value* w, const std::string& path, int depth) {
  r = Dereference(c.reader_root, r);
  w = Dereference(c.writer_root, w);
  if (!r || !w || depth > kMaxDepth || !c.seen.insert({r, w}).second) return;
  if (w->is_bool()) {
    if (!w->get_bool()) return;  // the writer produces nothing here
    w = &kAnySchema;
  }
  if (r->is_bool()) {
    if (!r->get_bool()) c.Add(kType, path, "the schema at this place became false (accepts nothing)");
    return;
  }
  CheckTypes(c, *r, *w, path);
  CheckEnum(c, *r, *w, path);
  CheckScalars(c, *r, *w, path);
  for (std::string_view k :
       {"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependencies", "propertyNames", "contains"})
    CheckSame(c, *r, *w, path, k, kUnsupported);
  auto rt = Types(*r), wt = Types(*w);
  if (Has(rt, "object") && Has(wt, "object")) CheckObject(c, *r, *w, path, depth);
  if (Has(rt, "array") && Has(wt, "array")) CheckArray(c, *r, *w, path, depth);
}

// Every issue of reader reading writer's payloads, appended to out.
void Compare(const json::value& reader, const json::value& writer, Dir dir, int64_t version,
             std::vector<CompatIssue>& out) {
  std::set<std::pair<const json::value*, const json::value*>> seen;
  Reads(Ctx{reader, writer, dir, version, out, seen}, &reader, &writer, "", 0);
}

}  // namespace

std::optional<CompatibilityMode> ParseCompatibilityMode(std::string_view name) {
  for (auto m : {CompatibilityMode::kNone, CompatibilityMode::kBackward, CompatibilityMode::kForward,
                 CompatibilityMode::kFull, CompatibilityMode::kBackwardTransitive,
                 CompatibilityMode::kForwardTransitive, CompatibilityMode::kFullTransitive})
    if (name == CompatibilityModeName(m)) return m;
  return std::nullopt;
}

const char* CompatibilityModeName(CompatibilityMode mode) {
  switch (mode) {
    case CompatibilityMode::kNone:
      return "none";
    case CompatibilityMode::kBackward:
      return "backward";
    case CompatibilityMode::kForward:
      return "forward";
    case CompatibilityMode::kFull:
      return "full";
    case CompatibilityMode::kBackwardTransitive:
      return "backward_transitive";
    case CompatibilityMode::kForwardTransitive:
      return "forward_transitive";
    case CompatibilityMode::kFullTransitive:
      return "full_transitive";
  }
  return "backward";
}

const char* CompatibilityModeList() {
  return "none, backward, forward, full, backward_transitive, forward_transitive, full_transitive";
}

std::vector<CompatIssue> CheckCompatibility(CompatibilityMode mode, const std::vector<SchemaVersionRef>& earlier,
                                            const json::value& next) {
  std::vector<CompatIssue> out;
  if (mode == CompatibilityMode::kNone || earlier.empty()) return out;
  bool transitive = mode == CompatibilityMode::kBackwardTransitive || mode == CompatibilityMode::kForwardTransitive ||
                    mode == CompatibilityMode::kFullTransitive;
  bool backward = mode != CompatibilityMode::kForward && mode != CompatibilityMode::kForwardTransitive;
  bool forward = mode != CompatibilityMode::kBackward && mode != CompatibilityMode::kBackwardTransitive;
  size_t first = transitive ? 0 : earlier.size() - 1;
  for (size_t i = earlier.size(); i-- > first;) {  // newest first
    const auto& old = earlier[i];
    if (!old.schema) continue;
    std::vector<CompatIssue> found;
    if (backward) {
      Compare(next, *old.schema, Dir::kBackward, old.version, found);
      // spec/18: "no required fields are removed", also in backward mode.
      std::vector<CompatIssue> fwd;
      Compare(*old.schema, next, Dir::kForward, old.version, fwd);
      for (auto& f : fwd)
        if (f.rule == kRules[1][kRequired]) found.push_back(std::move(f));
    }
    if (forward) Compare(*old.schema, next, Dir::kForward, old.version, found);
    for (auto& f : found)
      if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(std::move(f));
  }
  return out;
}

}  // namespace rt::registry
