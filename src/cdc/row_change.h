// RowChange: one decoded row change (pgoutput Insert, Update or Delete) as the mapping evaluator
// (cdc/mapping.h) sees it. The reader builds it from the decoder's output; rows are JSON objects
// column name -> JSON value (SQL NULL is JSON null).
//
// What the rows hold (the contract between the decoder and the evaluator):
// - new_row: insert and update: every column of the row, except that an update leaves out a
//   column whose value was not sent because it is an unchanged TOASTed value (pgoutput 'u').
//   Null for delete.
// - old_row: the old tuple when pgoutput sent one, else null. With REPLICA IDENTITY FULL it is the
//   whole old row ('O' tuple, old_row_full = true). With the default identity it holds only the
//   key columns ('K' tuple, sent for deletes and for updates that change the key): the decoder
//   leaves the non-key columns out instead of setting them to null, so that "absent" always means
//   "not known", never "NULL". Null for insert, and for updates without a key change under the
//   default identity.
//
// Ownership / lifetime: a RowChange borrows everything it points to; the strings and rows must
// stay valid while an evaluation runs. Thread safety: plain values.
#pragma once

#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

namespace rt::cdc {

enum class Operation { kInsert, kUpdate, kDelete };

// "insert" | "update" | "delete".
constexpr std::string_view OperationName(Operation op) {
  switch (op) {
    case Operation::kInsert:
      return "insert";
    case Operation::kUpdate:
      return "update";
    case Operation::kDelete:
      return "delete";
  }
  return "insert";
}

constexpr std::optional<Operation> ParseOperation(std::string_view s) {
  if (s == "insert") return Operation::kInsert;
  if (s == "update") return Operation::kUpdate;
  if (s == "delete") return Operation::kDelete;
  return std::nullopt;
}

struct RowChange {
  std::string_view schema;  // e.g. "public"
  std::string_view table;   // relation name as PostgreSQL stores it
  Operation op = Operation::kInsert;
  const boost::json::object* new_row = nullptr;
  const boost::json::object* old_row = nullptr;
  bool old_row_full = false;  // old_row is a whole row (REPLICA IDENTITY FULL), not only the key
};

}  // namespace rt::cdc
