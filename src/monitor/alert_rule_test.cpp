// Alert rule validation and shapes (monitor/alert_rule.h).
#include "monitor/alert_rule.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace rt::monitor {
namespace {

boost::json::object Obj(std::string_view text) { return *json::ParseObject(text); }

Result<store::AlertRuleRow> Create(std::string_view body) { return ApplyRuleJson(Obj(body), {}, true); }

constexpr std::string_view kValid =
    R"({"name":"conn","metric":"activeConnections","comparison":">","threshold":10,"severity":"warning"})";

TEST(AlertRuleTest, CreateWithDefaults) {
  auto r = Create(kValid);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->name, "conn");
  EXPECT_EQ(r->comparison, "gt");
  EXPECT_EQ(r->threshold, 10);
  EXPECT_EQ(r->for_seconds, 0);
  EXPECT_EQ(r->cooldown_seconds, kDefaultCooldownSeconds);
  EXPECT_TRUE(r->enabled);
  EXPECT_FALSE(r->builtin);
  EXPECT_EQ(r->environment, "");
}

TEST(AlertRuleTest, DurationsAsStringsOrSeconds) {
  auto r = Create(R"({"name":"a","metric":"cdcLag","comparison":"gte","threshold":1.5,"severity":"info",
                      "for":"5m","cooldown":30,"environment":"production","applicationId":"default",
                      "webhookId":"wh_1","enabled":false,"description":"d"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->for_seconds, 300);
  EXPECT_EQ(r->cooldown_seconds, 30);
  EXPECT_EQ(r->threshold, 1.5);
  EXPECT_EQ(r->environment, "production");
  EXPECT_EQ(r->application_id, "default");
  EXPECT_EQ(r->webhook_id, "wh_1");
  EXPECT_FALSE(r->enabled);
  for (const char* zero : {R"("0s")", R"("0")", "0", "0.0"}) {
    auto z = Create(
        std::string(R"({"name":"z","metric":"cdcLag","comparison":"lt","threshold":1,"severity":"info","for":)") +
        zero + "}");
    ASSERT_TRUE(z.ok()) << zero << ": " << z.error().message;
    EXPECT_EQ(z->for_seconds, 0) << zero;
  }
}

TEST(AlertRuleTest, EveryComparisonSpelling) {
  const std::pair<const char*, const char*> cases[] = {{"gt", "gt"}, {">", "gt"},  {"gte", "gte"}, {">=", "gte"},
                                                       {"lt", "lt"}, {"<", "lt"},  {"lte", "lte"}, {"<=", "lte"},
                                                       {"eq", "eq"}, {"==", "eq"}, {"neq", "neq"}, {"!=", "neq"}};
  for (const auto& [in, out] : cases) EXPECT_EQ(NormalizeComparison(in), out) << in;
  EXPECT_EQ(NormalizeComparison("=>"), "");
  EXPECT_TRUE(Compare("gt", 2, 1));
  EXPECT_FALSE(Compare("gt", 1, 1));
  EXPECT_TRUE(Compare("gte", 1, 1));
  EXPECT_TRUE(Compare("lt", 0, 1));
  EXPECT_TRUE(Compare("lte", 1, 1));
  EXPECT_TRUE(Compare("eq", 1, 1));
  EXPECT_TRUE(Compare("neq", 2, 1));
  EXPECT_FALSE(Compare("bogus", 2, 1));
  EXPECT_EQ(ComparisonSymbol("lte"), "<=");
}

TEST(AlertRuleTest, RefusesBadInput) {
  const char* bad[] = {
      R"({"metric":"cdcLag","comparison":"gt","threshold":1,"severity":"info"})",               // no name
      R"({"name":"","metric":"cdcLag","comparison":"gt","threshold":1,"severity":"info"})",     // empty name
      R"({"name":"a","metric":"nope","comparison":"gt","threshold":1,"severity":"info"})",      // unknown metric
      R"({"name":"a","metric":"cdcLag","comparison":"~","threshold":1,"severity":"info"})",     // comparison
      R"({"name":"a","metric":"cdcLag","comparison":"gt","threshold":"1","severity":"info"})",  // threshold type
      R"({"name":"a","metric":"cdcLag","comparison":"gt","threshold":1,"severity":"fatal"})",   // severity
      R"({"name":"a","metric":"cdcLag","comparison":"gt","threshold":1,"severity":"info","for":"soon"})",
      R"({"name":"a","metric":"cdcLag","comparison":"gt","threshold":1,"severity":"info","for":-1})",
      R"({"name":"a","metric":"cdcLag","comparison":"gt","threshold":1,"severity":"info","for":1.5})",
      R"({"name":"a","metric":"cdcLag","comparison":"gt","threshold":1,"severity":"info","for":"2d"})",  // > 1 day
      R"({"name":"a","metric":"cdcLag","comparison":"gt","threshold":1,"severity":"info","cooldown":"8d"})",
      R"({"name":"a","metric":"cdcLag","comparison":"gt","threshold":1,"severity":"info","environment":"qa"})",
      R"({"name":"a","metric":"cdcLag","comparison":"gt","threshold":1,"severity":"info","enabled":"yes"})",
      R"({"name":"a","metric":"cdcLag","comparison":"gt","threshold":1,"severity":"info","threshhold":2})",
      R"({"name":7,"metric":"cdcLag","comparison":"gt","threshold":1,"severity":"info"})",
      R"({"name":"a","metric":"cdcLag","comparison":"gt","severity":"info"})",  // no threshold
  };
  for (const char* body : bad) {
    auto r = Create(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation) << body;
  }
}

TEST(AlertRuleTest, PatchChangesOnlyWhatIsSentAndIgnoresReadOnlyFields) {
  auto base = Create(kValid);
  ASSERT_TRUE(base.ok());
  base->id = "alr_1";
  auto r = ApplyRuleJson(Obj(R"({"threshold":20,"id":"x","builtin":true,"createdAt":"y","environment":null})"), *base,
                         false);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, "alr_1");
  EXPECT_EQ(r->threshold, 20);
  EXPECT_EQ(r->name, "conn");
  EXPECT_FALSE(r->builtin);
  EXPECT_FALSE(ApplyRuleJson(Obj(R"({"metric":"nope"})"), *base, false).ok());
  EXPECT_FALSE(ApplyRuleJson(Obj(R"({"name":null})"), *base, false).ok());
  EXPECT_TRUE(ApplyRuleJson(Obj("{}"), *base, false).ok());
}

TEST(AlertRuleTest, FlattenDashboard) {
  auto flat = FlattenDashboard(Obj(R"({"delivery":{"activeConnections":3,"x":"s"},
      "reliability":{"dlqSize":2.5},"instances":[{"activeConnections":99}],"top":1})"));
  EXPECT_EQ(flat.at("activeConnections"), 3);
  EXPECT_EQ(flat.at("dlqSize"), 2.5);
  EXPECT_EQ(flat.at("top"), 1);
  EXPECT_FALSE(flat.contains("x"));
  EXPECT_EQ(flat.size(), 3u);
}

TEST(AlertRuleTest, JsonShapes) {
  auto r = Create(kValid);
  ASSERT_TRUE(r.ok());
  r->id = "alr_1";
  r->created_at = r->updated_at = 1710000000000;
  auto j = RuleToJson(*r);
  EXPECT_EQ(json::Serialize(j),
            R"({"id":"alr_1","name":"conn","description":"","metric":"activeConnections","comparison":"gt",)"
            R"("threshold":10,"for":0,"cooldown":300,"severity":"warning","applicationId":null,"environment":null,)"
            R"("webhookId":null,"enabled":true,"builtin":false,"createdAt":1710000000000,)"
            R"("updatedAt":1710000000000})");
  store::AlertRow a;
  a.id = "alt_1";
  a.state = "firing";
  a.fired_at = 1710000000000;
  auto aj = AlertToJson(a);
  EXPECT_EQ(aj.at("resolvedAt"), nullptr);
  EXPECT_EQ(aj.at("resolvedValue"), nullptr);
  EXPECT_EQ(aj.at("acknowledged"), false);
  EXPECT_EQ(aj.at("firedAt"), 1710000000000);
}

TEST(AlertRuleTest, BuiltinsAreValidRules) {
  auto rules = BuiltinRules(1);
  ASSERT_EQ(rules.size(), 5u);
  for (const auto& r : rules) {
    EXPECT_TRUE(r.builtin);
    EXPECT_EQ(r.id.rfind("alr_", 0), 0u) << r.id;
    auto again = ApplyRuleJson(RuleToJson(r), r, true);  // the shape is accepted back
    EXPECT_TRUE(again.ok()) << r.name << ": " << (again.ok() ? "" : again.error().message);
  }
}

}  // namespace
}  // namespace rt::monitor
