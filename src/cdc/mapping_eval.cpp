// CompiledMapping: the mapping evaluator (semantics in cdc/mapping.h).
#include <array>
#include <cmath>

#include <boost/json/array.hpp>

#include "cdc/mapping.h"
#include "cdc/mapping_refs.h"

namespace rt::cdc {
namespace {

using boost::json::object;
using boost::json::value;

// A condition, flattened: the children of an and/or are nodes [first, first + count).
struct CondNode {
  Condition::Kind kind = Condition::Kind::kChanged;
  std::string column;
  value literal;
  uint32_t first = 0, count = 0;
};

// A payload template value: a literal, a column reference, or an object/array of templates.
struct TplNode {
  enum class Kind { kLiteral, kColumn, kObject, kArray };
  Kind kind = Kind::kLiteral;
  std::string key;     // member name inside an object
  std::string column;  // kColumn
  value literal;       // kLiteral
  std::vector<TplNode> children;
};

// Three-valued logic plus an error: kUnknown = depends on an old value that was not sent.
enum class Tri { kFalse, kTrue, kUnknown, kError };

enum class Missing { kOldValue, kToast, kDeleteKey, kNoColumn };

void Flatten(const Condition& c, std::vector<CondNode>& nodes, size_t at) {
  nodes[at].kind = c.kind;
  nodes[at].column = c.column;
  nodes[at].literal = c.value;
  if (c.children.empty()) return;
  nodes[at].first = static_cast<uint32_t>(nodes.size());
  nodes[at].count = static_cast<uint32_t>(c.children.size());
  size_t first = nodes.size();
  nodes.resize(nodes.size() + c.children.size());
  for (size_t i = 0; i < c.children.size(); ++i) Flatten(c.children[i], nodes, first + i);
}

TplNode CompileTemplate(const value& v) {
  TplNode n;
  if (v.is_object()) {
    n.kind = TplNode::Kind::kObject;
    for (const auto& [key, item] : v.get_object()) {
      n.children.push_back(CompileTemplate(item));
      n.children.back().key = std::string(key);
    }
  } else if (v.is_array()) {
    n.kind = TplNode::Kind::kArray;
    for (const auto& item : v.get_array()) n.children.push_back(CompileTemplate(item));
  } else if (v.is_string() && v.get_string().starts_with(kRowPrefix)) {
    n.kind = TplNode::Kind::kColumn;
    n.column = std::string(v.get_string().subview(kRowPrefix.size()));
  } else {
    n.literal = v;
  }
  return n;
}

bool NumberEqual(const value& a, const value& b) {
  if (!a.is_double() && !b.is_double()) return a == b;  // int64/uint64: Boost compares by value
  if (a.is_double() && b.is_double()) return a.get_double() == b.get_double();
  double d = a.is_double() ? a.get_double() : b.get_double();
  const value& i = a.is_double() ? b : a;
  if (!std::isfinite(d) || std::trunc(d) != d) return false;
  if (i.is_int64())
    return d >= -9223372036854775808.0 && d < 9223372036854775808.0 && static_cast<int64_t>(d) == i.get_int64();
  return d >= 0 && d < 18446744073709551616.0 && static_cast<uint64_t>(d) == i.get_uint64();
}

}  // namespace

bool JsonEqual(const value& a, const value& b) {
  if (a.is_number() && b.is_number()) return NumberEqual(a, b);
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) {
    const auto &oa = a.get_object(), &ob = b.get_object();
    if (oa.size() != ob.size()) return false;
    for (const auto& [key, item] : oa) {
      const value* other = ob.if_contains(key);
      if (other == nullptr || !JsonEqual(item, *other)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    const auto &aa = a.get_array(), &ab = b.get_array();
    if (aa.size() != ab.size()) return false;
    for (size_t i = 0; i < aa.size(); ++i)
      if (!JsonEqual(aa[i], ab[i])) return false;
    return true;
  }
  return a == b;
}

struct CompiledMapping::Impl {
  DomainMapping mapping;
  std::string table_name;          // mapping.TableName()
  std::array<bool, 3> captures{};  // by Operation
  std::vector<CondNode> when;      // empty, or the root at 0
  TplNode payload;
};

namespace {

// One evaluation: the change, and the first reason it could not be decided.
class Evaluation {
 public:
  Evaluation(const CompiledMapping::Impl& impl, const RowChange& ch) : impl_(impl), ch_(ch) {}

  // `changed` of one column (see mapping.h).
  Tri Changed(const std::string& column) {
    if (ch_.op != Operation::kUpdate) return Tri::kTrue;
    const value* now = ch_.new_row != nullptr ? ch_.new_row->if_contains(column) : nullptr;
    const value* before = ch_.old_row != nullptr ? ch_.old_row->if_contains(column) : nullptr;
    if (now == nullptr) {  // unchanged TOAST value: not sent because it did not change
      if (ch_.old_row_full && before == nullptr) return Note(Tri::kError, column, Missing::kNoColumn);
      return Tri::kFalse;
    }
    if (before != nullptr) return JsonEqual(*now, *before) ? Tri::kFalse : Tri::kTrue;
    if (ch_.old_row_full) return Tri::kTrue;
    return Note(Tri::kUnknown, column, Missing::kOldValue);
  }

  // The value of `$row.column`, or null with the reason noted.
  const value* Lookup(const std::string& column, Tri* status) {
    const value* v = nullptr;
    if (ch_.op != Operation::kDelete && ch_.new_row != nullptr && (v = ch_.new_row->if_contains(column))) return v;
    if (ch_.op != Operation::kInsert && ch_.old_row != nullptr && (v = ch_.old_row->if_contains(column))) return v;
    if (ch_.op == Operation::kInsert || ch_.old_row_full) {
      *status = Note(Tri::kError, column, Missing::kNoColumn);
    } else {
      *status = Note(Tri::kUnknown, column, ch_.op == Operation::kDelete ? Missing::kDeleteKey : Missing::kToast);
    }
    return nullptr;
  }

  Tri When(uint32_t at) {
    const CondNode& n = impl_.when[at];
    switch (n.kind) {
      case Condition::Kind::kChanged:
        return Changed(n.column);
      case Condition::Kind::kEq: {
        Tri status = Tri::kTrue;
        const value* v = Lookup(n.column, &status);
        if (v == nullptr) return status;
        return JsonEqual(*v, n.literal) ? Tri::kTrue : Tri::kFalse;
      }
      case Condition::Kind::kAnd:
      case Condition::Kind::kOr: {
        // and stops at the first false, or at the first true; unknown is remembered.
        Tri decisive = n.kind == Condition::Kind::kAnd ? Tri::kFalse : Tri::kTrue;
        bool unknown = false;
        for (uint32_t i = n.first; i < n.first + n.count; ++i) {
          Tri t = When(i);
          if (t == decisive || t == Tri::kError) return t;
          unknown = unknown || t == Tri::kUnknown;
        }
        return unknown ? Tri::kUnknown : (decisive == Tri::kFalse ? Tri::kTrue : Tri::kFalse);
      }
    }
    return Tri::kError;
  }

  // Updates only: did any trigger column change?
  Tri Triggered() {
    bool unknown = false;
    for (const auto& column : impl_.mapping.trigger_columns) {
      Tri t = Changed(column);
      if (t == Tri::kTrue || t == Tri::kError) return t;
      unknown = unknown || t == Tri::kUnknown;
    }
    return unknown ? Tri::kUnknown : Tri::kFalse;
  }

  Tri Build(const TplNode& n, value& out) {
    switch (n.kind) {
      case TplNode::Kind::kLiteral:
        out = n.literal;
        return Tri::kTrue;
      case TplNode::Kind::kColumn: {
        Tri status = Tri::kTrue;
        const value* v = Lookup(n.column, &status);
        if (v == nullptr) return status;
        out = *v;
        return Tri::kTrue;
      }
      case TplNode::Kind::kObject:
        return BuildObject(n, out.emplace_object());
      case TplNode::Kind::kArray: {
        auto& a = out.emplace_array();
        a.reserve(n.children.size());
        for (const auto& child : n.children) {
          a.emplace_back(nullptr);
          if (Tri t = Build(child, a.back()); t != Tri::kTrue) return t;
        }
        return Tri::kTrue;
      }
    }
    return Tri::kError;
  }

  Tri BuildObject(const TplNode& n, object& o) {
    o.reserve(n.children.size());
    for (const auto& child : n.children)
      if (Tri t = Build(child, o[child.key]); t != Tri::kTrue) return t;
    return Tri::kTrue;
  }

  // The outcome for a kUnknown or kError result.
  Outcome Failure(Tri t) const {
    const std::string table = impl_.mapping.schema + "." + impl_.mapping.table;
    const std::string* column = t == Tri::kError ? error_column_ : unknown_column_;
    const std::string quoted = "column \"" + (column != nullptr ? *column : std::string("?")) + "\"";
    const std::string fix = ": set REPLICA IDENTITY FULL on " + table;
    if (t == Tri::kError) return {OutcomeKind::kTemplateError, "the row of " + table + " has no " + quoted};
    switch (unknown_reason_) {
      case Missing::kToast:
        return {OutcomeKind::kNeedsOldRow,
                quoted + " was not sent (unchanged TOAST value) and no old row is available" + fix};
      case Missing::kDeleteKey:
        return {OutcomeKind::kNeedsOldRow, quoted + " is not part of the deleted row's replica identity key" + fix};
      default:
        return {OutcomeKind::kNeedsOldRow, "the old value of " + quoted + " is not available" + fix};
    }
  }

 private:
  Tri Note(Tri t, const std::string& column, Missing why) {
    if (t == Tri::kError && error_column_ == nullptr) error_column_ = &column;
    if (t == Tri::kUnknown && unknown_column_ == nullptr) {
      unknown_column_ = &column;
      unknown_reason_ = why;
    }
    return t;
  }

  const CompiledMapping::Impl& impl_;
  const RowChange& ch_;
  const std::string* error_column_ = nullptr;    // the first missing column
  const std::string* unknown_column_ = nullptr;  // the first column whose value was not sent
  Missing unknown_reason_ = Missing::kOldValue;
};

const std::array<std::string, 3> kTypes = {"database.insert", "database.update", "database.delete"};

}  // namespace

std::string_view OutcomeName(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::kEmitted:
      return "emitted";
    case OutcomeKind::kFilteredWhen:
      return "filtered_when";
    case OutcomeKind::kFilteredTrigger:
      return "filtered_trigger";
    case OutcomeKind::kNotThisTable:
      return "not_this_table";
    case OutcomeKind::kNotThisEvent:
      return "not_this_event";
    case OutcomeKind::kNeedsOldRow:
      return "needs_old_row";
    case OutcomeKind::kTemplateError:
      return "template_error";
  }
  return "unknown";
}

Result<CompiledMapping> CompiledMapping::Compile(const DomainMapping& m) {
  auto valid = ParseMapping(MappingToJson(m));  // one set of rules, whoever built m
  if (!valid.ok()) return valid.take_error();
  auto impl = std::make_shared<Impl>();
  impl->mapping = std::move(*valid);
  impl->table_name = impl->mapping.TableName();
  for (Operation op : impl->mapping.events) impl->captures[static_cast<size_t>(op)] = true;
  if (impl->mapping.when) {
    impl->when.resize(1);
    Flatten(*impl->mapping.when, impl->when, 0);
  }
  impl->payload = CompileTemplate(impl->mapping.payload);
  return CompiledMapping(std::move(impl));
}

Outcome CompiledMapping::Evaluate(const RowChange& change, MappedEvent* out) const {
  const Impl& impl = *impl_;
  if (change.table != impl.mapping.table || change.schema != impl.mapping.schema)
    return {OutcomeKind::kNotThisTable, {}};
  if (!impl.captures[static_cast<size_t>(change.op)]) return {OutcomeKind::kNotThisEvent, {}};
  Evaluation eval(impl, change);
  if (change.op == Operation::kUpdate && !impl.mapping.trigger_columns.empty()) {
    Tri t = eval.Triggered();
    if (t == Tri::kFalse) return {OutcomeKind::kFilteredTrigger, {}};
    if (t != Tri::kTrue) return eval.Failure(t);
  }
  if (!impl.when.empty()) {
    Tri t = eval.When(0);
    if (t == Tri::kFalse) return {OutcomeKind::kFilteredWhen, {}};
    if (t != Tri::kTrue) return eval.Failure(t);
  }
  object payload;
  if (Tri t = eval.BuildObject(impl.payload, payload); t != Tri::kTrue) return eval.Failure(t);
  out->topic = impl.mapping.topic;
  out->type = kTypes[static_cast<size_t>(change.op)];
  out->payload = std::move(payload);
  out->table = impl.table_name;
  out->operation = change.op;
  return {OutcomeKind::kEmitted, {}};
}

const DomainMapping& CompiledMapping::mapping() const { return impl_->mapping; }
const std::string& CompiledMapping::schema() const { return impl_->mapping.schema; }
const std::string& CompiledMapping::table() const { return impl_->mapping.table; }

}  // namespace rt::cdc
