// /api/debugger: debug-filter and debug-routing (see debugger_api.h).
#include "api/debugger_api.h"

#include <boost/json/array.hpp>
#include <algorithm>
#include <unordered_map>

#include "api/access.h"
#include "api/body.h"
#include "api/errors.h"
#include "core/json.h"
#include "events/event.h"
#include "events/filter.h"

namespace rt::api {
namespace {

const char* ReturnModeName(events::ReturnMode m) {
  switch (m) {
    case events::ReturnMode::kFull:
      return "full";
    case events::ReturnMode::kDiff:
      return "diff";
    case events::ReturnMode::kBoth:
      return "both";
  }
  return "full";
}

// body.event, with its payload object. topic_required: a non-empty string topic.
Result<const boost::json::object*> ParseEvent(const boost::json::object& body, bool topic_required) {
  const auto* event = body.if_contains("event");
  if (!event || !event->is_object()) return Error::Validation("event is required and must be an object");
  const auto& e = event->get_object();
  const auto* topic = e.if_contains("topic");
  if (topic && !topic->is_string()) return Error::Validation("event.topic must be a string");
  if (topic_required && (!topic || topic->get_string().empty()))
    return Error::Validation("event.topic is required and must be a string");
  const auto* payload = e.if_contains("payload");
  if (!payload || !payload->is_object())
    return Error::Validation("event.payload is required and must be a JSON object");
  if (const auto* source = e.if_contains("source"); source && !source->is_null()) {
    if (!source->is_string() || !events::ParseSource(source->get_string()))
      return Error::Validation("event.source must be database, sync or socket");
  }
  if (const auto* type = e.if_contains("type"); type && !type->is_null() && !type->is_string())
    return Error::Validation("event.type must be a string");
  return &e;
}

}  // namespace

Result<boost::json::object> DebugFilter(const boost::json::object& body) {
  auto event = ParseEvent(body, false);
  if (!event.ok()) return event.take_error();
  const auto* spec = body.if_contains("filter");
  auto filter = events::Filter::Compile(spec ? *spec : boost::json::value(nullptr));
  if (!filter.ok()) return Error::Validation("filter: " + filter.error().message);
  return FilterVerdict(*filter, (*event)->at("payload").get_object());
}

boost::json::object FilterVerdict(const events::Filter& filter, const boost::json::object& payload) {
  auto explained = filter.Explain(payload);
  boost::json::object details;
  for (auto& term : explained.terms) {
    boost::json::object d{{"matched", term.matched}, {"expected", std::move(term.expected)}};
    if (term.actual) {
      d["actual"] = std::move(*term.actual);
    } else {
      d["actual"] = nullptr;
      d["missing"] = true;
    }
    details[term.key] = std::move(d);
  }
  return boost::json::object{{"matched", explained.matched}, {"details", std::move(details)}};
}

Result<RoutingQuery> ParseRoutingQuery(const boost::json::object& body) {
  auto event = ParseEvent(body, true);
  if (!event.ok()) return event.take_error();
  return RoutingQuery{std::string((*event)->at("topic").get_string()), (*event)->at("payload").get_object()};
}

boost::json::object RoutingReport(const RoutingQuery& query, const events::SubscriptionSnapshot& snapshot,
                                  const std::string& instance_id) {
  // Subscriptions sharing a filter share its JSON: compile and evaluate each one once.
  std::unordered_map<const boost::json::value*, bool> verdicts;
  auto matches = [&](const boost::json::value* spec) {
    if (!spec) return true;
    auto [it, fresh] = verdicts.try_emplace(spec, false);
    if (fresh) {
      auto f = events::Filter::Compile(*spec);  // compiled once already at subscribe: cannot fail
      it->second = f.ok() && f->Matches(query.payload);
    }
    return it->second;
  };
  boost::json::array details;
  details.reserve(std::min(snapshot.subscriptions.size(), kMaxRoutingDetails));
  int64_t matching = 0;
  for (const auto& s : snapshot.subscriptions) {
    bool matched = matches(s.filter.get());
    matching += matched ? 1 : 0;
    if (details.size() == kMaxRoutingDetails) continue;
    details.push_back(boost::json::object{{"subscriptionId", s.id},
                                          {"matched", matched},
                                          {"filter", s.filter ? *s.filter : boost::json::value(nullptr)},
                                          {"instance", instance_id},
                                          {"socketId", s.socket_id},
                                          {"returnMode", ReturnModeName(s.mode)}});
  }
  boost::json::object out{{"topic", query.topic},
                          {"activeSubscriptions", static_cast<int64_t>(snapshot.subscriptions.size())},
                          {"matchingSubscriptions", matching}};
  if (snapshot.partial()) out["partial"] = true;
  if (snapshot.subscriptions.size() > kMaxRoutingDetails) out["truncated"] = true;
  out["routingDetails"] = std::move(details);
  return out;
}

void RegisterDebuggerRoutes(net::Router& router, DebuggerDeps deps, registry::ApplicationService& apps,
                            const AuthGate& gate) {
  router.Add("POST", "/api/debugger/debug-filter", net::Access::Need("admin", "debugger", "read"),
             Scoped(apps, gate, [](net::HttpRequest& req, const Scope&) {
               return WithBody(req, [](const boost::json::object& body) { return Answer(200, DebugFilter(body)); });
             }));

  router.Add("POST", "/api/debugger/debug-routing", net::Access::Need("admin", "debugger", "read"),
             [deps, &apps, &gate](net::HttpRequest& req) {
               auto ctx = Authorize(req, apps, gate);
               if (!ctx.ok()) return ErrorResponse(ctx.error());
               return WithBody(req, [&](const boost::json::object& body) {
                 auto query = ParseRoutingQuery(body);
                 if (!query.ok()) return ErrorResponse(query.error());
                 if (!ctx->principal.MayUseTopic(query->topic))
                   return ErrorResponse(Error::Forbidden("Token's topics do not allow '" + query->topic + "'"));
                 return JsonResponse(
                     200, json::Serialize(RouteEverywhere(deps, {ctx->application_id, ctx->environment}, *query)));
               });
             });
}

}  // namespace rt::api
