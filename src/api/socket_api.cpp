#include "api/socket_api.h"

#include <boost/json/array.hpp>

#include "api/access.h"
#include "api/body.h"
#include "api/scope.h"
#include "net/response_stream.h"

namespace rt::api {
namespace {

// ?details=true / false (absent: false).
Result<bool> DetailsQuery(const net::HttpRequest& req) {
  const std::string* v = req.Query("details");
  if (!v || v->empty() || *v == "false" || *v == "0") return false;
  if (*v == "true" || *v == "1") return true;
  return Error::Validation("details must be true or false");
}

boost::json::object MemberRow(const broker::PresenceMember& m) {
  return {{"socketId", m.socket_id}, {"subject", m.subject}, {"joinedAt", m.joined_at}};
}

// GET /api/socket/channels/:channel/members: with ?limit= (1..1000, default 100) or ?cursor= (a
// nextCursor), one page {channel, members, memberCount, nextCursor|null} in (joinedAt, socketId)
// order, O(log N + limit); without either, the spec's bare array of every member (O(N)).
net::HttpResponse MembersAnswer(const net::HttpRequest& req, broker::PresenceStore& store, const Scope& scope,
                                const std::string& channel) {
  const std::string* cursor = req.Query("cursor");
  if (!req.Query("limit") && !cursor) {
    auto members = store.Members(scope, channel);
    if (!members.ok()) return ErrorResponse(members.error());
    boost::json::array out;
    for (const auto& m : *members) out.push_back(MemberRow(m));
    return JsonResponse(200, json::Serialize(out));
  }
  auto limit = IntQuery(req, "limit", 100, 1, 1000);
  if (!limit.ok()) return ErrorResponse(limit.error());
  auto page = store.MembersPage(scope, channel, cursor ? *cursor : std::string(), static_cast<size_t>(*limit));
  if (!page.ok()) return ErrorResponse(page.error());
  boost::json::array members;
  for (const auto& m : page->members) members.push_back(MemberRow(m));
  boost::json::object out{{"channel", channel}, {"members", std::move(members)}, {"memberCount", page->member_count},
                          {"nextCursor", nullptr}};
  if (page->next_cursor) out["nextCursor"] = *page->next_cursor;
  return JsonResponse(200, json::Serialize(out));
}

// Connection rows show addresses, user agents and subjects: a JWT needs admin. A session passed
// the route's socket:read; an anonymous caller got here only as development's management.
Status MayReadDetails(const auth::Principal& principal) {
  if (principal.kind != auth::Principal::Kind::kJwt) return Ok();
  if (!principal.Has("admin"))
    return Error::Forbidden("Insufficient permissions: 'admin' is required for connection details");
  return Ok();
}

net::HttpResponse ConnectionsAnswer(const net::HttpRequest& req, const RequestContext& ctx,
                                    gateway::ChannelService& channels, const CollectConnections& collect) {
  auto details = DetailsQuery(req);
  if (!details.ok()) return ErrorResponse(details.error());
  auto limit = IntQuery(req, "limit", 1000, 1, 10000);
  if (!limit.ok()) return ErrorResponse(limit.error());
  if (*details) {
    if (Status st = MayReadDetails(ctx.principal); !st.ok()) return ErrorResponse(st.error());
  }
  Scope scope{ctx.application_id, ctx.environment};
  auto count = channels.Connections(scope);
  if (!count.ok()) return ErrorResponse(count.error());
  boost::json::object out{{"count", *count}};
  if (*details) {
    auto rows = collect(scope, static_cast<size_t>(*limit));
    if (!rows.ok()) return ErrorResponse(rows.error());
    out["connections"] = std::move(rows->connections);
    if (rows->partial) out["partial"] = true;
  }
  return JsonResponse(200, json::Serialize(out));
}

// The SSE stream of the scope's traffic: a journal listener writing to the stream; a reader that
// falls behind (the stream's bound) is dropped by the journal, the stream's end removes it.
net::HttpResponse TrafficStream(monitor::SocketJournal& journal, const Scope& scope) {
  net::StreamSpec spec;
  spec.start = [&journal, scope](const std::shared_ptr<net::ResponseStream>& stream) {
    uint64_t id = journal.AddListener(scope, [stream](const monitor::TrafficItem& item) {
      if (stream->Write(net::SseEvent(item.type, item.json))) return true;
      stream->Close();
      return false;
    });
    stream->OnClose([&journal, id] { journal.RemoveListener(id); });
    boost::json::object ready{{"type", "ready"},
                              {"applicationId", scope.application_id},
                              {"environment", scope.environment},
                              {"instance", journal.instance()}};
    stream->Write(net::SseEvent("ready", json::Serialize(ready)));
  };
  return net::EventStreamResponse(std::move(spec));
}

}  // namespace

ConnectionDetails LocalConnectionDetails(const monitor::SocketJournal& journal, const Scope& scope, size_t limit) {
  ConnectionDetails out;
  for (const auto& r : journal.Live(scope, limit)) out.connections.push_back(monitor::SocketJournal::ToJson(r, false));
  return out;
}

void RegisterSocketRoutes(net::Router& router, gateway::ChannelService& channels, events::EventRouter& events,
                          registry::ApplicationService& apps, const AuthGate& gate, SocketMonitorDeps monitor) {
  monitor::SocketJournal& journal = monitor.journal;
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
    return MembersAnswer(req, channels.store(), {ctx->application_id, ctx->environment}, req.Param("channel"));
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

  router.Add("GET", "/api/socket/connections", net::Access::Token("socket", "read"),
             [&channels, &apps, &gate, collect = std::move(monitor.collect)](net::HttpRequest& req) {
               auto ctx = Authorize(req, apps, gate);
               if (!ctx.ok()) return ErrorResponse(ctx.error());
               return ConnectionsAnswer(req, *ctx, channels, collect);
             });

  router.Add("GET", "/api/socket/traffic", net::Access::Need("admin", "socket", "read"),
             Scoped(apps, gate,
                    [&journal](net::HttpRequest&, const Scope& scope) { return TrafficStream(journal, scope); }));

  router.Add("POST", "/api/socket/broadcast", net::Access::Need("service", "socket", "create"), [&events, &apps, &gate, &journal](net::HttpRequest& req) {
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
      journal.OnBroadcast({ctx->application_id, ctx->environment}, "", std::string(*channel), std::string(*event), *id);
      return JsonResponse(202, json::Serialize(boost::json::object{{"id", *id}, {"channel", *channel}}));
    });
  });
}

}  // namespace rt::api
