// CheckPayloadAgainstSchema: required fields and literal types of a mapping's payload template
// against its topic's active schema.
#include <gtest/gtest.h>

#include "cdc/mapping_service.h"
#include "core/json.h"

namespace rt::cdc {
namespace {

DomainMapping Mapping(const char* payload) {
  auto m = ParseMapping(*json::Parse(std::string(R"({"table":"sessions","events":["insert"],"topic":"session.status",)") +
                                     "\"payload\":" + payload + "}"));
  EXPECT_TRUE(m.ok()) << m.error().message;
  return m.ok() ? *m : DomainMapping{};
}

ActiveSchema Schema(const char* text) { return {3, *json::Parse(text)}; }

constexpr const char* kSchema = R"({"type":"object","required":["sessionId","status"],
  "properties":{"sessionId":{"type":"string"},"status":{"type":"string"},"count":{"type":"integer"},
                "ratio":{"type":"number"},"tag":{"type":["string","null"]},"meta":{"type":"object"}}})";

std::vector<std::string> Fields(const Status& st, const char* rule) {
  std::vector<std::string> out;
  if (st.ok() || !st.error().details) return out;
  for (const auto& d : st.error().details->at("details").as_array())
    if (d.at("rule").as_string() == rule) out.emplace_back(d.at("field").as_string());
  return out;
}

TEST(CheckPayloadAgainstSchema, AcceptsReferencesAndCompatibleLiterals) {
  auto m = Mapping(R"({"sessionId":"$row.id","status":"open","count":2,"ratio":1,"tag":null,
                       "meta":{"by":"$row.user"},"extra":true})");
  EXPECT_TRUE(CheckPayloadAgainstSchema(m, Schema(kSchema)).ok());
  EXPECT_TRUE(CheckPayloadAgainstSchema(Mapping(R"({"count":2.0,"sessionId":"$row.id","status":"$row.s"})"),
                                        Schema(kSchema))
                  .ok());
  EXPECT_TRUE(CheckPayloadAgainstSchema(Mapping(R"({"x":"$row.id"})"), Schema("true")).ok());
}

TEST(CheckPayloadAgainstSchema, ListsMissingRequiredFields) {
  Status st = CheckPayloadAgainstSchema(Mapping(R"({"other":"$row.id"})"), Schema(kSchema));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kValidation);
  EXPECT_EQ(Fields(st, "required"), (std::vector<std::string>{"sessionId", "status"}));
  EXPECT_NE(st.error().message.find("schema v3 of topic session.status"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("payload.sessionId"), std::string::npos) << st.error().message;
}

TEST(CheckPayloadAgainstSchema, ListsLiteralsOfTheWrongType) {
  Status st = CheckPayloadAgainstSchema(
      Mapping(R"({"sessionId":5,"status":"$row.s","count":1.5,"ratio":"x","tag":3,"meta":[1,"$row.a"]})"),
      Schema(kSchema));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(Fields(st, "type"), (std::vector<std::string>{"sessionId", "count", "ratio", "tag", "meta"}));
  EXPECT_TRUE(Fields(st, "required").empty());
  const auto& tag = st.error().details->at("details").as_array()[3].as_object();
  EXPECT_EQ(tag.at("message").as_string().subview().substr(0, 34), "payload.tag must be string or null");
  // The message summarizes the first three.
  EXPECT_NE(st.error().message.find("payload.ratio must be number"), std::string::npos) << st.error().message;
  EXPECT_EQ(st.error().message.find("payload.tag"), std::string::npos) << st.error().message;
}

}  // namespace
}  // namespace rt::cdc
