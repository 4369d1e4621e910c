#include "cdc/pg_values.h"

#include <gtest/gtest.h>

#include "cdc/pg_time.h"
#include "core/json.h"

namespace rt::cdc {
namespace {

struct Case {
  uint32_t oid;
  std::string_view text;
  std::string_view json;  // expected, serialized
};

void ExpectTable(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(json::Serialize(TextToJson(c.oid, c.text)), c.json) << "oid " << c.oid << " text " << c.text;
  }
}

TEST(PgValues, Integers) {
  ExpectTable({
      {pg_oid::kInt2, "-32768", "-32768"},
      {pg_oid::kInt4, "2147483647", "2147483647"},
      {pg_oid::kInt8, "9223372036854775807", "9223372036854775807"},
      {pg_oid::kInt8, "-9223372036854775808", "-9223372036854775808"},
      {pg_oid::kOid, "4294967295", "4294967295"},
      {pg_oid::kInt4, "12x", "\"12x\""},  // never produced by PostgreSQL: kept as text
      {pg_oid::kInt4, "", "\"\""},
  });
}

TEST(PgValues, NumericIsANumberOnlyWhenADoubleHoldsItExactly) {
  ExpectTable({
      {pg_oid::kNumeric, "0", "0"},
      {pg_oid::kNumeric, "12.5", "12.5"},
      {pg_oid::kNumeric, "1.50", "1.5"},
      {pg_oid::kNumeric, "-0.1", "-0.1"},
      {pg_oid::kNumeric, "0.000", "0"},
      {pg_oid::kNumeric, "123456789012", "123456789012"},
      {pg_oid::kNumeric, "9007199254740992", "9007199254740992"},
      {pg_oid::kNumeric, "1000000000000000000000", "1e+21"},
      {pg_oid::kNumeric, "0.30000000000000004", "0.30000000000000004"},
      {pg_oid::kNumeric, "9007199254740993", "\"9007199254740993\""},
      {pg_oid::kNumeric, "123456789012345678901234567890.123", "\"123456789012345678901234567890.123\""},
      {pg_oid::kNumeric, "0.1000000000000000055511151231257827", "\"0.1000000000000000055511151231257827\""},
      {pg_oid::kNumeric, "NaN", "\"NaN\""},
      {pg_oid::kNumeric, "Infinity", "\"Infinity\""},
      {pg_oid::kNumeric, "-Infinity", "\"-Infinity\""},
      {pg_oid::kNumeric, "1e400", "\"1e400\""},
  });
  std::string huge = "1" + std::string(400, '0');
  EXPECT_EQ(json::Serialize(TextToJson(pg_oid::kNumeric, huge)), "\"" + huge + "\"");
  std::string tiny = "0." + std::string(400, '0') + "1";
  EXPECT_EQ(json::Serialize(TextToJson(pg_oid::kNumeric, tiny)), "\"" + tiny + "\"");
}

TEST(PgValues, FloatsBoolsAndJson) {
  ExpectTable({
      {pg_oid::kFloat8, "1.5", "1.5"},
      {pg_oid::kFloat8, "-2.5e-300", "-2.5e-300"},
      {pg_oid::kFloat8, "1e+100", "1e+100"},
      {pg_oid::kFloat4, "1.1", "1.1"},
      {pg_oid::kFloat8, "NaN", "\"NaN\""},
      {pg_oid::kFloat8, "Infinity", "\"Infinity\""},
      {pg_oid::kFloat4, "-Infinity", "\"-Infinity\""},
      {pg_oid::kBool, "t", "true"},
      {pg_oid::kBool, "f", "false"},
      {pg_oid::kBool, "yes", "\"yes\""},
      {pg_oid::kJsonb, R"({"a": [1, 2.5, {"b": null}], "c": "x"})", R"({"a":[1,2.5,{"b":null}],"c":"x"})"},
      {pg_oid::kJson, "  [true, \"s\"]  ", R"([true,"s"])"},
      {pg_oid::kJson, "42", "42"},
      {pg_oid::kJsonb, "{not json", R"("{not json")"},
  });
}

TEST(PgValues, TextLikeTypesStayStrings) {
  ExpectTable({
      {pg_oid::kText, "hello \"w\"\n", R"("hello \"w\"\n")"},
      {pg_oid::kVarchar, "", R"("")"},
      {pg_oid::kBpchar, "ab  ", R"("ab  ")"},
      {pg_oid::kName, "pg_class", R"("pg_class")"},
      {pg_oid::kUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", R"("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")"},
      {pg_oid::kInet, "192.168.0.1/24", R"("192.168.0.1/24")"},
      {pg_oid::kBytea, "\\xdeadbeef", R"("\\xdeadbeef")"},
      {pg_oid::kDate, "2024-02-29", R"("2024-02-29")"},
      {pg_oid::kTime, "13:45:00.25", R"("13:45:00.25")"},
      {pg_oid::kInterval, "1 day 02:00:00", R"("1 day 02:00:00")"},
      {pg_oid::kMoney, "$1.00", R"("$1.00")"},
      {987654, "happy", R"("happy")"},  // an enum: unknown OID
  });
}

TEST(PgValues, Timestamps) {
  ExpectTable({
      {pg_oid::kTimestamptz, "2024-01-02 03:04:05.123456+00", R"("2024-01-02T03:04:05.123456Z")"},
      {pg_oid::kTimestamptz, "2024-01-02 03:04:05+05:30", R"("2024-01-01T21:34:05Z")"},
      {pg_oid::kTimestamptz, "2023-12-31 22:30:00.5-02", R"("2024-01-01T00:30:00.5Z")"},
      {pg_oid::kTimestamptz, "2024-03-01 00:00:00+01", R"("2024-02-29T23:00:00Z")"},
      {pg_oid::kTimestamptz, "1900-01-01 00:00:00+00:09:21", R"("1899-12-31T23:50:39Z")"},
      {pg_oid::kTimestamptz, "0001-01-01 00:00:00+01", R"("0001-01-01 00:00:00+01")"},  // year 0: kept
      {pg_oid::kTimestamptz, "infinity", R"("infinity")"},
      {pg_oid::kTimestamptz, "2024-01-02 03:04:05+00 BC", R"("2024-01-02 03:04:05+00 BC")"},
      {pg_oid::kTimestamptz, "Tue Jan 02 03:04:05 2024 PST", R"("Tue Jan 02 03:04:05 2024 PST")"},
      {pg_oid::kTimestamptz, "12024-01-02 03:04:05+00", R"("12024-01-02 03:04:05+00")"},
      {pg_oid::kTimestamp, "2024-01-02 03:04:05.5", R"("2024-01-02T03:04:05.5")"},
      {pg_oid::kTimestamp, "2024-01-02 03:04:05", R"("2024-01-02T03:04:05")"},
      {pg_oid::kTimestamp, "2024-01-02 03:04:05+00", R"("2024-01-02 03:04:05+00")"},
      {pg_oid::kTimestamp, "2024-13-02 03:04:05", R"("2024-13-02 03:04:05")"},
  });
  for (std::string_view bad : {"", "2024-01-02", "2024-01-02 03:04", "2024-01-02 03:04:05.", "2024-01-02 03:04:05+",
                               "2024-01-02 03:04:05+1", "2024-01-02 03:04:05+01:", "2024-01-02 03:04:05+01:60"}) {
    EXPECT_FALSE(IsoTimestampTz(bad).has_value()) << bad;
  }
}

TEST(PgValues, Arrays) {
  ExpectTable({
      {pg_oid::kInt4Array, "{1,2,NULL,-4}", "[1,2,null,-4]"},
      {pg_oid::kInt4Array, "{}", "[]"},
      {pg_oid::kInt4Array, "{{1,2},{3,NULL}}", "[[1,2],[3,null]]"},
      {pg_oid::kInt4Array, "[0:1]={7,8}", "[7,8]"},
      {pg_oid::kInt4Array, "[1:1][1:2]={{7,8}}", "[[7,8]]"},
      {pg_oid::kInt8Array, "{ 1 , 2 }", "[1,2]"},
      {pg_oid::kTextArray, R"({"a\"b",NULL,"c,d"," x ","NULL",null,"",plain,"back\\slash"})",
       R"(["a\"b",null,"c,d"," x ","NULL",null,"","plain","back\\slash"])"},
      {pg_oid::kTextArray, R"({"{braces}",a\,b,x\ })", R"(["{braces}","a,b","x "])"},
      {pg_oid::kJsonbArray, R"({"{\"a\": 1}","[1, 2]",NULL})", R"([{"a":1},[1,2],null])"},
      {1231, "{1.5,NaN,99999999999999999999}", R"([1.5,"NaN","99999999999999999999"])"},
      {1000, "{t,f}", "[true,false]"},
      {1185, R"({"2024-01-02 03:04:05+01"})", R"(["2024-01-02T02:04:05Z"])"},
      {2951, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", R"(["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])"},
      {1020, "{(1,1),(0,0);(2,2),(1,1)}", R"("{(1,1),(0,0);(2,2),(1,1)}")"},  // _box: unknown, kept
  });
  // Malformed literals stay text.
  for (std::string_view bad :
       {"", "{", "{1,2", "{1,,2}", "{1}x", "{\"a}", "{a\"b}", "[0:1]{1}", "{1,}", "1,2", "{{{{{{{1}}}}}}}", "{a\\"}) {
    EXPECT_EQ(json::Serialize(TextToJson(pg_oid::kTextArray, bad)), json::Serialize(boost::json::value(bad))) << bad;
  }
  EXPECT_EQ(json::Serialize(TextToJson(pg_oid::kInt4Array, "{{{{{{1}}}}}}")), "[[[[[[1]]]]]]");  // 6 dims is the max
  std::string deep(100000, '{');
  EXPECT_EQ(TextToJson(pg_oid::kInt4Array, deep).as_string(), deep);  // bounded recursion
  EXPECT_EQ(ArrayElementOid(pg_oid::kInt4Array), pg_oid::kInt4);
  EXPECT_EQ(ArrayElementOid(pg_oid::kInt4), 0u);
}

TEST(PgValues, ColumnsKeepNullAndUnchangedToastApart) {
  EXPECT_EQ(ConvertColumn(pg_oid::kInt4, {TupleValue::Kind::kNull, ""}).state, ColumnValue::State::kNull);
  EXPECT_EQ(ConvertColumn(pg_oid::kText, {TupleValue::Kind::kUnchangedToast, ""}).state,
            ColumnValue::State::kUnchangedToast);
  auto v = ConvertColumn(pg_oid::kInt4, {TupleValue::Kind::kText, "5"});
  EXPECT_EQ(v.state, ColumnValue::State::kValue);
  EXPECT_EQ(v.json, boost::json::value(5));
  EXPECT_EQ(ConvertColumn(pg_oid::kBytea, {TupleValue::Kind::kBinary, std::string("\x00\xab", 2)}).json.as_string(),
            "\\x00ab");
}

TEST(PgValues, DecodeRowPairsColumnsByName) {
  Relation rel{16384,
               "public",
               "items",
               'd',
               {{1, "id", pg_oid::kInt4, -1},
                {0, "doc", pg_oid::kJsonb, -1},
                {0, "note", pg_oid::kText, -1},
                {0, "body", pg_oid::kText, -1}}};
  TupleData tuple{{TupleValue::Kind::kText, "7"},
                  {TupleValue::Kind::kText, R"({"k": [1]})"},
                  {TupleValue::Kind::kNull, ""},
                  {TupleValue::Kind::kUnchangedToast, ""}};
  auto row = DecodeRow(rel, tuple);
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(json::Serialize(row->values), R"({"id":7,"doc":{"k":[1]},"note":null})");
  EXPECT_EQ(row->unchanged_toast, std::vector<std::string>{"body"});

  auto key = DecodeRow(rel, tuple, /*key_only=*/true);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(json::Serialize(key->values), R"({"id":7})");
  EXPECT_TRUE(key->unchanged_toast.empty());

  tuple.pop_back();
  auto short_row = DecodeRow(rel, tuple);
  ASSERT_FALSE(short_row.ok());
  EXPECT_EQ(short_row.error().code, ErrorCode::kValidation);
  EXPECT_NE(short_row.error().message.find("public.items"), std::string::npos);
}

}  // namespace
}  // namespace rt::cdc
