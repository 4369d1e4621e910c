// Domain mappings (spec/35-services-database.md, spec/15-api-database.md): which row changes of
// the application database become events, on which topic, with which payload.
//
//   { "id": "map_session_status_v1", "table": "sessions", "events": ["insert", "update"],
//     "topic": "session.status", "triggerColumns": ["status", "ended_at"],
//     "when": { "or": [ { "changed": "status" }, { "changed": "ended_at" } ] },
//     "payload": { "sessionId": "$row.id", "status": "$row.status" },
//     "environment": "development", "version": 1, "active": true }
//
// DomainMapping is the validated model; ParseMapping / MappingToJson convert it from and to JSON.
// CompiledMapping is its evaluator: built once per mapping version, then Evaluate()d against every
// row change of the mapping's table (see cdc/row_change.h for what the rows hold).
//
// Semantics (the evaluator, in this order):
// - table: "table" means "public.table"; names match exactly (case-sensitive, as PostgreSQL
//   stores them: lowercase unless created quoted). No quoting syntax.
// - events: the change's operation must be listed.
// - triggerColumns (updates only; inserts and deletes ignore them): at least one must have changed.
// - when: `{"changed": "col"}` the column's value differs between the old and the new row; on an
//   insert or a delete every column counts as changed (it appears or disappears), so `changed` is
//   true. `{"eq": ["$row.col", <literal>]}` the column's JSON value equals the literal (numbers
//   compare by value: 1 == 1.0; objects and arrays deeply). `{"and": [...]}`, `{"or": [...]}`:
//   non-empty lists, nested up to 16 levels, evaluated left to right, stopping at the first false
//   (and) or true (or). Nothing else (no neq, in, not): the spec names only these four.
// - payload: a JSON object; every string "$row.col" anywhere in it (nested objects and arrays
//   included) is replaced by the column's JSON value; everything else is kept literally. `$row` is
//   the new row (insert, update) or the old row (delete). A string starting with `$` followed by a
//   letter or `_` is taken as a reference, so "$old.x", "$table" or "$row" are refused at parse
//   time rather than sent literally ("$5" stays a literal).
// - Unknown old values: `changed` and triggerColumns need the old row of an update, which
//   PostgreSQL sends only with REPLICA IDENTITY FULL (NeedsOldRow says when the reader must set
//   it). When a result depends on an old value that was not sent, Evaluate returns kNeedsOldRow
//   (three-valued logic: and(false, unknown) is false, or(true, unknown) is true, so a condition
//   that can be decided without the old row still is). A delete under the default identity
//   carries only the key columns: a reference to another column is kNeedsOldRow too.
// - A reference to a column the row does not have (the row is known to be whole) is
//   kTemplateError naming the column; so is a missing column on an insert.
//
// Thread safety: plain values and pure functions; a CompiledMapping is immutable after Compile and
// Evaluate may run on any number of threads at once. Failure: ParseMapping returns a
// ValidationError whose message starts with the offending field (e.g. "when.or[1].eq: ...").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "cdc/row_change.h"
#include "core/result.h"

namespace rt::cdc {

// Limits on a mapping definition.
inline constexpr int kMaxConditionDepth = 16;   // nesting levels of and/or
inline constexpr int kMaxConditionNodes = 256;  // conditions in one `when`
inline constexpr int kMaxTemplateDepth = 16;    // nesting levels of payload objects/arrays
inline constexpr int kMaxTemplateNodes = 1000;  // values in one payload template
inline constexpr size_t kMaxTriggerColumns = 100;
inline constexpr size_t kMaxIdentifierBytes = 63;  // PostgreSQL's NAMEDATALEN - 1

struct Condition {
  enum class Kind { kChanged, kEq, kAnd, kOr };
  Kind kind = Kind::kChanged;
  std::string column;               // kChanged, kEq
  boost::json::value value;         // kEq: the literal
  std::vector<Condition> children;  // kAnd, kOr: at least one

  bool operator==(const Condition&) const = default;
};

struct DomainMapping {
  std::string id;  // "" until the service assigns one (map_...)
  std::string schema = "public";
  std::string table;
  std::vector<Operation> events;  // unique, in the order insert, update, delete
  std::string topic;
  std::vector<std::string> trigger_columns;  // unique; empty = no restriction
  std::optional<Condition> when;
  boost::json::object payload;             // the template as written
  std::optional<std::string> environment;  // development | staging | production
  int64_t version = 1;
  bool active = true;

  // The table as the JSON spells it: "sessions" for public, else "schema.table".
  std::string TableName() const;
  bool Captures(Operation op) const;
  bool operator==(const DomainMapping&) const = default;
};

// Validates a mapping body. Fields: id (optional, 1-100 of [A-Za-z0-9_.-]), table (required),
// events (required, non-empty, unique), topic (required; a valid topic a database event may be
// published to, not sync./presence:/direct:), triggerColumns (optional; only with update in
// events), when (optional), payload (required object referencing at least one column),
// environment (optional), version (optional integer >= 1), active (optional boolean). Unknown
// fields are refused. ValidationError naming the field for anything malformed.
Result<DomainMapping> ParseMapping(const boost::json::value& body);

// The JSON form (fields as ParseMapping reads them; ParseMapping(MappingToJson(m)) == m).
// Always has table, events, topic, triggerColumns, payload, version, active; id, when and
// environment when set.
boost::json::object MappingToJson(const DomainMapping& m);

// Every column the mapping reads (triggerColumns, when, payload), sorted and unique: the reader
// checks them against the table's columns and, for deletes under the default replica identity,
// against its key columns (a delete then carries only those).
std::vector<std::string> RequiredColumns(const DomainMapping& m);

// True when evaluating an update needs the old row (the mapping captures updates and uses
// triggerColumns or `changed`): the reader sets REPLICA IDENTITY FULL on the table, or reports the
// mapping as unable to evaluate.
bool NeedsOldRow(const DomainMapping& m);

// The result of one evaluation.
enum class OutcomeKind {
  kEmitted,          // *out holds the event
  kFilteredWhen,     // `when` is false
  kFilteredTrigger,  // an update that changed none of the triggerColumns
  kNotThisTable,     // the change is on another table
  kNotThisEvent,     // the operation is not in events
  kNeedsOldRow,      // the answer depends on an old value PostgreSQL did not send (message names it)
  kTemplateError,    // a referenced column is not in the row (message names it)
};

// Stable snake_case name for logs and metrics labels, e.g. "filtered_when".
std::string_view OutcomeName(OutcomeKind kind);

struct Outcome {
  OutcomeKind kind = OutcomeKind::kEmitted;
  std::string message;  // kNeedsOldRow and kTemplateError only

  bool emitted() const { return kind == OutcomeKind::kEmitted; }
};

// What a mapping makes of a row change; the reader turns it into the router's RawEventInput
// {topic, source: database, type, payload, table, operation}.
struct MappedEvent {
  std::string topic;
  std::string type;  // "database.insert" | "database.update" | "database.delete"
  boost::json::object payload;
  std::string table;  // DomainMapping::TableName()
  Operation operation = Operation::kInsert;
};

class CompiledMapping {
 public:
  // Validates m by the rules of ParseMapping and prepares it: column references resolved to names
  // once, conditions flattened, the template split into literals and references. ValidationError
  // as ParseMapping.
  static Result<CompiledMapping> Compile(const DomainMapping& m);

  // Evaluates one change. Writes *out (which must not be null) only when the outcome is kEmitted.
  // Never throws; allocates only the event it emits (and a message for the two error outcomes).
  Outcome Evaluate(const RowChange& change, MappedEvent* out) const;

  const DomainMapping& mapping() const;
  const std::string& schema() const;
  const std::string& table() const;

  struct Impl;  // opaque (mapping_eval.cpp)

 private:
  explicit CompiledMapping(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;  // immutable; copies of a CompiledMapping share it
};

// Equality of two JSON values with numbers compared by value (1 == 1.0 == 1u), objects by keys
// regardless of order, arrays element by element: how `eq` and `changed` compare.
bool JsonEqual(const boost::json::value& a, const boost::json::value& b);

}  // namespace rt::cdc
