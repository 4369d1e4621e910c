// ParseMapping, MappingToJson and the helpers over the mapping model (cdc/mapping.h).
#include <algorithm>
#include <array>

#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include "cdc/mapping.h"
#include "cdc/mapping_refs.h"
#include "core/json.h"
#include "events/event.h"
#include "registry/topic_policy.h"

namespace rt::cdc {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr std::array<std::string_view, 10> kFields = {"id",   "table",   "events",      "topic",   "triggerColumns",
                                                      "when", "payload", "environment", "version", "active"};

std::string Quote(std::string_view s) { return "\"" + std::string(json::Utf8Prefix(s, 100)) + "\""; }
// A value as JSON text, cut to 100 bytes (on a UTF-8 boundary), for messages.
std::string Excerpt(const value& v) { return std::string(json::Utf8Prefix(json::Serialize(v), 100)); }

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// An unquoted PostgreSQL identifier: a letter or _, then letters, digits, _ or $; at most 63 bytes.
bool IsTableIdentifier(std::string_view s) {
  if (s.empty() || s.size() > kMaxIdentifierBytes || !(IsAsciiAlpha(s[0]) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return IsAsciiAlpha(c) || IsDigit(c) || c == '_' || c == '$'; });
}

bool IsMappingId(std::string_view s) {
  if (s.empty() || s.size() > 100) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsAsciiAlpha(c) || IsDigit(c) || c == '_' || c == '.' || c == '-'; });
}

Status ParseTable(const value& v, DomainMapping& m) {
  static const std::string kRule =
      "table must be \"table\" or \"schema.table\" (letters, digits, _ and $, starting with a letter or _, at most "
      "63 characters each)";
  if (!v.is_string()) return Error::Validation(kRule);
  std::string_view s = v.get_string();
  size_t dot = s.find('.');
  std::string_view schema = dot == std::string_view::npos ? std::string_view("public") : s.substr(0, dot);
  std::string_view table = dot == std::string_view::npos ? s : s.substr(dot + 1);
  if (!IsTableIdentifier(schema) || !IsTableIdentifier(table)) return Error::Validation(kRule + ", not " + Quote(s));
  m.schema = std::string(schema);
  m.table = std::string(table);
  return Ok();
}

Status ParseEvents(const value* v, DomainMapping& m) {
  if (v == nullptr || v->is_null()) return Error::Validation("events is required (a list of insert, update, delete)");
  if (!v->is_array() || v->get_array().empty())
    return Error::Validation("events must be a non-empty list of insert, update, delete");
  for (const auto& item : v->get_array()) {
    auto op = item.is_string() ? ParseOperation(item.get_string()) : std::nullopt;
    if (!op) return Error::Validation("events: " + Excerpt(item) + " is not insert, update or delete");
    if (m.Captures(*op)) return Error::Validation("events: " + std::string(OperationName(*op)) + " is listed twice");
    m.events.push_back(*op);
  }
  std::sort(m.events.begin(), m.events.end());
  return Ok();
}

Status ParseTopic(const value* v, DomainMapping& m) {
  if (v == nullptr || !v->is_string() || v->get_string().empty())
    return Error::Validation("topic is required (the topic the events are published to)");
  std::string_view t = v->get_string();
  if (!registry::IsValidTopic(t))
    return Error::Validation("topic " + Quote(t) +
                             " is invalid: use 1-200 characters of letters, digits and . _ : - @ /");
  if (auto refusal = events::PublishRefusal(t, events::Source::kDatabase, false))
    return Error::Validation("topic: " + *refusal);
  m.topic = std::string(t);
  return Ok();
}

Status ParseTriggerColumns(const value& v, DomainMapping& m) {
  if (!v.is_array()) return Error::Validation("triggerColumns must be a list of column names");
  if (v.get_array().size() > kMaxTriggerColumns) return Error::Validation("triggerColumns: at most 100 columns");
  for (const auto& item : v.get_array()) {
    if (!item.is_string() || !IsColumnName(item.get_string()))
      return Error::Validation("triggerColumns: " + Excerpt(item) + " is not a column name (1-63 characters)");
    std::string column(item.get_string());
    if (std::find(m.trigger_columns.begin(), m.trigger_columns.end(), column) != m.trigger_columns.end())
      return Error::Validation("triggerColumns: " + Quote(column) + " is listed twice");
    m.trigger_columns.push_back(std::move(column));
  }
  if (!m.trigger_columns.empty() && !m.Captures(Operation::kUpdate))
    return Error::Validation("triggerColumns apply to updates only, and events does not include update");
  return Ok();
}

Result<Condition> ParseCondition(const value& v, const std::string& path, int depth, int* nodes);

Result<Condition> ParseColumnCondition(std::string_view key, const value& arg, const std::string& path) {
  Condition c;
  if (key == "changed") {
    c.kind = Condition::Kind::kChanged;
    if (!arg.is_string())
      return Error::Validation(path + ".changed must be a column name, e.g. {\"changed\": \"status\"}");
    std::string_view col = arg.get_string();
    if (col.starts_with(kRowPrefix))
      return Error::Validation(path + ".changed: name the column without \"$row.\", e.g. {\"changed\": \"status\"}");
    if (!IsColumnName(col))
      return Error::Validation(path + ".changed: " + Quote(col) + " is not a column name (1-63 characters)");
    c.column = std::string(col);
    return c;
  }
  c.kind = Condition::Kind::kEq;
  static const std::string kShape =
      ".eq must be [\"$row.<column>\", <value>], e.g. {\"eq\": [\"$row.status\", \"active\"]}";
  if (!arg.is_array() || arg.get_array().size() != 2 || !arg.get_array()[0].is_string())
    return Error::Validation(path + kShape);
  std::string_view ref = arg.get_array()[0].get_string();
  auto column = ReferencedColumn(ref, path + ".eq[0]");
  if (!column.ok()) return column.take_error();
  if (column->empty()) return Error::Validation(path + kShape);
  const value& literal = arg.get_array()[1];
  if (literal.is_string() && IsReferenceLike(literal.get_string()))
    return Error::Validation(path + ".eq[1]: " + Quote(literal.get_string()) +
                             " looks like a reference; eq compares a column with a literal value");
  c.column = std::move(*column);
  c.value = literal;
  return c;
}

Result<Condition> ParseCondition(const value& v, const std::string& path, int depth, int* nodes) {
  if (++*nodes > kMaxConditionNodes) return Error::Validation(path + ": too many conditions (at most 256)");
  if (depth > kMaxConditionDepth) return Error::Validation(path + ": conditions nested too deeply (at most 16 levels)");
  if (!v.is_object() || v.get_object().size() != 1)
    return Error::Validation(path + " must be an object with exactly one of changed, eq, and, or");
  const auto& [key_, arg] = *v.get_object().begin();
  std::string_view key = key_;
  if (key == "changed" || key == "eq") return ParseColumnCondition(key, arg, path);
  if (key != "and" && key != "or")
    return Error::Validation(path + ": unknown condition " + Quote(key) + " (changed, eq, and, or)");
  Condition c;
  c.kind = key == "and" ? Condition::Kind::kAnd : Condition::Kind::kOr;
  if (!arg.is_array() || arg.get_array().empty())
    return Error::Validation(path + "." + std::string(key) + " must be a non-empty list of conditions");
  const auto& list = arg.get_array();
  for (size_t i = 0; i < list.size(); ++i) {
    auto child =
        ParseCondition(list[i], path + "." + std::string(key) + "[" + std::to_string(i) + "]", depth + 1, nodes);
    if (!child.ok()) return child.take_error();
    c.children.push_back(std::move(*child));
  }
  return c;
}

// Checks a payload template; counts its column references.
Status CheckTemplate(const value& v, const std::string& path, int depth, int* nodes, int* refs) {
  if (++*nodes > kMaxTemplateNodes) return Error::Validation("payload: too many values (at most 1000)");
  if (v.is_object() || v.is_array()) {
    if (depth > kMaxTemplateDepth) return Error::Validation(path + ": nested too deeply (at most 16 levels)");
    if (v.is_object()) {
      for (const auto& [key, item] : v.get_object())
        RT_TRY(CheckTemplate(item, path + "." + std::string(key), depth + 1, nodes, refs));
    } else {
      const auto& a = v.get_array();
      for (size_t i = 0; i < a.size(); ++i)
        RT_TRY(CheckTemplate(a[i], path + "[" + std::to_string(i) + "]", depth + 1, nodes, refs));
    }
  } else if (v.is_string()) {
    auto column = ReferencedColumn(v.get_string(), path);
    if (!column.ok()) return column.take_error();
    if (!column->empty()) ++*refs;
  }
  return Ok();
}

Status ParsePayload(const value* v, DomainMapping& m) {
  if (v == nullptr || v->is_null())
    return Error::Validation("payload is required (an object of \"$row.<column>\" references and literal values)");
  if (!v->is_object()) return Error::Validation("payload must be an object");
  int nodes = 0, refs = 0;
  RT_TRY(CheckTemplate(*v, "payload", 1, &nodes, &refs));
  if (refs == 0) return Error::Validation("payload must reference at least one column (\"$row.<column>\")");
  m.payload = v->get_object();
  return Ok();
}

Status ParseOptionalFields(const object& o, DomainMapping& m) {
  if (const auto* v = o.if_contains("id"); v != nullptr && !v->is_null()) {
    if (!v->is_string() || !IsMappingId(v->get_string()))
      return Error::Validation("id must be 1-100 characters of letters, digits, _ . -");
    m.id = std::string(v->get_string());
  }
  if (const auto* v = o.if_contains("environment"); v != nullptr && !v->is_null()) {
    if (!v->is_string() ||
        (v->get_string() != "development" && v->get_string() != "staging" && v->get_string() != "production"))
      return Error::Validation("environment must be development, staging or production");
    m.environment = std::string(v->get_string());
  }
  if (const auto* v = o.if_contains("version"); v != nullptr && !v->is_null()) {
    if (!(v->is_int64() && v->get_int64() >= 1)) return Error::Validation("version must be an integer >= 1");
    m.version = v->get_int64();
  }
  if (const auto* v = o.if_contains("active"); v != nullptr && !v->is_null()) {
    if (!v->is_bool()) return Error::Validation("active must be a boolean");
    m.active = v->get_bool();
  }
  return Ok();
}

value ConditionToJson(const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::kChanged:
      return object{{"changed", c.column}};
    case Condition::Kind::kEq:
      return object{{"eq", array{value(std::string(kRowPrefix) + c.column), c.value}}};
    case Condition::Kind::kAnd:
    case Condition::Kind::kOr: {
      array list;
      for (const auto& child : c.children) list.push_back(ConditionToJson(child));
      return object{{c.kind == Condition::Kind::kAnd ? "and" : "or", std::move(list)}};
    }
  }
  return nullptr;
}

void ConditionColumns(const Condition& c, std::vector<std::string>& out) {
  if (c.kind == Condition::Kind::kChanged || c.kind == Condition::Kind::kEq) out.push_back(c.column);
  for (const auto& child : c.children) ConditionColumns(child, out);
}

bool UsesChanged(const Condition& c) {
  if (c.kind == Condition::Kind::kChanged) return true;
  return std::any_of(c.children.begin(), c.children.end(), UsesChanged);
}

void TemplateColumns(const value& v, std::vector<std::string>& out) {
  if (v.is_object()) {
    for (const auto& [_, item] : v.get_object()) TemplateColumns(item, out);
  } else if (v.is_array()) {
    for (const auto& item : v.get_array()) TemplateColumns(item, out);
  } else if (v.is_string() && v.get_string().starts_with(kRowPrefix)) {
    out.emplace_back(v.get_string().subview(kRowPrefix.size()));
  }
}

}  // namespace

std::string DomainMapping::TableName() const { return schema == "public" ? table : schema + "." + table; }

bool DomainMapping::Captures(Operation op) const { return std::find(events.begin(), events.end(), op) != events.end(); }

Result<DomainMapping> ParseMapping(const boost::json::value& body) {
  if (!body.is_object()) return Error::Validation("A mapping must be a JSON object");
  const auto& o = body.get_object();
  for (const auto& [key, _] : o)
    if (std::find(kFields.begin(), kFields.end(), std::string_view(key)) == kFields.end())
      return Error::Validation(
          "Unknown field: " + std::string(json::Utf8Prefix(key, 100)) +
          " (id, table, events, topic, triggerColumns, when, payload, environment, version, active)");
  DomainMapping m;
  const auto* table = o.if_contains("table");
  if (table == nullptr) return Error::Validation("table is required (\"table\" or \"schema.table\")");
  RT_TRY(ParseTable(*table, m));
  RT_TRY(ParseEvents(o.if_contains("events"), m));
  RT_TRY(ParseTopic(o.if_contains("topic"), m));
  if (const auto* v = o.if_contains("triggerColumns"); v != nullptr && !v->is_null())
    RT_TRY(ParseTriggerColumns(*v, m));
  if (const auto* v = o.if_contains("when"); v != nullptr && !v->is_null()) {
    int nodes = 0;
    auto when = ParseCondition(*v, "when", 1, &nodes);
    if (!when.ok()) return when.take_error();
    m.when = std::move(*when);
  }
  RT_TRY(ParsePayload(o.if_contains("payload"), m));
  RT_TRY(ParseOptionalFields(o, m));
  return m;
}

boost::json::object MappingToJson(const DomainMapping& m) {
  object o;
  if (!m.id.empty()) o["id"] = m.id;
  o["table"] = m.TableName();
  array events;
  for (Operation op : m.events) events.emplace_back(OperationName(op));
  o["events"] = std::move(events);
  o["topic"] = m.topic;
  array triggers;
  for (const auto& c : m.trigger_columns) triggers.emplace_back(c);
  o["triggerColumns"] = std::move(triggers);
  if (m.when) o["when"] = ConditionToJson(*m.when);
  o["payload"] = m.payload;
  if (m.environment) o["environment"] = *m.environment;
  o["version"] = m.version;
  o["active"] = m.active;
  return o;
}

std::vector<std::string> RequiredColumns(const DomainMapping& m) {
  std::vector<std::string> out(m.trigger_columns.begin(), m.trigger_columns.end());
  if (m.when) ConditionColumns(*m.when, out);
  TemplateColumns(m.payload, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool NeedsOldRow(const DomainMapping& m) {
  if (!m.Captures(Operation::kUpdate)) return false;
  return !m.trigger_columns.empty() || (m.when && UsesChanged(*m.when));
}

}  // namespace rt::cdc
