// POST /api/debugger/replay (see debugger_replay_api.h).
#include "api/debugger_replay_api.h"

#include <boost/json/array.hpp>
#include <string_view>

#include "api/access.h"
#include "api/body.h"
#include "api/debugger_traces_api.h"
#include "api/errors.h"
#include "core/ids.h"
#include "core/json.h"

namespace rt::api {
namespace {

constexpr const char* kOverridable = "allowed: payload, type, metadata.table, metadata.operation, metadata.revision";

Status CheckMetadataOverrides(const boost::json::object& meta) {
  for (const auto& [key, v] : meta) {
    if (key == "table" || key == "operation") {
      if (!v.is_null() && !v.is_string())
        return Error::Validation("overrides.metadata." + std::string(key) + " must be a string or null");
    } else if (key == "revision") {
      if (!v.is_null() && !v.is_int64())
        return Error::Validation("overrides.metadata.revision must be an integer or null");
    } else {
      return Error::Validation("overrides.metadata." + std::string(key) + " cannot be overridden (" + kOverridable +
                               ")");
    }
  }
  return Ok();
}

Status CheckOverrides(const boost::json::object& overrides) {
  for (const auto& [key, v] : overrides) {
    if (key == "payload") {
      if (!v.is_object()) return Error::Validation("overrides.payload must be an object");
    } else if (key == "type") {
      if (!v.is_string() || v.get_string().empty())
        return Error::Validation("overrides.type must be a non-empty string");
    } else if (key == "metadata") {
      if (!v.is_object()) return Error::Validation("overrides.metadata must be an object");
      if (Status st = CheckMetadataOverrides(v.get_object()); !st.ok()) return st;
    } else {
      return Error::Validation("overrides." + std::string(key) + " cannot be overridden (" + kOverridable + ")");
    }
  }
  return Ok();
}

std::optional<ReplayMode> ParseReplayMode(std::string_view s) {
  for (ReplayMode m : {ReplayMode::kDryRun, ReplayMode::kRouter, ReplayMode::kWebSocket, ReplayMode::kWebhook})
    if (s == ReplayModeName(m)) return m;
  return std::nullopt;
}

std::optional<std::string> OptionalString(const boost::json::object& o, std::string_view key) {
  const auto* s = json::GetString(o, key);
  return s ? std::optional<std::string>(std::string(*s)) : std::nullopt;
}

// The envelope as JSON (the answer's "event").
boost::json::object EventJson(const events::RealtimeEvent& e) {
  auto parsed = json::ParseObject(events::SerializeEvent(e));
  return parsed.ok() ? std::move(*parsed) : boost::json::object();
}

boost::json::object SchemaJson(const registry::SchemaGate& gate, const Scope& scope, const events::RealtimeEvent& e,
                               const Status& verdict) {
  int64_t version = gate.ActiveVersion(scope, e.topic);
  boost::json::object out{{"version", version > 0 ? boost::json::value(version) : boost::json::value(nullptr)},
                          {"valid", verdict.ok()}};
  if (!verdict.ok()) {
    out["message"] = verdict.error().message;
    const auto* details = verdict.error().details.get();
    const auto* errors = details ? details->if_contains("errors") : nullptr;
    out["errors"] = errors ? *errors : boost::json::value(boost::json::array());
  }
  return out;
}

boost::json::object AnswerHead(const ReplayRequest& req, const store::TraceRow& trace) {
  return {{"traceId", trace.trace_id}, {"mode", ReplayModeName(req.mode)}, {"replayOf", trace.event_id}};
}

boost::json::object WebhooksJson(std::vector<std::string> ids) {
  boost::json::array list;
  for (auto& id : ids) list.emplace_back(std::move(id));
  return {{"endpoints", static_cast<int64_t>(list.size())}, {"endpointIds", std::move(list)}};
}

// dry-run: the event as it would be published, routed against the live subscriptions.
net::HttpResponse DryRun(const ReplayDeps& deps, const Scope& scope, const ReplayRequest& req,
                         const store::TraceRow& trace, events::RawEventInput input) {
  auto event = events::Normalize(std::move(input), deps.router.options(), NowMs());
  if (!event.ok()) return ErrorResponse(event.error());
  boost::json::object out = AnswerHead(req, trace);
  out["eventId"] = nullptr;
  boost::json::object e = EventJson(*event);
  e["id"] = nullptr;
  out["event"] = std::move(e);
  out["schema"] = SchemaJson(deps.schemas, scope, *event, deps.schemas.Validate(scope, event->topic, event->payload));
  out["routing"] = deps.routing(scope, RoutingQuery{event->topic, event->payload});
  out["webhooks"] = WebhooksJson(deps.webhooks.Matching(scope, *event));
  return JsonResponse(200, json::Serialize(out));
}

// router, websocket, webhook: through the router's checks and schema gate, then delivered.
net::HttpResponse Replay(const ReplayDeps& deps, const Scope& scope, const ReplayRequest& req,
                         const store::TraceRow& trace, events::RawEventInput input) {
  auto event = deps.router.Admit(scope, std::move(input));
  if (!event.ok()) return ErrorResponse(event.error());
  boost::json::object out = AnswerHead(req, trace);
  out["eventId"] = event->id;
  out["event"] = EventJson(*event);
  out["schema"] = SchemaJson(deps.schemas, scope, *event, Ok());
  if (req.mode == ReplayMode::kWebhook) {
    out["webhooks"] = WebhooksJson(deps.webhooks.Enqueue(scope, *event, events::SerializeEvent(*event)));
  } else {
    deps.router.Deliver(scope, std::move(*event));
  }
  return JsonResponse(202, json::Serialize(out));
}

}  // namespace

const char* ReplayModeName(ReplayMode mode) {
  switch (mode) {
    case ReplayMode::kDryRun:
      return "dry-run";
    case ReplayMode::kRouter:
      return "router";
    case ReplayMode::kWebSocket:
      return "websocket";
    case ReplayMode::kWebhook:
      return "webhook";
  }
  return "dry-run";
}

Result<ReplayRequest> ParseReplayRequest(const boost::json::object& body) {
  for (const auto& field : body) {
    std::string_view key = field.key();
    if (key != "traceId" && key != "mode" && key != "overrides")
      return Error::Validation("unknown field " + std::string(key) + " (expected traceId, mode, overrides)");
  }
  auto trace_id = StringField(body, "traceId");
  if (!trace_id.ok()) return trace_id.take_error();
  auto mode_name = StringField(body, "mode");
  if (!mode_name.ok()) return mode_name.take_error();
  auto mode = ParseReplayMode(*mode_name);
  if (!mode) return Error::Validation("mode must be dry-run, router, websocket or webhook");
  ReplayRequest req{std::move(*trace_id), *mode, {}};
  if (const auto* o = body.if_contains("overrides"); o && !o->is_null()) {
    if (!o->is_object()) return Error::Validation("overrides must be an object");
    if (Status st = CheckOverrides(o->get_object()); !st.ok()) return st.take_error();
    req.overrides = o->get_object();
  }
  return req;
}

void DeepMerge(boost::json::object& target, const boost::json::object& patch) {
  for (const auto& [key, v] : patch) {
    auto* existing = target.if_contains(key);
    if (existing && existing->is_object() && v.is_object()) {
      DeepMerge(existing->get_object(), v.get_object());
    } else {
      target[key] = v;
    }
  }
}

Result<events::RawEventInput> ReplayInput(const store::TraceRow& trace, const ReplayRequest& request) {
  auto source = events::ParseSource(trace.source);
  auto payload = json::ParseObject(trace.payload);
  if (!source || !payload.ok())
    return Error::Validation("trace " + trace.trace_id + " cannot be replayed: bad stored event");
  boost::json::object event{
      {"type", trace.type}, {"payload", std::move(*payload)}, {"metadata", boost::json::object()}};
  DeepMerge(event, request.overrides);
  const auto& meta = event.at("metadata").get_object();
  events::RawEventInput in;
  in.topic = trace.topic;
  in.source = *source;
  in.type = std::string(event.at("type").get_string());
  in.payload = std::move(event.at("payload").get_object());
  in.table = OptionalString(meta, "table");
  in.operation = OptionalString(meta, "operation");
  if (const auto* r = meta.if_contains("revision"); r && r->is_int64()) in.revision = r->get_int64();
  in.replay_of = trace.event_id;
  in.replay_mode = ReplayModeName(request.mode);
  return in;
}

void RegisterDebuggerReplayRoutes(net::Router& router, ReplayDeps deps, registry::ApplicationService& apps,
                                  const AuthGate& gate) {
  router.Add("POST", "/api/debugger/replay", net::Access::Need("admin", "debugger", "create"),
             [deps = std::move(deps), &apps, &gate](net::HttpRequest& req) {
               auto ctx = Authorize(req, apps, gate);
               if (!ctx.ok()) return ErrorResponse(ctx.error());
               return WithBody(req, [&](const boost::json::object& body) {
                 auto request = ParseReplayRequest(body);
                 if (!request.ok()) return ErrorResponse(request.error());
                 const Scope scope{ctx->application_id, ctx->environment};
                 auto rows = TraceRows(deps.traces, deps.recent, scope, request->trace_id);
                 if (!rows.ok()) return ErrorResponse(rows.error());
                 if (rows->empty()) return ErrorResponse(Error::NotFound("Trace not found: " + request->trace_id));
                 const store::TraceRow& trace = rows->front();
                 if (!ctx->principal.MayUseTopic(trace.topic))
                   return ErrorResponse(Error::Forbidden("Token's topics do not allow '" + trace.topic + "'"));
                 auto input = ReplayInput(trace, *request);
                 if (!input.ok()) return ErrorResponse(input.error());
                 if (request->mode == ReplayMode::kDryRun)
                   return DryRun(deps, scope, *request, trace, std::move(*input));
                 return Replay(deps, scope, *request, trace, std::move(*input));
               });
             });
}

}  // namespace rt::api
