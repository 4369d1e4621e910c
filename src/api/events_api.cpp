#include "api/events_api.h"

#include <boost/json/object.hpp>

#include "api/errors.h"
#include "api/scope.h"
#include "core/json.h"

namespace rt::api {
namespace {

Result<events::RawEventInput> ParsePublish(const boost::json::object& body) {
  events::RawEventInput in;
  auto* topic = json::GetString(body, "topic");
  if (!topic || topic->empty()) return Error::Validation("topic is required and must be a string");
  in.topic = std::string(*topic);
  auto* payload = body.if_contains("payload");
  if (!payload || !payload->is_object()) return Error::Validation("payload is required and must be a JSON object");
  in.payload = payload->get_object();
  if (auto* type = body.if_contains("type"); type && !type->is_null()) {
    if (!type->is_string() || type->get_string().empty()) return Error::Validation("type must be a non-empty string");
    in.type = std::string(type->get_string());
  }
  if (auto* meta = body.if_contains("metadata"); meta && !meta->is_null() && !meta->is_object())
    return Error::Validation("metadata must be an object");
  in.source = events::Source::kSocket;
  return in;
}

}  // namespace

void RegisterEventRoutes(net::Router& router, events::EventRouter& events, registry::ApplicationService& apps,
                         const AuthGate& gate) {
  router.Add("POST", "/api/events", net::Access::Need("publish", "events", "create", false), [&events, &apps, &gate](net::HttpRequest& req) {
    auto principal = gate.Require(req, "publish");
    if (!principal.ok()) return ErrorResponse(principal.error());
    auto ctx = ResolveScope(req, apps, std::move(*principal));
    if (!ctx.ok()) return ErrorResponse(ctx.error());
    auto body = json::ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(body.error());
    auto input = ParsePublish(*body);
    if (!input.ok()) return ErrorResponse(input.error());
    if (!ctx->principal.MayUseTopic(input->topic))
      return ErrorResponse(Error::Forbidden("Token's topics do not allow '" + input->topic + "'"));
    auto id = events.Publish({ctx->application_id, ctx->environment}, std::move(*input));
    if (!id.ok()) return ErrorResponse(id.error());
    return JsonResponse(202, json::Serialize(boost::json::object{{"id", *id}}));
  });
}

}  // namespace rt::api
