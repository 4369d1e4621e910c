#include "api/socket_api.h"

#include <boost/json/array.hpp>

#include "api/access.h"
#include "api/body.h"
#include "api/scope.h"

namespace rt::api {
void RegisterSocketRoutes(net::Router& router, gateway::ChannelService& channels, events::EventRouter& events,
                          registry::ApplicationService& apps, const AuthGate& gate) {
  router.Add("GET", "/api/socket/channels", net::Access::Token("socket", "read"), [&channels, &apps, &gate](net::HttpRequest& req) {
    auto ctx = Authorize(req, apps, gate);
    if (!ctx.ok()) return ErrorResponse(ctx.error());
    auto list = channels.store().Channels({ctx->application_id, ctx->environment});
    if (!list.ok()) return ErrorResponse(list.error());
    boost::json::array out;
    for (const auto& c : *list) out.push_back(boost::json::object{{"name", c.name}, {"memberCount", c.member_count}});
    return JsonResponse(200, json::Serialize(out));
  });

  router.Add("GET", "/api/socket/channels/:channel/members", net::Access::Token("socket", "read"), [&channels, &apps, &gate](net::HttpRequest& req) {
    auto ctx = Authorize(req, apps, gate);
    if (!ctx.ok()) return ErrorResponse(ctx.error());
    auto members = channels.store().Members({ctx->application_id, ctx->environment}, req.Param("channel"));
    if (!members.ok()) return ErrorResponse(members.error());
    boost::json::array out;
    for (const auto& m : *members)
      out.push_back(boost::json::object{{"socketId", m.socket_id}, {"subject", m.subject}, {"joinedAt", m.joined_at}});
    return JsonResponse(200, json::Serialize(out));
  });

  // Document presence: who is viewing a sync document = the members of its presence channel
  // `syncdoc:presence:{service}:{id}` (clients join that channel on either gateway).
  router.Add("GET", "/api/sync/:service/documents/:id/presence", net::Access::Token("documents", "read"), [&channels, &apps, &gate](net::HttpRequest& req) {
    auto ctx = Authorize(req, apps, gate);
    if (!ctx.ok()) return ErrorResponse(ctx.error());
    std::string channel = "syncdoc:presence:" + req.Param("service") + ":" + req.Param("id");
    auto members = channels.store().Members({ctx->application_id, ctx->environment}, channel);
    if (!members.ok()) return ErrorResponse(members.error());
    boost::json::array out;
    for (const auto& m : *members)
      out.push_back(boost::json::object{{"socketId", m.socket_id}, {"subject", m.subject}, {"joinedAt", m.joined_at}});
    return JsonResponse(200, json::Serialize(boost::json::object{{"channel", channel}, {"viewers", out}}));
  });

  router.Add("GET", "/api/socket/connections", net::Access::Token("socket", "read"), [&channels, &apps, &gate](net::HttpRequest& req) {
    auto ctx = Authorize(req, apps, gate);
    if (!ctx.ok()) return ErrorResponse(ctx.error());
    auto count = channels.Connections({ctx->application_id, ctx->environment});
    if (!count.ok()) return ErrorResponse(count.error());
    return JsonResponse(200, json::Serialize(boost::json::object{{"count", *count}}));
  });

  router.Add("POST", "/api/socket/broadcast", net::Access::Need("service", "socket", "create"), [&events, &apps, &gate](net::HttpRequest& req) {
    auto ctx = Authorize(req, apps, gate);
    if (!ctx.ok()) return ErrorResponse(ctx.error());
    return WithBody(req, [&](const boost::json::object& body) {
      auto* channel = json::GetString(body, "channel");
      auto* event = json::GetString(body, "event");
      if (!channel || channel->empty()) return ErrorResponse(Error::Validation("channel is required"));
      if (!event || event->empty()) return ErrorResponse(Error::Validation("event is required"));
      if (events::IsReservedTopic(*channel)) return ErrorResponse(Error::Validation("channel name is reserved"));
      if (ctx->principal.authenticated() && !ctx->principal.MayUseTopic(*channel))
        return ErrorResponse(Error::Forbidden("Token's topics do not allow '" + std::string(*channel) + "'"));
      events::RawEventInput in;
      in.topic = std::string(*channel);
      in.source = events::Source::kSocket;
      in.type = std::string(*event);
      const boost::json::value* data = body.if_contains("data");
      if (data && data->is_object()) in.payload = data->get_object();
      else if (data) in.payload = {{"data", *data}};
      auto id = events.Publish({ctx->application_id, ctx->environment}, std::move(in));
      if (!id.ok()) return ErrorResponse(id.error());
      return JsonResponse(202, json::Serialize(boost::json::object{{"id", *id}, {"channel", *channel}}));
    });
  });
}

}  // namespace rt::api
