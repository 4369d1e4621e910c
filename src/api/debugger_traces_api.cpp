// /api/debugger/traces (see debugger_traces_api.h).
#include "api/debugger_traces_api.h"

#include <algorithm>

#include "api/access.h"
#include "api/body.h"
#include "api/errors.h"
#include "core/json.h"
#include "events/event.h"

namespace rt::api {
namespace {

boost::json::value PayloadJson(const std::string& text) {
  auto v = json::Parse(text);
  return v.ok() ? std::move(*v) : boost::json::value(boost::json::object());
}

boost::json::object Counts(int64_t subscribers, int64_t delivered, int64_t filtered) {
  return {{"subscriberCount", subscribers}, {"deliveredCount", delivered}, {"filteredCount", filtered}};
}

}  // namespace

Result<store::TraceQuery> ParseTraceQuery(const net::HttpRequest& req, const Scope& scope) {
  store::TraceQuery q;
  q.application_id = scope.application_id;
  q.environment = scope.environment;
  auto limit = IntQuery(req, "limit", 50, 1, 1000);
  if (!limit.ok()) return limit.take_error();
  auto offset = IntQuery(req, "offset", 0, 0, 1000000000);
  if (!offset.ok()) return offset.take_error();
  q.limit = static_cast<int>(*limit);
  q.offset = static_cast<int>(*offset);
  if (std::string topic = StrQuery(req, "topic"); !topic.empty()) q.topic = std::move(topic);
  if (std::string source = StrQuery(req, "source"); !source.empty()) {
    if (!events::ParseSource(source)) return Error::Validation("source must be database, sync or socket");
    q.source = std::move(source);
  }
  return q;
}

boost::json::object TraceJson(const store::TraceRow& r) {
  return {{"traceId", r.trace_id},
          {"eventId", r.event_id},
          {"topic", r.topic},
          {"source", r.source},
          {"type", r.type},
          {"payload", PayloadJson(r.payload)},
          {"timestamp", r.timestamp},
          {"routingResult", Counts(r.subscriber_count, r.delivered_count, r.filtered_count)}};
}

boost::json::object TraceDetailJson(const std::vector<store::TraceRow>& rows) {
  store::TraceRow sum = rows.front();
  sum.subscriber_count = sum.delivered_count = sum.filtered_count = 0;
  boost::json::array instances, decisions;
  int64_t omitted = 0, schema_version = 0;
  instances.reserve(rows.size());
  for (const auto& r : rows) {
    sum.subscriber_count += r.subscriber_count;
    sum.delivered_count += r.delivered_count;
    sum.filtered_count += r.filtered_count;
    schema_version = std::max(schema_version, r.schema_version);
    boost::json::object i = Counts(r.subscriber_count, r.delivered_count, r.filtered_count);
    i["instance"] = r.instance;
    i["remote"] = r.remote;
    instances.push_back(std::move(i));
    auto d = json::Parse(r.decisions);
    if (!d.ok() || !d->is_object()) continue;
    if (const auto* n = d->get_object().if_contains("omitted"); n && n->is_int64()) omitted += n->as_int64();
    if (const auto* list = d->get_object().if_contains("decisions"); list && list->is_array()) {
      for (const auto& one : list->get_array()) {
        if (!one.is_object()) continue;
        boost::json::object o = one.get_object();
        o["instance"] = r.instance;
        decisions.push_back(std::move(o));
      }
    }
  }
  boost::json::object out = TraceJson(sum);
  // The event reached the fan-out, so it passed the schema gate: of version N, or none applied.
  out["schemaGate"] = schema_version > 0
                          ? boost::json::object{{"validated", true}, {"valid", true}, {"schemaVersion", schema_version}}
                          : boost::json::object{{"validated", false}, {"schemaVersion", nullptr}};
  out["instances"] = std::move(instances);
  out["routingDecisions"] = std::move(decisions);
  out["decisionsOmitted"] = omitted;
  return out;
}

Result<std::vector<store::TraceRow>> TraceRows(store::TraceRepository& traces, const monitor::TraceRecorder* recent,
                                               const Scope& scope, const std::string& trace_id) {
  auto rows = traces.Get(scope.application_id, scope.environment, trace_id);
  if (!rows.ok() || !recent) return rows;
  for (auto& r : recent->Recent(scope, trace_id)) {
    bool stored = false;
    for (const auto& have : *rows) stored = stored || have.instance == r.instance;
    if (!stored) rows->push_back(std::move(r));
  }
  return rows;
}

void RegisterDebuggerTraceRoutes(net::Router& router, store::TraceRepository& traces,
                                 registry::ApplicationService& apps, const AuthGate& gate,
                                 const monitor::TraceRecorder* recent) {
  router.Add("GET", "/api/debugger/traces", net::Access::Need("admin", "debugger", "read"),
             Scoped(apps, gate, [&traces](net::HttpRequest& req, const Scope& scope) {
               auto query = ParseTraceQuery(req, scope);
               if (!query.ok()) return ErrorResponse(query.error());
               auto rows = traces.List(*query);
               if (!rows.ok()) return ErrorResponse(rows.error());
               boost::json::array out;
               out.reserve(rows->size());
               for (const auto& r : *rows) out.push_back(TraceJson(r));
               return JsonResponse(200, json::Serialize(out));
             }));

  router.Add("GET", "/api/debugger/traces/:traceId", net::Access::Need("admin", "debugger", "read"),
             Scoped(apps, gate, [&traces, recent](net::HttpRequest& req, const Scope& scope) {
               const std::string& id = req.Param("traceId");
               auto rows = TraceRows(traces, recent, scope, id);
               if (!rows.ok()) return ErrorResponse(rows.error());
               if (rows->empty()) return ErrorResponse(Error::NotFound("Trace not found: " + id));
               return JsonResponse(200, json::Serialize(TraceDetailJson(*rows)));
             }));
}

}  // namespace rt::api
