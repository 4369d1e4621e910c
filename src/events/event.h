// RealtimeEvent: the one envelope every subscriber receives, whatever produced the event
// (spec/01-architecture.md "Event Envelope"):
//   { id: "evt_…", topic, source: "database"|"sync"|"socket", type, payload: {…},
//     metadata: { timestamp (ms), table?, operation?, revision?, from?, replayOf?, replayMode? } }
// Normalize() turns a producer's RawEventInput into an envelope: assigns the id and timestamp,
// defaults the type, checks the payload is an object within the size limit.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/result.h"

namespace rt::events {

enum class Source { kDatabase, kSync, kSocket };

const char* SourceName(Source s);
std::optional<Source> ParseSource(std::string_view s);

struct EventMetadata {
  int64_t timestamp = 0;  // ms since epoch
  std::optional<std::string> table;      // database events
  std::optional<std::string> operation;  // insert | update | delete
  std::optional<int64_t> revision;       // sync events
  std::optional<std::string> from;       // direct messages: the sender's socket id
  std::optional<std::string> replay_of;    // replayOf: a replayed event's original id (api/debugger_replay_api.h)
  std::optional<std::string> replay_mode;  // replayMode: router | websocket | webhook
};

struct RealtimeEvent {
  std::string id;
  std::string topic;
  Source source = Source::kSocket;
  std::string type;
  boost::json::object payload;
  EventMetadata metadata;
};

// What a producer hands to the router.
struct RawEventInput {
  std::string topic;
  Source source = Source::kSocket;
  std::string type;  // default: "<source>.publish" ("socket.publish" for published messages)
  boost::json::object payload;
  std::optional<std::string> table;
  std::optional<std::string> operation;
  std::optional<int64_t> revision;
  std::optional<std::string> id;  // keep an existing id (replay); otherwise a new evt_ id
  std::string exclude_socket;     // a connection (socket id) that must not receive it: the sender
  bool internal = false;          // platform-generated (may use the reserved presence:/direct: topics)
  std::optional<std::string> from;  // metadata.from: the sending socket (direct messages)
  std::optional<std::string> replay_of;    // metadata.replayOf (debugger replay)
  std::optional<std::string> replay_mode;  // metadata.replayMode (debugger replay)
};

struct NormalizeOptions {
  size_t max_payload_bytes = 64 * 1024;
  size_t metrics_max_topics = 200;  // REALTIME_METRICS_MAX_TOPICS (the router's topic label bound)
  bool count_topics = true;         // REALTIME_METRICS=off: no per-topic counting (bench baseline)
};

// Validates and completes the envelope. ValidationError for an empty topic or type too long;
// PayloadTooLarge when the serialized payload exceeds the limit.
Result<RealtimeEvent> Normalize(RawEventInput input, const NormalizeOptions& options, int64_t now_ms);

// Serialized envelope, with the fields in the spec's order.
std::string SerializeEvent(const RealtimeEvent& e);
// Same, with payload replaced (used for returnMode variants).
std::string SerializeEventWithPayload(const RealtimeEvent& e, const boost::json::object& payload);

// True for an event meant for socket subscribers only (a debugger replay in `websocket` mode,
// metadata.replayMode): observers with side effects (webhooks, jobs) skip it on every instance,
// since the flag travels in the envelope.
bool SocketsOnly(const RealtimeEvent& e);

// Topics the platform reserves for its own events: `presence:<channel>` (presence.join/leave)
// and `direct:<socketId>` (direct messages). Clients cannot publish or subscribe to them.
bool IsReservedTopic(std::string_view topic);

// The one rule for who may publish where (EventRouter::Publish enforces it for every producer;
// ClientOps asks it first so that a refused publish says why before any other check):
// `sync.*` only the sync service (source sync), `presence:*` and `direct:*` only the platform
// itself (internal). Returns the refusal message (a ForbiddenError), or nullopt when allowed.
std::optional<std::string> PublishRefusal(std::string_view topic, Source source, bool internal);

// Parses an envelope received from another instance; ValidationError if it is not one.
Result<RealtimeEvent> ParseEvent(std::string_view json);

}  // namespace rt::events
