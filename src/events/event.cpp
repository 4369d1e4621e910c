#include "events/event.h"

#include "core/ids.h"
#include "core/json.h"

namespace rt::events {

const char* SourceName(Source s) {
  switch (s) {
    case Source::kDatabase: return "database";
    case Source::kSync: return "sync";
    case Source::kSocket: return "socket";
  }
  return "socket";
}

std::optional<Source> ParseSource(std::string_view s) {
  if (s == "database") return Source::kDatabase;
  if (s == "sync") return Source::kSync;
  if (s == "socket") return Source::kSocket;
  return std::nullopt;
}

Result<RealtimeEvent> Normalize(RawEventInput in, const NormalizeOptions& options, int64_t now_ms) {
  if (in.topic.empty()) return Error::Validation("topic is required");
  if (in.type.size() > 200) return Error::Validation("type must be at most 200 characters");
  RealtimeEvent e;
  e.id = in.id ? std::move(*in.id) : NewId("evt");
  e.topic = std::move(in.topic);
  e.source = in.source;
  e.type = in.type.empty() ? std::string(SourceName(in.source)) + ".publish" : std::move(in.type);
  e.payload = std::move(in.payload);
  std::string size_probe;
  json::AppendValue(size_probe, e.payload);
  if (size_probe.size() > options.max_payload_bytes)
    return Error{ErrorCode::kPayloadTooLarge,
                 "payload exceeds the limit of " + std::to_string(options.max_payload_bytes) + " bytes", nullptr};
  e.metadata.timestamp = now_ms;
  e.metadata.table = std::move(in.table);
  e.metadata.operation = std::move(in.operation);
  e.metadata.revision = in.revision;
  e.metadata.from = std::move(in.from);
  e.metadata.replay_of = std::move(in.replay_of);
  e.metadata.replay_mode = std::move(in.replay_mode);
  return e;
}

std::string SerializeEventWithPayload(const RealtimeEvent& e, const boost::json::object& payload) {
  std::string out;
  out.reserve(128 + e.topic.size() + e.type.size());
  out += "{\"id\":";
  json::AppendQuoted(out, e.id);
  out += ",\"topic\":";
  json::AppendQuoted(out, e.topic);
  out += ",\"source\":\"";
  out += SourceName(e.source);
  out += "\",\"type\":";
  json::AppendQuoted(out, e.type);
  out += ",\"payload\":";
  json::AppendValue(out, payload);
  out += ",\"metadata\":{\"timestamp\":";
  out += std::to_string(e.metadata.timestamp);
  if (e.metadata.table) {
    out += ",\"table\":";
    json::AppendQuoted(out, *e.metadata.table);
  }
  if (e.metadata.operation) {
    out += ",\"operation\":";
    json::AppendQuoted(out, *e.metadata.operation);
  }
  if (e.metadata.revision) {
    out += ",\"revision\":";
    out += std::to_string(*e.metadata.revision);
  }
  if (e.metadata.from) {
    out += ",\"from\":";
    json::AppendQuoted(out, *e.metadata.from);
  }
  if (e.metadata.replay_of) {
    out += ",\"replayOf\":";
    json::AppendQuoted(out, *e.metadata.replay_of);
  }
  if (e.metadata.replay_mode) {
    out += ",\"replayMode\":";
    json::AppendQuoted(out, *e.metadata.replay_mode);
  }
  out += "}}";
  return out;
}

std::string SerializeEvent(const RealtimeEvent& e) { return SerializeEventWithPayload(e, e.payload); }

bool SocketsOnly(const RealtimeEvent& e) { return e.metadata.replay_mode == "websocket"; }

bool IsReservedTopic(std::string_view topic) {
  return topic.starts_with("presence:") || topic.starts_with("direct:");
}

std::optional<std::string> PublishRefusal(std::string_view topic, Source source, bool internal) {
  if (internal) return std::nullopt;
  std::string t(topic);
  if (topic.starts_with("sync.") && source != Source::kSync)
    return "Topic " + t + " is reserved: sync events are published by the sync service";
  if (topic.starts_with("presence:"))
    return "Topic " + t + " is reserved: presence events are published by the platform when members join or leave";
  if (topic.starts_with("direct:"))
    return "Topic " + t + " is reserved: send a direct message (direct) to reach one connection";
  return std::nullopt;
}

Result<RealtimeEvent> ParseEvent(std::string_view text) {
  auto obj = json::ParseObject(text);
  if (!obj.ok()) return obj.take_error();
  RealtimeEvent e;
  auto* id = json::GetString(*obj, "id");
  auto* topic = json::GetString(*obj, "topic");
  auto* source = json::GetString(*obj, "source");
  auto* type = json::GetString(*obj, "type");
  auto* payload = json::GetObject(*obj, "payload");
  auto* meta = json::GetObject(*obj, "metadata");
  if (!id || !topic || !source || !type || !payload || !meta) return Error::Validation("not a RealtimeEvent");
  auto src = ParseSource(*source);
  if (!src) return Error::Validation("unknown event source");
  e.id = std::string(*id);
  e.topic = std::string(*topic);
  e.source = *src;
  e.type = std::string(*type);
  e.payload = *payload;
  if (auto* ts = meta->if_contains("timestamp"); ts && ts->is_int64()) e.metadata.timestamp = ts->get_int64();
  if (auto* t = json::GetString(*meta, "table")) e.metadata.table = std::string(*t);
  if (auto* o = json::GetString(*meta, "operation")) e.metadata.operation = std::string(*o);
  if (auto* r = meta->if_contains("revision"); r && r->is_int64()) e.metadata.revision = r->get_int64();
  if (auto* f = json::GetString(*meta, "from")) e.metadata.from = std::string(*f);
  if (auto* r = json::GetString(*meta, "replayOf")) e.metadata.replay_of = std::string(*r);
  if (auto* m = json::GetString(*meta, "replayMode")) e.metadata.replay_mode = std::string(*m);
  return e;
}

}  // namespace rt::events
