// CompiledMapping::Evaluate: every condition kind, triggerColumns, templates, each operation,
// missing old values; plus a micro-benchmark that prints evaluations per second.
#include <chrono>
#include <cstdio>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "cdc/mapping.h"
#include "core/json.h"

namespace rt::cdc {
namespace {

using boost::json::object;

boost::json::value J(std::string_view text) {
  auto v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : boost::json::value();
}
object Row(std::string_view text) { return J(text).as_object(); }

CompiledMapping Compile(std::string_view mapping_json) {
  auto m = ParseMapping(J(mapping_json));
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  auto c = CompiledMapping::Compile(*m);
  EXPECT_TRUE(c.ok());
  return std::move(*c);
}

RowChange Insert(const object& row, std::string_view table = "sessions") {
  return {"public", table, Operation::kInsert, &row, nullptr, false};
}
RowChange Update(const object& now, const object* before, bool full = true) {
  return {"public", "sessions", Operation::kUpdate, &now, before, full && before != nullptr};
}
RowChange Delete(const object& before, bool full = true) {
  return {"public", "sessions", Operation::kDelete, nullptr, &before, full};
}

// Evaluates and returns the outcome kind; *event receives the event when emitted.
OutcomeKind Eval(const CompiledMapping& m, const RowChange& ch, MappedEvent* event = nullptr,
                 std::string* msg = nullptr) {
  MappedEvent local;
  Outcome o = m.Evaluate(ch, event != nullptr ? event : &local);
  if (msg != nullptr) *msg = o.message;
  return o.kind;
}

constexpr std::string_view kSpecMapping = R"({"id": "map_session_status_v1", "table": "sessions",
  "events": ["insert", "update"], "topic": "session.status", "triggerColumns": ["status", "ended_at"],
  "when": { "or": [ { "changed": "status" }, { "changed": "ended_at" } ] },
  "payload": { "sessionId": "$row.id", "status": "$row.status", "endedAt": "$row.ended_at",
               "campusId": "$row.campus_id" } })";

const object kOld =
    boost::json::parse(R"({"id":7,"status":"pending","ended_at":null,"campus_id":"c1","notes":"n"})").as_object();

TEST(MappingEval, InsertEmitsTheSpecEnvelopeFields) {
  auto m = Compile(kSpecMapping);
  MappedEvent e;
  ASSERT_EQ(Eval(m, Insert(kOld), &e), OutcomeKind::kEmitted);
  EXPECT_EQ(e.topic, "session.status");
  EXPECT_EQ(e.type, "database.insert");
  EXPECT_EQ(e.table, "sessions");
  EXPECT_EQ(e.operation, Operation::kInsert);
  EXPECT_EQ(json::Serialize(e.payload), R"({"sessionId":7,"status":"pending","endedAt":null,"campusId":"c1"})");
}

TEST(MappingEval, UpdateEmitsOnlyWhenATriggerColumnChanged) {
  auto m = Compile(kSpecMapping);
  object changed = kOld;
  changed["status"] = "active";
  MappedEvent e;
  ASSERT_EQ(Eval(m, Update(changed, &kOld), &e), OutcomeKind::kEmitted);
  EXPECT_EQ(e.type, "database.update");
  EXPECT_EQ(e.payload.at("status"), "active");

  object notes_only = kOld;
  notes_only["notes"] = "edited";
  e.topic = "untouched";
  EXPECT_EQ(Eval(m, Update(notes_only, &kOld), &e), OutcomeKind::kFilteredTrigger);
  EXPECT_EQ(e.topic, "untouched");  // *out is written only on kEmitted
}

TEST(MappingEval, TableSchemaAndEventMustMatch) {
  auto m = Compile(kSpecMapping);
  EXPECT_EQ(Eval(m, Insert(kOld, "other")), OutcomeKind::kNotThisTable);
  RowChange other_schema = Insert(kOld);
  other_schema.schema = "crm";
  EXPECT_EQ(Eval(m, other_schema), OutcomeKind::kNotThisTable);
  EXPECT_EQ(Eval(m, Delete(kOld)), OutcomeKind::kNotThisEvent);

  auto qualified = Compile(R"({"table":"crm.sessions","events":["delete"],"topic":"t","payload":{"id":"$row.id"}})");
  RowChange crm = Delete(kOld);
  crm.schema = "crm";
  MappedEvent e;
  ASSERT_EQ(Eval(qualified, crm, &e), OutcomeKind::kEmitted);
  EXPECT_EQ(e.table, "crm.sessions");
  EXPECT_EQ(e.type, "database.delete");
  EXPECT_EQ(Eval(qualified, Delete(kOld)), OutcomeKind::kNotThisTable);  // public.sessions
}

TEST(MappingEval, ChangedComparesOldAndNewAndIsTrueOnInsertAndDelete) {
  auto m = Compile(R"({"table":"sessions","events":["insert","update","delete"],"topic":"t",
    "when":{"changed":"status"},"payload":{"id":"$row.id"}})");
  object same = kOld, other = kOld;
  other["status"] = "done";
  EXPECT_EQ(Eval(m, Update(same, &kOld)), OutcomeKind::kFilteredWhen);
  EXPECT_EQ(Eval(m, Update(other, &kOld)), OutcomeKind::kEmitted);
  EXPECT_EQ(Eval(m, Insert(kOld)), OutcomeKind::kEmitted);
  EXPECT_EQ(Eval(m, Delete(kOld)), OutcomeKind::kEmitted);
  object to_null = kOld;
  to_null["status"] = nullptr;
  EXPECT_EQ(Eval(m, Update(to_null, &kOld)), OutcomeKind::kEmitted);
  object same_number = kOld, old_double = kOld;
  old_double["status"] = 2.0;
  same_number["status"] = 2;
  EXPECT_EQ(Eval(m, Update(same_number, &old_double)), OutcomeKind::kFilteredWhen);  // 2 == 2.0
}

TEST(MappingEval, MissingOldRowIsReportedNotGuessed) {
  auto m = Compile(kSpecMapping);
  object changed = kOld;
  changed["status"] = "active";
  std::string msg;
  EXPECT_EQ(Eval(m, Update(changed, nullptr), nullptr, &msg), OutcomeKind::kNeedsOldRow);
  EXPECT_NE(msg.find("\"status\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("REPLICA IDENTITY FULL on public.sessions"), std::string::npos) << msg;

  // A key-only old image (the key changed under the default identity) knows only the key.
  const object key_only = Row(R"({"id":6})");
  EXPECT_EQ(Eval(m, Update(changed, &key_only, false)), OutcomeKind::kNeedsOldRow);
  auto on_key = Compile(R"({"table":"sessions","events":["update"],"topic":"t","when":{"changed":"id"},
    "payload":{"id":"$row.id"}})");
  EXPECT_EQ(Eval(on_key, Update(changed, &key_only, false)), OutcomeKind::kEmitted);  // 7 != 6
}

TEST(MappingEval, ThreeValuedLogicDecidesWithoutTheOldRowWhenItCan) {
  auto m = Compile(R"({"table":"sessions","events":["update"],"topic":"t",
    "when":{"and":[{"eq":["$row.status","active"]},{"changed":"status"}]},"payload":{"id":"$row.id"}})");
  object pending = kOld, active = kOld;
  active["status"] = "active";
  EXPECT_EQ(Eval(m, Update(pending, nullptr)), OutcomeKind::kFilteredWhen);  // false and unknown
  EXPECT_EQ(Eval(m, Update(active, nullptr)), OutcomeKind::kNeedsOldRow);    // true and unknown

  auto any = Compile(R"({"table":"sessions","events":["update"],"topic":"t",
    "when":{"or":[{"changed":"status"},{"eq":["$row.status","active"]}]},"payload":{"id":"$row.id"}})");
  EXPECT_EQ(Eval(any, Update(active, nullptr)), OutcomeKind::kEmitted);       // unknown or true
  EXPECT_EQ(Eval(any, Update(pending, nullptr)), OutcomeKind::kNeedsOldRow);  // unknown or false
}

TEST(MappingEval, EqComparesJsonValues) {
  struct Case {
    std::string literal, row_value;
    bool equal;
  };
  const std::vector<Case> cases = {
      {R"("active")", R"("active")", true},
      {R"("active")", R"("Active")", false},
      {"1", "1", true},
      {"1", "1.0", true},
      {"1.5", "1.5", true},
      {"1", R"("1")", false},
      {"null", "null", true},
      {"null", "false", false},
      {"true", "true", true},
      {"false", "0", false},
      {"[1,2]", "[1,2]", true},
      {"[1,2]", "[2,1]", false},
      {R"({"a":1,"b":[true]})", R"({"b":[true],"a":1.0})", true},
      {R"({"a":1})", R"({"a":1,"b":2})", false},
      {"9007199254740993", "9007199254740992.0", false},
      {"18446744073709551615", "18446744073709551615", true},
  };
  for (const auto& c : cases) {
    auto m = Compile(R"({"table":"sessions","events":["insert"],"topic":"t","when":{"eq":["$row.v",)" + c.literal +
                     R"(]},"payload":{"v":"$row.v"}})");
    object row = Row(R"({"v":)" + c.row_value + "}");
    EXPECT_EQ(Eval(m, Insert(row)), c.equal ? OutcomeKind::kEmitted : OutcomeKind::kFilteredWhen)
        << c.literal << " vs " << c.row_value;
    EXPECT_EQ(JsonEqual(J(c.literal), J(c.row_value)), c.equal);
  }
}

TEST(MappingEval, NestedAndOr) {
  // (kind = a or kind = b) and (changed(status) or (urgent = true and not yet ended))
  auto m = Compile(R"({"table":"sessions","events":["insert","update"],"topic":"t",
    "when":{"and":[{"or":[{"eq":["$row.kind","a"]},{"eq":["$row.kind","b"]}]},
                   {"or":[{"changed":"status"},{"and":[{"eq":["$row.urgent",true]},{"eq":["$row.ended_at",null]}]}]}]},
    "payload":{"id":"$row.id"}})");
  const object before = Row(R"({"id":1,"kind":"a","status":"s","urgent":false,"ended_at":null})");
  auto with = [&](std::string_view patch) {
    object row = before;
    for (const auto& [k, v] : Row(patch)) row[k] = v;
    return row;
  };
  object c1 = with(R"({"status":"t"})"), c2 = with(R"({"kind":"c","status":"t"})"), c3 = with(R"({"urgent":true})"),
         c4 = with(R"({"urgent":true,"ended_at":"2024-01-01T00:00:00Z"})"), c5 = with(R"({"kind":"b"})");
  EXPECT_EQ(Eval(m, Update(c1, &before)), OutcomeKind::kEmitted);
  EXPECT_EQ(Eval(m, Update(c2, &before)), OutcomeKind::kFilteredWhen);
  EXPECT_EQ(Eval(m, Update(c3, &before)), OutcomeKind::kEmitted);
  EXPECT_EQ(Eval(m, Update(c4, &before)), OutcomeKind::kFilteredWhen);
  EXPECT_EQ(Eval(m, Update(c5, &before)), OutcomeKind::kFilteredWhen);
  EXPECT_EQ(Eval(m, Insert(c5)), OutcomeKind::kEmitted);  // changed is true on insert

  std::string when = R"({"eq":["$row.kind","a"]})";
  for (int i = 0; i < 15; ++i) when = (i % 2 ? R"({"and":[)" : R"({"or":[)") + when + "]}";
  auto deep = Compile(R"({"table":"sessions","events":["insert"],"topic":"t","when":)" + when +
                      R"(,"payload":{"id":"$row.id"}})");
  EXPECT_EQ(Eval(deep, Insert(before)), OutcomeKind::kEmitted);
  EXPECT_EQ(Eval(deep, Insert(c2)), OutcomeKind::kFilteredWhen);
}

TEST(MappingEval, TriggerColumnsApplyToUpdatesOnly) {
  auto m = Compile(R"({"table":"sessions","events":["insert","update","delete"],"topic":"t",
    "triggerColumns":["status","ended_at"],"payload":{"id":"$row.id"}})");
  object ended = kOld, notes = kOld;
  ended["ended_at"] = "2024-01-01T00:00:00Z";
  notes["notes"] = "x";
  EXPECT_EQ(Eval(m, Update(ended, &kOld)), OutcomeKind::kEmitted);
  EXPECT_EQ(Eval(m, Update(notes, &kOld)), OutcomeKind::kFilteredTrigger);
  EXPECT_EQ(Eval(m, Update(notes, nullptr)), OutcomeKind::kNeedsOldRow);
  EXPECT_EQ(Eval(m, Insert(kOld)), OutcomeKind::kEmitted);
  EXPECT_EQ(Eval(m, Delete(kOld)), OutcomeKind::kEmitted);
}

TEST(MappingEval, UnchangedToastValues) {
  auto m = Compile(R"({"table":"sessions","events":["update"],"topic":"t","triggerColumns":["body","status"],
    "payload":{"id":"$row.id","body":"$row.body"}})");
  const object old_full = Row(R"({"id":1,"status":"a","body":"big"})");
  object now = Row(R"({"id":1,"status":"b"})");  // body not sent: unchanged TOAST
  MappedEvent e;
  ASSERT_EQ(Eval(m, Update(now, &old_full), &e), OutcomeKind::kEmitted);
  EXPECT_EQ(e.payload.at("body"), "big");  // from the old row

  std::string msg;
  EXPECT_EQ(Eval(m, Update(now, nullptr), nullptr, &msg), OutcomeKind::kNeedsOldRow);  // status: old value unknown
  auto no_trigger = Compile(R"({"table":"sessions","events":["update"],"topic":"t","payload":{"body":"$row.body"}})");
  EXPECT_EQ(Eval(no_trigger, Update(now, nullptr), nullptr, &msg), OutcomeKind::kNeedsOldRow);
  EXPECT_NE(msg.find("\"body\" was not sent (unchanged TOAST value)"), std::string::npos) << msg;
  object same_status = Row(R"({"id":1,"status":"a"})");
  EXPECT_EQ(Eval(m, Update(same_status, &old_full)), OutcomeKind::kFilteredTrigger);  // body counts as unchanged

  const object old_without = Row(R"({"id":1,"status":"a"})");  // a whole old row without "body": no such column
  EXPECT_EQ(Eval(m, Update(now, &old_without), nullptr, &msg), OutcomeKind::kTemplateError);
  EXPECT_NE(msg.find("\"body\""), std::string::npos) << msg;
}

TEST(MappingEval, TemplatesNestLiteralsAndReferences) {
  auto m = Compile(R"({"table":"sessions","events":["insert","delete"],"topic":"t","payload":{
    "id":"$row.id","price":"$5","n":1.5,"flag":true,"none":null,
    "who":{"campus":"$row.campus_id","tags":["fixed","$row.status",{"deep":["$row.ended_at"]}],"empty":{}}}})");
  MappedEvent e;
  ASSERT_EQ(Eval(m, Insert(kOld), &e), OutcomeKind::kEmitted);
  EXPECT_EQ(json::Serialize(e.payload),
            R"({"id":7,"price":"$5","n":1.5,"flag":true,"none":null,)"
            R"("who":{"campus":"c1","tags":["fixed","pending",{"deep":[null]}],"empty":{}}})");
  ASSERT_EQ(Eval(m, Delete(kOld), &e), OutcomeKind::kEmitted);  // $row is the old row
  EXPECT_EQ(e.payload.at("who").at("campus"), "c1");
  EXPECT_EQ(e.operation, Operation::kDelete);
}

TEST(MappingEval, MissingColumnsAreTemplateErrorsOrNeedTheOldRow) {
  auto m = Compile(R"({"table":"sessions","events":["insert","delete"],"topic":"t",
    "payload":{"id":"$row.id","x":{"y":["$row.missing"]}}})");
  std::string msg;
  EXPECT_EQ(Eval(m, Insert(kOld), nullptr, &msg), OutcomeKind::kTemplateError);
  EXPECT_NE(msg.find("\"missing\""), std::string::npos) << msg;
  EXPECT_EQ(Eval(m, Delete(kOld, /*full=*/true), nullptr, &msg), OutcomeKind::kTemplateError);

  // A delete under the default identity carries only the key columns.
  auto names =
      Compile(R"({"table":"sessions","events":["delete"],"topic":"t","payload":{"id":"$row.id","s":"$row.status"}})");
  const object key = Row(R"({"id":7})");
  EXPECT_EQ(Eval(names, Delete(key, false), nullptr, &msg), OutcomeKind::kNeedsOldRow);
  EXPECT_NE(msg.find("\"status\""), std::string::npos) << msg;
  auto key_only = Compile(R"({"table":"sessions","events":["delete"],"topic":"t","payload":{"id":"$row.id"}})");
  EXPECT_EQ(Eval(key_only, Delete(key, false)), OutcomeKind::kEmitted);

  auto when_missing = Compile(R"({"table":"sessions","events":["insert"],"topic":"t",
    "when":{"eq":["$row.nope",1]},"payload":{"id":"$row.id"}})");
  EXPECT_EQ(Eval(when_missing, Insert(kOld), nullptr, &msg), OutcomeKind::kTemplateError);
  EXPECT_NE(msg.find("\"nope\""), std::string::npos) << msg;
}

TEST(MappingEval, CompileValidatesHandBuiltMappings) {
  auto m = ParseMapping(J(kSpecMapping));
  ASSERT_TRUE(m.ok());
  DomainMapping bad = *m;
  bad.topic = "";
  EXPECT_EQ(CompiledMapping::Compile(bad).error().code, ErrorCode::kValidation);
  bad = *m;
  bad.events.clear();
  EXPECT_FALSE(CompiledMapping::Compile(bad).ok());
  auto good = CompiledMapping::Compile(*m);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->mapping(), *m);
  EXPECT_EQ(good->schema(), "public");
  EXPECT_EQ(good->table(), "sessions");
}

TEST(MappingEval, OutcomeNames) {
  EXPECT_EQ(OutcomeName(OutcomeKind::kEmitted), "emitted");
  EXPECT_EQ(OutcomeName(OutcomeKind::kFilteredWhen), "filtered_when");
  EXPECT_EQ(OutcomeName(OutcomeKind::kFilteredTrigger), "filtered_trigger");
  EXPECT_EQ(OutcomeName(OutcomeKind::kNotThisTable), "not_this_table");
  EXPECT_EQ(OutcomeName(OutcomeKind::kNotThisEvent), "not_this_event");
  EXPECT_EQ(OutcomeName(OutcomeKind::kNeedsOldRow), "needs_old_row");
  EXPECT_EQ(OutcomeName(OutcomeKind::kTemplateError), "template_error");
}

// Not a timing assertion: prints the rate for the spec's mapping on a 12-column update.
TEST(MappingEval, MicroBenchmark) {
  auto m = Compile(kSpecMapping);
  const object before = Row(R"({"id":123456,"status":"pending","ended_at":null,"campus_id":"campus_42",
    "user_id":"5d1c2a3e-0000-4000-8000-000000000001","exam_id":991,"started_at":"2024-01-02T03:04:05.123456Z",
    "score":87.5,"notes":"some text that is a bit longer than a short string","attempt":2,"proctored":true,
    "meta":{"browser":"firefox","ip":"10.0.0.1"}})");
  object after = before;
  after["status"] = "active";
  const RowChange change = Update(after, &before);
  constexpr int kIterations = 200000;
  int emitted = 0;
  MappedEvent e;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kIterations; ++i) emitted += m.Evaluate(change, &e).emitted() ? 1 : 0;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(emitted, kIterations);
  std::printf("[ bench    ] mapping evaluation: %.0f evaluations/s (%.0f ns each)\n", kIterations / seconds,
              seconds * 1e9 / kIterations);
}

}  // namespace
}  // namespace rt::cdc
