// ParseMapping / MappingToJson / RequiredColumns / NeedsOldRow (the evaluator: mapping_eval_test.cpp).
#include "cdc/mapping.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace rt::cdc {
namespace {

boost::json::value J(std::string_view text) {
  auto v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : boost::json::value();
}

// The example of spec/35-services-database.md "Mapping Structure".
constexpr std::string_view kSpecExample = R"({"id": "map_session_status_v1", "table": "sessions",
  "events": ["insert", "update"], "topic": "session.status", "triggerColumns": ["status", "ended_at"],
  "when": { "or": [ { "changed": "status" }, { "changed": "ended_at" } ] },
  "payload": { "sessionId": "$row.id", "status": "$row.status", "endedAt": "$row.ended_at",
               "campusId": "$row.campus_id" } })";

TEST(MappingParse, ReadsTheSpecExample) {
  auto m = ParseMapping(J(kSpecExample));
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->id, "map_session_status_v1");
  EXPECT_EQ(m->schema, "public");
  EXPECT_EQ(m->table, "sessions");
  EXPECT_EQ(m->TableName(), "sessions");
  EXPECT_EQ(m->events, (std::vector<Operation>{Operation::kInsert, Operation::kUpdate}));
  EXPECT_EQ(m->topic, "session.status");
  EXPECT_EQ(m->trigger_columns, (std::vector<std::string>{"status", "ended_at"}));
  ASSERT_TRUE(m->when.has_value());
  EXPECT_EQ(m->when->kind, Condition::Kind::kOr);
  ASSERT_EQ(m->when->children.size(), 2u);
  EXPECT_EQ(m->when->children[1].kind, Condition::Kind::kChanged);
  EXPECT_EQ(m->when->children[1].column, "ended_at");
  EXPECT_EQ(m->payload.size(), 4u);
  EXPECT_FALSE(m->environment.has_value());
  EXPECT_EQ(m->version, 1);
  EXPECT_TRUE(m->active);
}

TEST(MappingParse, ReadsTheCreateBodyOfSpec15AndOptionalFields) {
  auto m = ParseMapping(J(R"({ "table": "sessions", "topic": "session.status", "events": ["insert", "update"],
    "triggerColumns": ["status", "ended_at"], "payload": { "sessionId": "$row.id", "status": "$row.status",
    "endedAt": "$row.ended_at" }, "when": { "or": [ { "changed": "status" }, { "changed": "ended_at" } ] },
    "environment": "development", "version": 3, "active": false })"));
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->id, "");
  EXPECT_EQ(m->environment, "development");
  EXPECT_EQ(m->version, 3);
  EXPECT_FALSE(m->active);
}

TEST(MappingParse, SchemaQualifiedTablesAndCanonicalOrder) {
  auto m = ParseMapping(J(R"({"table":"salesforce.sp_exam_session__c","events":["delete","insert"],
    "topic":"exam.session","payload":{"id":"$row.Id"}, "triggerColumns": null, "when": null})"));
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->schema, "salesforce");
  EXPECT_EQ(m->table, "sp_exam_session__c");
  EXPECT_EQ(m->TableName(), "salesforce.sp_exam_session__c");
  EXPECT_EQ(m->events, (std::vector<Operation>{Operation::kInsert, Operation::kDelete}));
  EXPECT_TRUE(m->trigger_columns.empty());
  EXPECT_FALSE(m->when.has_value());

  auto pub = ParseMapping(J(R"({"table":"public.sessions","events":["insert"],"topic":"t","payload":{"a":"$row.a"}})"));
  ASSERT_TRUE(pub.ok()) << pub.error().message;
  EXPECT_EQ(pub->TableName(), "sessions");
}

TEST(MappingParse, KeepsLiteralsThatOnlyStartWithADollar) {
  auto m = ParseMapping(J(R"({"table":"t","events":["insert"],"topic":"t",
    "payload":{"price":"$5","dollar":"$","a":"$row.a","n":1,"b":true,"z":null,"l":[1,"x"]}})"));
  ASSERT_TRUE(m.ok()) << m.error().message;
}

std::string Repeat(std::string_view unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

std::string WithField(std::string_view field_json) {
  return R"({"table":"sessions","events":["insert","update"],"topic":"session.status","payload":{"id":"$row.id"},)" +
         std::string(field_json) + "}";
}

TEST(MappingParse, RefusesMalformedInputNamingTheField) {
  std::string deep_when = Repeat(R"({"and":[)", 17) + R"({"changed":"a"})" + Repeat("]}", 17);
  std::string many_when = R"({"or":[)" + Repeat(R"({"changed":"a"},)", 300) + R"({"changed":"a"}]})";
  std::string deep_payload = Repeat(R"({"a":)", 17) + R"("$row.id")" + Repeat("}", 17);
  std::string many_payload = R"({"a":"$row.a","l":[)" + Repeat("1,", 1000) + "1]}";
  std::string long_name(64, 'a');
  struct Case {
    std::string body;
    std::string field;  // the message must mention it
  };
  const std::vector<Case> cases = {
      {"[]", "mapping"},
      {R"({"events":["insert"],"topic":"t","payload":{"a":"$row.a"}})", "table"},
      {R"({"table":5,"events":["insert"],"topic":"t","payload":{"a":"$row.a"}})", "table"},
      {R"({"table":"","events":["insert"],"topic":"t","payload":{"a":"$row.a"}})", "table"},
      {R"({"table":"a.b.c","events":["insert"],"topic":"t","payload":{"a":"$row.a"}})", "table"},
      {R"({"table":".sessions","events":["insert"],"topic":"t","payload":{"a":"$row.a"}})", "table"},
      {R"({"table":"sessions.","events":["insert"],"topic":"t","payload":{"a":"$row.a"}})", "table"},
      {R"({"table":"1abc","events":["insert"],"topic":"t","payload":{"a":"$row.a"}})", "table"},
      {R"({"table":"my-table","events":["insert"],"topic":"t","payload":{"a":"$row.a"}})", "table"},
      {R"({"table":"x; drop table y","events":["insert"],"topic":"t","payload":{"a":"$row.a"}})", "table"},
      {R"({"table":")" + long_name + R"(","events":["insert"],"topic":"t","payload":{"a":"$row.a"}})", "table"},
      {R"({"table":"t","topic":"t","payload":{"a":"$row.a"}})", "events"},
      {R"({"table":"t","events":[],"topic":"t","payload":{"a":"$row.a"}})", "events"},
      {R"({"table":"t","events":"insert","topic":"t","payload":{"a":"$row.a"}})", "events"},
      {R"({"table":"t","events":["upsert"],"topic":"t","payload":{"a":"$row.a"}})", "events"},
      {R"({"table":"t","events":["truncate"],"topic":"t","payload":{"a":"$row.a"}})", "events"},
      {R"({"table":"t","events":["insert","insert"],"topic":"t","payload":{"a":"$row.a"}})", "events"},
      {R"({"table":"t","events":[1],"topic":"t","payload":{"a":"$row.a"}})", "events"},
      {R"({"table":"t","events":["insert"],"payload":{"a":"$row.a"}})", "topic"},
      {R"({"table":"t","events":["insert"],"topic":"","payload":{"a":"$row.a"}})", "topic"},
      {R"({"table":"t","events":["insert"],"topic":7,"payload":{"a":"$row.a"}})", "topic"},
      {R"({"table":"t","events":["insert"],"topic":"has space","payload":{"a":"$row.a"}})", "topic"},
      {R"({"table":"t","events":["insert"],"topic":")" + std::string(201, 'x') + R"(","payload":{"a":"$row.a"}})",
       "topic"},
      {R"({"table":"t","events":["insert"],"topic":"presence:room","payload":{"a":"$row.a"}})", "topic"},
      {R"({"table":"t","events":["insert"],"topic":"direct:abc","payload":{"a":"$row.a"}})", "topic"},
      {R"({"table":"t","events":["insert"],"topic":"sync.docs","payload":{"a":"$row.a"}})", "topic"},
      {WithField(R"("triggerColumns":"status")"), "triggerColumns"},
      {WithField(R"("triggerColumns":[1])"), "triggerColumns"},
      {WithField(R"("triggerColumns":[""])"), "triggerColumns"},
      {WithField(R"("triggerColumns":[")" + long_name + R"("])"), "triggerColumns"},
      {WithField(R"("triggerColumns":["a","a"])"), "triggerColumns"},
      {R"({"table":"t","events":["insert"],"topic":"t","payload":{"a":"$row.a"},"triggerColumns":["a"]})",
       "triggerColumns"},
      {WithField(R"("when":"x")"), "when"},
      {WithField(R"("when":{})"), "when"},
      {WithField(R"("when":{"changed":"a","eq":["$row.a",1]})"), "when"},
      {WithField(R"("when":{"neq":["$row.a",1]})"), "when"},
      {WithField(R"("when":{"in":["$row.a",[1,2]]})"), "when"},
      {WithField(R"("when":{"changed":1})"), "when.changed"},
      {WithField(R"("when":{"changed":""})"), "when.changed"},
      {WithField(R"("when":{"changed":"$row.status"})"), "when.changed"},
      {WithField(R"("when":{"eq":"x"})"), "when.eq"},
      {WithField(R"("when":{"eq":["$row.a"]})"), "when.eq"},
      {WithField(R"("when":{"eq":["$row.a",1,2]})"), "when.eq"},
      {WithField(R"("when":{"eq":["status","active"]})"), "when.eq"},
      {WithField(R"("when":{"eq":[1,2]})"), "when.eq"},
      {WithField(R"("when":{"eq":["$row.",2]})"), "when.eq[0]"},
      {WithField(R"("when":{"eq":["$old.a",1]})"), "when.eq[0]"},
      {WithField(R"("when":{"eq":["$row.a","$row.b"]})"), "when.eq[1]"},
      {WithField(R"("when":{"and":[]})"), "when.and"},
      {WithField(R"("when":{"or":{}})"), "when.or"},
      {WithField(R"("when":{"and":[{"changed":"a"},{"bogus":1}]})"), "when.and[1]"},
      {WithField(R"("when":{"or":[{"and":[{"eq":["$row.a"]}]}]})"), "when.or[0].and[0].eq"},
      {WithField(R"("when":)" + deep_when), "when"},
      {WithField(R"("when":)" + many_when), "when"},
      {R"({"table":"t","events":["insert"],"topic":"t"})", "payload"},
      {R"({"table":"t","events":["insert"],"topic":"t","payload":"$row.a"})", "payload"},
      {R"({"table":"t","events":["insert"],"topic":"t","payload":["$row.a"]})", "payload"},
      {R"({"table":"t","events":["insert"],"topic":"t","payload":{}})", "payload"},
      {R"({"table":"t","events":["insert"],"topic":"t","payload":{"a":"literal","b":[1]}})", "payload"},
      {R"({"table":"t","events":["insert"],"topic":"t","payload":{"a":"$row."}})", "payload.a"},
      {R"({"table":"t","events":["insert"],"topic":"t","payload":{"a":"$row.)" + long_name + R"("}})", "payload.a"},
      {R"({"table":"t","events":["insert"],"topic":"t","payload":{"a":"$row.id","b":"$old.x"}})", "payload.b"},
      {R"({"table":"t","events":["insert"],"topic":"t","payload":{"a":{"b":["$row.id","$table"]}}})", "payload.a.b[1]"},
      {R"({"table":"t","events":["insert"],"topic":"t","payload":{"a":"$row.id","b":"$row"}})", "payload.b"},
      {R"({"table":"t","events":["insert"],"topic":"t","payload":)" + deep_payload + "}", "payload"},
      {R"({"table":"t","events":["insert"],"topic":"t","payload":)" + many_payload + "}", "payload"},
      {WithField(R"("id":"")"), "id"},
      {WithField(R"("id":5)"), "id"},
      {WithField(R"("id":"has space")"), "id"},
      {WithField(R"("environment":"prod")"), "environment"},
      {WithField(R"("environment":1)"), "environment"},
      {WithField(R"("version":0)"), "version"},
      {WithField(R"("version":"1")"), "version"},
      {WithField(R"("version":1.5)"), "version"},
      {WithField(R"("version":18446744073709551615)"), "version"},
      {WithField(R"("active":"yes")"), "active"},
      {WithField(R"("name":"x")"), "name"},
      {WithField(R"("createdAt":"2024-01-01")"), "createdAt"},
  };
  for (const auto& c : cases) {
    auto m = ParseMapping(J(c.body));
    ASSERT_FALSE(m.ok()) << c.body;
    EXPECT_EQ(m.error().code, ErrorCode::kValidation) << c.body;
    EXPECT_NE(m.error().message.find(c.field), std::string::npos)
        << "message \"" << m.error().message << "\" does not name " << c.field << " for " << c.body;
  }
}

TEST(MappingParse, NestingUpToTheLimitIsAccepted) {
  std::string when = Repeat(R"({"and":[)", 15) + R"({"changed":"a"})" + Repeat("]}", 15);  // 16 levels
  std::string payload = Repeat(R"({"a":)", 16) + R"("$row.id")" + Repeat("}", 16);         // 16 levels
  auto m = ParseMapping(
      J(R"({"table":"t","events":["update"],"topic":"t","when":)" + when + R"(,"payload":)" + payload + "}"));
  EXPECT_TRUE(m.ok()) << m.error().message;
}

TEST(MappingJson, RoundTrips) {
  auto m = ParseMapping(J(R"({"id":"map_1","table":"crm.accounts","events":["update","insert","delete"],
    "topic":"account.changed","triggerColumns":["status"],
    "when":{"and":[{"or":[{"changed":"status"},{"eq":["$row.tier",{"level":2,"tags":["a"]}]}]},
                   {"eq":["$row.deleted",false]},{"eq":["$row.owner",null]},{"eq":["$row.score",1.5]}]},
    "payload":{"id":"$row.id","nested":{"list":["$row.a",7,"lit",{"deep":"$row.b"}]},"price":"$5"},
    "environment":"staging","version":4,"active":false})"));
  ASSERT_TRUE(m.ok()) << m.error().message;
  boost::json::object out = MappingToJson(*m);
  EXPECT_EQ(json::Serialize(out),
            R"({"id":"map_1","table":"crm.accounts","events":["insert","update","delete"],"topic":"account.changed",)"
            R"("triggerColumns":["status"],"when":{"and":[{"or":[{"changed":"status"},)"
            R"({"eq":["$row.tier",{"level":2,"tags":["a"]}]}]},{"eq":["$row.deleted",false]},)"
            R"({"eq":["$row.owner",null]},{"eq":["$row.score",1.5]}]},)"
            R"("payload":{"id":"$row.id","nested":{"list":["$row.a",7,"lit",{"deep":"$row.b"}]},"price":"$5"},)"
            R"("environment":"staging","version":4,"active":false})");
  auto again = ParseMapping(out);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *m);

  auto minimal = ParseMapping(J(R"({"table":"t","events":["insert"],"topic":"t","payload":{"a":"$row.a"}})"));
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ(json::Serialize(MappingToJson(*minimal)),
            R"({"table":"t","events":["insert"],"topic":"t","triggerColumns":[],"payload":{"a":"$row.a"},)"
            R"("version":1,"active":true})");
  EXPECT_EQ(*ParseMapping(MappingToJson(*minimal)), *minimal);
}

TEST(MappingHelpers, RequiredColumnsAndOldRow) {
  auto spec = ParseMapping(J(kSpecExample));
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(RequiredColumns(*spec), (std::vector<std::string>{"campus_id", "ended_at", "id", "status"}));
  EXPECT_TRUE(NeedsOldRow(*spec));

  auto eq_only = ParseMapping(J(R"({"table":"t","events":["insert","update","delete"],"topic":"t",
    "when":{"and":[{"eq":["$row.kind","x"]},{"or":[{"eq":["$row.z",1]}]}]},"payload":{"a":["$row.a",{"b":"$row.b"}]}})"));
  ASSERT_TRUE(eq_only.ok()) << eq_only.error().message;
  EXPECT_EQ(RequiredColumns(*eq_only), (std::vector<std::string>{"a", "b", "kind", "z"}));
  EXPECT_FALSE(NeedsOldRow(*eq_only));

  auto nested_changed = ParseMapping(J(R"({"table":"t","events":["update"],"topic":"t",
    "when":{"and":[{"eq":["$row.kind","x"]},{"or":[{"changed":"z"}]}]},"payload":{"a":"$row.a"}})"));
  ASSERT_TRUE(nested_changed.ok());
  EXPECT_TRUE(NeedsOldRow(*nested_changed));

  // `changed` on inserts and deletes is always true: no old row needed.
  auto no_updates = ParseMapping(J(R"({"table":"t","events":["insert","delete"],"topic":"t",
    "when":{"changed":"z"},"payload":{"a":"$row.a"}})"));
  ASSERT_TRUE(no_updates.ok());
  EXPECT_FALSE(NeedsOldRow(*no_updates));
}

}  // namespace
}  // namespace rt::cdc
