#include "api/errors.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/json.h"
#include "core/log.h"

namespace rt::api {
namespace {

TEST(ErrorMapping, StatusAndBodyFollowTheSpec) {
  const std::tuple<ErrorCode, int, const char*> cases[] = {
      {ErrorCode::kValidation, 400, "ValidationError"},   {ErrorCode::kUnauthorized, 401, "UnauthorizedError"},
      {ErrorCode::kForbidden, 403, "ForbiddenError"},     {ErrorCode::kNotFound, 404, "NotFoundError"},
      {ErrorCode::kMethodNotAllowed, 405, "MethodNotAllowedError"}, {ErrorCode::kConflict, 409, "ConflictError"},
      {ErrorCode::kPayloadTooLarge, 413, "PayloadTooLargeError"},   {ErrorCode::kInternal, 500, "InternalError"},
      {ErrorCode::kUnavailable, 503, "ServiceUnavailableError"}};
  for (auto [code, status, name] : cases) {
    auto res = ErrorResponse({code, "Topic not found: session.status", nullptr});
    EXPECT_EQ(res.status, status);
    EXPECT_EQ(res.content_type, "application/json");
    auto body = boost::json::parse(res.body).as_object();
    EXPECT_EQ(body.at("error").as_string(), name);
    EXPECT_EQ(body.at("message").as_string(), "Topic not found: session.status");
  }
}

TEST(ErrorMapping, DetailsAreMergedButCannotOverrideErrorOrMessage) {
  auto details = std::make_shared<boost::json::object>(
      boost::json::object{{"currentRevision", 3}, {"error", "spoof"}});
  auto res = ErrorResponse({ErrorCode::kConflict, "Document revision mismatch", details});
  EXPECT_EQ(res.body, R"({"error":"ConflictError","message":"Document revision mismatch","currentRevision":3})");
}

TEST(Json, NumbersPrintLikeJavaScript) {
  EXPECT_EQ(json::Serialize(boost::json::parse(R"({"a":1.5,"b":2,"c":-0.25,"d":1e21,"e":"\u0001"})")),
            R"({"a":1.5,"b":2,"c":-0.25,"d":1e+21,"e":"\u0001"})");
  EXPECT_FALSE(json::ParseObject("[1]").ok());
  EXPECT_FALSE(json::ParseObject("{bad").ok());
}

TEST(Log, FormatsOneJsonObjectPerLine) {
  std::string line = log::Format(LogLevel::kWarn, 1710000000000, "hello \"x\"\n", {{"port", 3000}, {"ok", true}});
  EXPECT_EQ(line, R"({"level":"warn","time":1710000000000,"msg":"hello \"x\"\n","port":3000,"ok":true})");
}

}  // namespace
}  // namespace rt::api
