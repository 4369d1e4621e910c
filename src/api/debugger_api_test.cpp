#include "api/debugger_api.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace rt::api {
namespace {

boost::json::object Obj(const char* text) { return boost::json::parse(text).as_object(); }

std::string DebugFilterText(const char* body) {
  auto r = DebugFilter(Obj(body));
  return r.ok() ? boost::json::serialize(*r) : "error: " + r.error().message;
}

TEST(DebugFilter, TheSpecsExampleGivesExactlyTheSpecsResponse) {
  const char* request = R"({ "event": { "topic": "session.status", "payload": { "sessionId": "abc123",
      "status": "active", "campusId": 12 } }, "filter": { "campusId": 12, "status": { "in": ["active", "pending"] } } })";
  const char* response = R"({ "matched": true, "details": { "campusId": { "matched": true, "expected": 12,
      "actual": 12 }, "status": { "matched": true, "expected": ["active", "pending"], "actual": "active" } } })";
  EXPECT_EQ(DebugFilterText(request), boost::json::serialize(boost::json::parse(response)));
}

TEST(DebugFilter, NonMatchingKeysTypeMismatchAndMissingFields) {
  EXPECT_EQ(DebugFilterText(R"({"event":{"topic":"t","payload":{"campusId":"12","user":{"role":"viewer"}}},
                                "filter":{"user.role":"admin","campusId":12,"gone":{"in":[1,2]}}})"),
            R"({"matched":false,"details":{"user.role":{"matched":false,"expected":"admin","actual":"viewer"},)"
            R"("campusId":{"matched":false,"expected":12,"actual":"12"},)"
            R"("gone":{"matched":false,"expected":[1,2],"actual":null,"missing":true}}})");
  // No filter: everything matches, nothing to explain. A present null is a value, not missing.
  EXPECT_EQ(DebugFilterText(R"({"event":{"payload":{"a":1}}})"), R"({"matched":true,"details":{}})");
  EXPECT_EQ(DebugFilterText(R"({"event":{"payload":{"a":null}},"filter":{"a":null}})"),
            R"({"matched":true,"details":{"a":{"matched":true,"expected":null,"actual":null}}})");
}

TEST(DebugFilter, BadBodiesAreValidationErrors) {
  for (const char* bad :
       {R"({})", R"({"event":1})", R"({"event":{"topic":"t"}})", R"({"event":{"payload":[1]}})",
        R"({"event":{"payload":"x"}})", R"({"event":{"topic":5,"payload":{}}})",
        R"({"event":{"payload":{}},"filter":[1]})", R"({"event":{"payload":{}},"filter":{"a":{"gt":1}}})",
        R"({"event":{"payload":{}},"filter":"x"})", R"({"event":{"payload":{},"source":"mars"}})"}) {
    auto r = DebugFilter(Obj(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation) << bad;
    EXPECT_FALSE(r.error().message.empty());
  }
}

std::shared_ptr<const boost::json::value> Spec(const char* text) {
  return std::make_shared<const boost::json::value>(boost::json::parse(text));
}

TEST(DebugRouting, EvaluatesEverySubscriptionsFilterAgainstThePayload) {
  auto q = ParseRoutingQuery(Obj(R"({"event":{"topic":"session.status","source":"database","type":"database.update",
                                     "payload":{"sessionId":"abc123","status":"active","campusId":12}}})"));
  ASSERT_TRUE(q.ok()) << q.error().message;
  events::SubscriptionSnapshot snap;
  snap.shards = snap.answered = 2;
  auto twelve = Spec(R"({"campusId":12})");
  snap.subscriptions = {{"sub_1", "sock_1", events::ReturnMode::kFull, twelve},
                        {"sub_2", "sock_2", events::ReturnMode::kDiff, Spec(R"({"campusId":99})")},
                        {"sub_3", "sock_3", events::ReturnMode::kBoth, nullptr},
                        {"sub_4", "sock_4", events::ReturnMode::kFull, twelve}};
  EXPECT_EQ(
      boost::json::serialize(RoutingReport(*q, snap, "inst_a")),
      R"({"topic":"session.status","activeSubscriptions":4,"matchingSubscriptions":3,"routingDetails":[)"
      R"({"subscriptionId":"sub_1","matched":true,"filter":{"campusId":12},"instance":"inst_a","socketId":"sock_1","returnMode":"full"},)"
      R"({"subscriptionId":"sub_2","matched":false,"filter":{"campusId":99},"instance":"inst_a","socketId":"sock_2","returnMode":"diff"},)"
      R"({"subscriptionId":"sub_3","matched":true,"filter":null,"instance":"inst_a","socketId":"sock_3","returnMode":"both"},)"
      R"({"subscriptionId":"sub_4","matched":true,"filter":{"campusId":12},"instance":"inst_a","socketId":"sock_4","returnMode":"full"}]})");
  snap.answered = 1;  // a shard did not answer
  auto partial = RoutingReport(*q, snap, "inst_a");
  EXPECT_EQ(partial.at("partial"), true);
  events::SubscriptionSnapshot none;
  EXPECT_EQ(boost::json::serialize(RoutingReport(*q, none, "inst_a")),
            R"({"topic":"session.status","activeSubscriptions":0,"matchingSubscriptions":0,"routingDetails":[]})");
}

TEST(DebugRouting, BadBodiesAreValidationErrors) {
  for (const char* bad :
       {R"({})", R"({"event":{"payload":{}}})", R"({"event":{"topic":"","payload":{}}})", R"({"event":{"topic":"t"}})",
        R"({"event":{"topic":"t","payload":null}})", R"({"event":{"topic":"t","payload":{},"type":3}})"}) {
    auto r = ParseRoutingQuery(Obj(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kValidation) << bad;
  }
}

}  // namespace
}  // namespace rt::api
