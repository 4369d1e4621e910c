// /api/debugger/traces (spec/16-api-debugger.md "Query Traces", "Get Trace Detail";
// docs/debugger.md "Traces"): the event traces the trace recorder (monitor/trace_recorder.h)
// stored, of the caller's (application, environment) only.
//
//   GET /api/debugger/traces?topic=&source=&limit=&offset=
//     -> [{"traceId", "eventId", "topic", "source", "type", "payload", "timestamp",
//          "routingResult": {"subscriberCount", "deliveredCount", "filteredCount"}}]
//        newest first; counts summed over the instances that routed the event; limit 1..1000
//        (default 50), offset >= 0 (default 0), source database|sync|socket; else 400.
//   GET /api/debugger/traces/:traceId
//     -> the same fields plus "instances": [{"instance", "remote", "subscriberCount",
//        "deliveredCount", "filteredCount"}], "schemaGate": {"validated", "valid"?,
//        "schemaVersion"}, "routingDecisions": [{"subscriptionId", "socketId", "verdict"
//        (delivered | filtered | dropped), "filter", "failed"?: [{key, expected, actual |
//        missing}], "instance"}] (bounded per instance) and "decisionsOmitted"; 404 NotFoundError
//        for an unknown trace or another application's / environment's. This instance's row
//        also comes from the recorder's in-memory ring of the newest traces (`recent`), so a
//        trace whose write is pending or failed is still found here.
// Access: admin token (or a session with debugger:read); anonymous on loopback in development.
//
// Ownership/lifetime: the repository and services must outlive the router. Thread safety: the
// handlers run on the blocking pool, concurrently (they block on the database); the pure
// functions are thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <vector>

#include "api/auth.h"
#include "core/result.h"
#include "core/scope.h"
#include "monitor/trace_recorder.h"
#include "net/http_message.h"
#include "net/router.h"
#include "registry/application_service.h"
#include "store/trace_repository.h"

namespace rt::api {

void RegisterDebuggerTraceRoutes(net::Router& router, store::TraceRepository& traces,
                                 registry::ApplicationService& apps, const AuthGate& gate,
                                 const monitor::TraceRecorder* recent = nullptr);

// Pure parts (unit-tested). The list query for a request in scope, or ValidationError.
Result<store::TraceQuery> ParseTraceQuery(const net::HttpRequest& req, const Scope& scope);
// One trace of the list (the row's counts as given).
boost::json::object TraceJson(const store::TraceRow& row);
// The rows of a trace in a scope: the stored ones, plus this instance's from the recorder's ring
// of rows not written yet (`recent`, may be null) when the database lacks it.
Result<std::vector<store::TraceRow>> TraceRows(store::TraceRepository& traces, const monitor::TraceRecorder* recent,
                                               const Scope& scope, const std::string& trace_id);
// The detail of one trace from its per-instance rows (not empty): counts summed, and each row.
boost::json::object TraceDetailJson(const std::vector<store::TraceRow>& rows);

}  // namespace rt::api
