// Column values of decoded pgoutput tuples as JSON, by the column's type OID.
//
// pgoutput sends each value in its type's text output form. TextToJson maps it:
//   int2, int4, int8, oid            -> JSON integer (int64)
//   numeric                          -> JSON number when the decimal is exactly the shortest form
//                                       of the nearest double (so a JavaScript client reads the
//                                       same value: 12.5, 0.1, 1e+21; integral values within
//                                       +-2^53 as integers); otherwise the text as a string
//                                       ("12345678901234567890.5", "NaN", "Infinity"). Trailing
//                                       fractional zeros are not kept ("1.50" -> 1.5).
//   float4, float8                   -> JSON number; NaN, Infinity, -Infinity -> strings
//   bool                             -> true / false
//   json, jsonb                      -> the parsed JSON (the text as a string if it does not parse)
//   timestamptz                      -> ISO 8601 in UTC: "2024-01-02T03:04:05.123456Z"
//   timestamp                        -> ISO 8601 without zone: "2024-01-02T03:04:05.5"
//   date, time, timetz, interval,
//   text, varchar, bpchar, name, uuid,
//   inet, cidr, bytea ("\x.." hex), money, xml, enums, domains, unknown OIDs -> the text as a string
//   one-dimensional or nested arrays of the above (_int4, _text, _jsonb, ...) -> JSON arrays
//                                       (NULL elements -> null; lower bounds such as "[0:2]=" are
//                                       dropped)
// Timestamps are read in PostgreSQL's ISO DateStyle (the default; the reader sets DateStyle=ISO
// on its connection); a value it cannot read (other DateStyles, BC dates, years beyond 9999,
// "infinity") stays the text as sent. Nothing is ever lost: any value that does not parse as
// its type comes back as the text as a string.
//
// Thread safety: pure functions. Failure: TextToJson and ConvertColumn never fail; DecodeRow fails
// (kValidation) only when the tuple does not have the relation's column count.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cdc/pgoutput.h"
#include "core/result.h"

namespace rt::cdc {

// Built-in type OIDs (pg_type.dat) the conversion knows.
namespace pg_oid {
inline constexpr uint32_t kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23,
                          kText = 25, kOid = 26, kJson = 114, kXml = 142, kFloat4 = 700, kFloat8 = 701, kMoney = 790,
                          kMacaddr = 829, kInet = 869, kCidr = 650, kBpchar = 1042, kVarchar = 1043, kDate = 1082,
                          kTime = 1083, kTimestamp = 1114, kTimestamptz = 1184, kInterval = 1186, kTimetz = 1266,
                          kBit = 1560, kVarbit = 1562, kNumeric = 1700, kUuid = 2950, kJsonb = 3802;
inline constexpr uint32_t kInt4Array = 1007, kInt8Array = 1016, kTextArray = 1009, kJsonbArray = 3807;
}  // namespace pg_oid

// The element type of a known built-in array type (1007 _int4 -> 23 int4), or 0.
uint32_t ArrayElementOid(uint32_t array_oid);

// One value's text representation as JSON (table above).
boost::json::value TextToJson(uint32_t type_oid, std::string_view text);

// One column of a decoded tuple. An unchanged TOAST value is its own state, never null: the row
// still has a value there, it was just not sent.
struct ColumnValue {
  enum class State { kNull, kUnchangedToast, kValue };
  State state = State::kNull;
  boost::json::value json;  // kValue only; binary-format values become "\x<hex>" strings
};

ColumnValue ConvertColumn(uint32_t type_oid, const TupleValue& value);

// A tuple as JSON by column name.
struct Row {
  boost::json::object values;                // SQL NULL -> null; unchanged TOAST columns are absent
  std::vector<std::string> unchanged_toast;  // names of the columns whose value was not sent
};

// Pairs tuple with relation's columns. key_only keeps only the replica identity key columns (for
// an OldImage::kKey tuple, whose other columns arrive as nulls that are not the row's values).
Result<Row> DecodeRow(const Relation& relation, const TupleData& tuple, bool key_only = false);

}  // namespace rt::cdc
