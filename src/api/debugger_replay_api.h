// POST /api/debugger/replay (spec/16-api-debugger.md "Replay Event", docs/debugger.md "Replay"):
// replays a traced event of the caller's (application, environment) as a NEW event (new id,
// new timestamp) carrying metadata.replayOf = the original event id and metadata.replayMode.
//
//   {"traceId", "mode": "dry-run"|"router"|"websocket"|"webhook", "overrides"?: {...}}
//   overrides: deep-merged into the traced event (objects merge key by key, recursively; any
//     other value, arrays and null included, replaces). Only "payload" (an object), "type" (a
//     non-empty string) and "metadata" ({"table"?, "operation"?: string|null,
//     "revision"?: integer|null}) may be overridden; the topic and source stay the trace's.
//   dry-run   -> 200: nothing delivered, stored or enqueued; "routing" (the debug-routing
//                answer, ReplayDeps::routing), the schema gate's verdict (not counted in the
//                metrics) and the webhook endpoints a real replay would enqueue.
//   router    -> 202: EventRouter::Publish of the new event: sockets on every instance,
//                webhooks, traces — everything a published event gets.
//   websocket -> 202: the same route, but the event is marked socket-only
//                (metadata.replayMode "websocket", events::SocketsOnly): webhooks skip it on every
//                instance. Traced like any routed event.
//   webhook   -> 202: Admit (the router's checks and schema gate), then the webhook fan-out's own
//                enqueue (webhooks/fanout.h: signed, retried, logged as usual); no socket
//                delivery, no trace.
//   Answer: {"traceId", "mode", "replayOf", "eventId" (null for dry-run), "event" (the envelope
//            as replayed; "id" null for dry-run), "schema": {"version" (null: no active schema),
//            "valid", "errors"?}, "routing"? (dry-run), "webhooks"?: {"endpoints", "endpointIds"}
//            (dry-run: would be enqueued; webhook: enqueued)}.
// Errors: 400 ValidationError (bad body, mode, overrides; the schema gate refusing the replayed
// payload in the delivering modes, with the gate's details), 403 (reserved topic, the token's
// topics), 404 NotFoundError (unknown trace or another application's / environment's), 413
// (payload too large), as publishing answers. Nothing is delivered on error.
// Access: admin token (or a session with debugger:create); anonymous on loopback in development.
//
// Ownership/lifetime: the dependencies must outlive the router. Thread safety: the handler runs
// on the blocking pool, concurrently (it blocks on the database, and dry-run on the routing
// snapshot); the pure functions are thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>

#include "api/auth.h"
#include "api/debugger_api.h"
#include "core/result.h"
#include "core/scope.h"
#include "events/event.h"
#include "events/router.h"
#include "monitor/trace_recorder.h"
#include "net/router.h"
#include "registry/application_service.h"
#include "registry/schema_gate.h"
#include "store/trace_repository.h"
#include "webhooks/fanout.h"

namespace rt::api {

struct ReplayDeps {
  store::TraceRepository& traces;
  events::EventRouter& router;
  const registry::SchemaGate& schemas;  // dry-run's verdict (Validate: not counted)
  webhooks::Fanout& webhooks;           // webhook mode's enqueue; dry-run's matching endpoints
  // dry-run: the debug-routing answer for the event (RoutingReport's shape).
  std::function<boost::json::object(const Scope&, const RoutingQuery&)> routing;
  const monitor::TraceRecorder* recent = nullptr;  // traces not written yet (the recorder's ring)
};

void RegisterDebuggerReplayRoutes(net::Router& router, ReplayDeps deps, registry::ApplicationService& apps,
                                  const AuthGate& gate);

// Pure parts (unit-tested).
enum class ReplayMode { kDryRun, kRouter, kWebSocket, kWebhook };
const char* ReplayModeName(ReplayMode mode);

struct ReplayRequest {
  std::string trace_id;
  ReplayMode mode = ReplayMode::kDryRun;
  boost::json::object overrides;  // checked: only the keys above, with the right types
};
// The request for a body, or ValidationError (missing traceId, unknown mode, unknown keys,
// overrides not an object or touching what may not be overridden).
Result<ReplayRequest> ParseReplayRequest(const boost::json::object& body);

// Merges patch into target: an object value merges into an object value recursively; any other
// value (arrays, null) replaces.
void DeepMerge(boost::json::object& target, const boost::json::object& patch);

// The publish input of the replay: the traced event with the overrides merged in, replayOf and
// replayMode set. ValidationError if the trace's stored payload or source cannot be read back.
Result<events::RawEventInput> ReplayInput(const store::TraceRow& trace, const ReplayRequest& request);

}  // namespace rt::api
