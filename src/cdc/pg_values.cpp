#include "cdc/pg_values.h"

#include <boost/json/string.hpp>
#include <charconv>
#include <cmath>
#include <optional>

#include "cdc/pg_array.h"
#include "cdc/pg_time.h"
#include "core/json.h"

namespace rt::cdc {
namespace {

using boost::json::value;

value Text(std::string_view s) { return value(boost::json::string(s)); }

value Integer(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return Text(s);
  return value(v);
}

// A finite double spelled exactly by s, or nullopt.
std::optional<double> ReadDouble(std::string_view s) {
  double d = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

value Float(std::string_view s) {
  auto d = ReadDouble(s);
  return d ? value(*d) : Text(s);  // NaN, Infinity, -Infinity stay strings
}

// A decimal in canonical form: significant digits without leading or trailing zeros, and the
// power of ten of the last digit (12.50 -> "125", -1). Zero has no digits.
struct Decimal {
  bool negative = false;
  std::string digits;
  int64_t exponent = 0;
  bool operator==(const Decimal&) const = default;
};

// [+-]digits[.digits][(e|E)[+-]digits], as numeric_out and std::to_chars print.
std::optional<Decimal> ReadDecimal(std::string_view s) {
  Decimal d;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) d.negative = s[i++] == '-';
  auto digit = [&] { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  bool any = false;
  for (; digit(); ++i, any = true) d.digits.push_back(s[i]);
  if (i < s.size() && s[i] == '.') {
    for (++i; digit(); ++i, any = true) d.digits.push_back(s[i]), --d.exponent;
  }
  if (!any) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool neg = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    int64_t e = 0;
    size_t start = i;
    for (; digit() && i - start < 9; ++i) e = e * 10 + (s[i] - '0');
    if (i == start) return std::nullopt;
    d.exponent += neg ? -e : e;
  }
  if (i != s.size()) return std::nullopt;
  size_t first = d.digits.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};
  d.digits.erase(0, first);
  size_t last = d.digits.find_last_not_of('0');
  d.exponent += static_cast<int64_t>(d.digits.size() - 1 - last);
  d.digits.resize(last + 1);
  return d;
}

// A JSON number when the decimal is exactly the shortest spelling of the nearest double.
value Numeric(std::string_view s) {
  auto exact = ReadDecimal(s);
  auto d = ReadDouble(s);
  if (!exact || !d) return Text(s);  // NaN, Infinity, beyond the double range
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
  if (ec != std::errc()) return Text(s);
  auto shortest = ReadDecimal(std::string_view(buf, static_cast<size_t>(end - buf)));
  if (!shortest || !(*shortest == *exact)) return Text(s);
  constexpr double kMaxSafeInteger = 9007199254740992.0;  // 2^53
  if (std::trunc(*d) == *d && std::fabs(*d) <= kMaxSafeInteger) return value(static_cast<int64_t>(*d));
  return value(*d);
}

value Bool(std::string_view s) {
  if (s == "t") return value(true);
  if (s == "f") return value(false);
  return Text(s);
}

value Json(std::string_view s) {
  auto parsed = json::Parse(s);
  return parsed.ok() ? std::move(*parsed) : Text(s);
}

value Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (unsigned char c : bytes) out.push_back(kDigits[c >> 4]), out.push_back(kDigits[c & 15]);
  return Text(out);
}

}  // namespace

uint32_t ArrayElementOid(uint32_t array_oid) {
  static constexpr struct {
    uint32_t array, element;
  } kArrays[] = {
      {1000, pg_oid::kBool},   {1001, pg_oid::kBytea},     {1002, pg_oid::kChar},        {1003, pg_oid::kName},
      {1005, pg_oid::kInt2},   {1007, pg_oid::kInt4},      {1009, pg_oid::kText},        {1028, pg_oid::kOid},
      {199, pg_oid::kJson},    {143, pg_oid::kXml},        {1021, pg_oid::kFloat4},      {1022, pg_oid::kFloat8},
      {791, pg_oid::kMoney},   {1040, pg_oid::kMacaddr},   {1041, pg_oid::kInet},        {651, pg_oid::kCidr},
      {1014, pg_oid::kBpchar}, {1015, pg_oid::kVarchar},   {1016, pg_oid::kInt8},        {1182, pg_oid::kDate},
      {1183, pg_oid::kTime},   {1115, pg_oid::kTimestamp}, {1185, pg_oid::kTimestamptz}, {1187, pg_oid::kInterval},
      {1270, pg_oid::kTimetz}, {1561, pg_oid::kBit},       {1563, pg_oid::kVarbit},      {1231, pg_oid::kNumeric},
      {2951, pg_oid::kUuid},   {3807, pg_oid::kJsonb},
  };
  for (const auto& a : kArrays) {
    if (a.array == array_oid) return a.element;
  }
  return 0;
}

value TextToJson(uint32_t type_oid, std::string_view text) {
  switch (type_oid) {
    case pg_oid::kInt2:
    case pg_oid::kInt4:
    case pg_oid::kInt8:
    case pg_oid::kOid:
      return Integer(text);
    case pg_oid::kNumeric:
      return Numeric(text);
    case pg_oid::kFloat4:
    case pg_oid::kFloat8:
      return Float(text);
    case pg_oid::kBool:
      return Bool(text);
    case pg_oid::kJson:
    case pg_oid::kJsonb:
      return Json(text);
    case pg_oid::kTimestamptz: {
      auto iso = IsoTimestampTz(text);
      return iso ? Text(*iso) : Text(text);
    }
    case pg_oid::kTimestamp: {
      auto iso = IsoTimestamp(text);
      return iso ? Text(*iso) : Text(text);
    }
    default:
      break;
  }
  if (uint32_t element = ArrayElementOid(type_oid)) {
    if (auto array = ParseArrayLiteral(text, element)) return std::move(*array);
  }
  return Text(text);
}

ColumnValue ConvertColumn(uint32_t type_oid, const TupleValue& v) {
  switch (v.kind) {
    case TupleValue::Kind::kNull:
      return {ColumnValue::State::kNull, nullptr};
    case TupleValue::Kind::kUnchangedToast:
      return {ColumnValue::State::kUnchangedToast, nullptr};
    case TupleValue::Kind::kText:
      return {ColumnValue::State::kValue, TextToJson(type_oid, v.data)};
    case TupleValue::Kind::kBinary:
      return {ColumnValue::State::kValue, Hex(v.data)};
  }
  return {};
}

Result<Row> DecodeRow(const Relation& relation, const TupleData& tuple, bool key_only) {
  if (tuple.size() != relation.columns.size()) {
    return Error::Validation("tuple has " + std::to_string(tuple.size()) + " columns but relation " + relation.schema +
                             "." + relation.name + " has " + std::to_string(relation.columns.size()));
  }
  Row row;
  for (size_t i = 0; i < tuple.size(); ++i) {
    const RelationColumn& col = relation.columns[i];
    if (key_only && !col.key()) continue;
    ColumnValue v = ConvertColumn(col.type_oid, tuple[i]);
    if (v.state == ColumnValue::State::kUnchangedToast)
      row.unchanged_toast.push_back(col.name);
    else
      row.values[col.name] = std::move(v.json);
  }
  return row;
}

}  // namespace rt::cdc
