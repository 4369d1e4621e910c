#include "events/routed_event.h"

#include <chrono>

#include "core/json.h"
#include "protocol/ws_frame.h"

namespace rt::events {

std::optional<ReturnMode> ParseReturnMode(std::string_view s) {
  if (s == "full") return ReturnMode::kFull;
  if (s == "diff") return ReturnMode::kDiff;
  if (s == "both") return ReturnMode::kBoth;
  return std::nullopt;
}

boost::json::object ApplyReturnMode(const RealtimeEvent& e, ReturnMode mode) {
  boost::json::object p = e.payload;
  if (e.source != Source::kSync) return p;
  if (mode == ReturnMode::kFull) p.erase("diff");
  if (mode == ReturnMode::kDiff) p.erase("data");
  return p;
}

RoutedEvent::RoutedEvent(Scope scope, RealtimeEvent event, std::string envelope_json, std::string exclude_socket)
    : scope_(std::move(scope)),
      event_(std::move(event)),
      envelope_(std::move(envelope_json)),
      exclude_(std::move(exclude_socket)),
      accepted_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count()) {
  key_ = TopicKey(scope_, event_.topic);
  presence_ = event_.topic.starts_with("presence:") && event_.type.starts_with("presence.");
}

std::string RoutedEvent::EnvelopeFor(ReturnMode mode) const {
  if (event_.source != Source::kSync) return envelope_;
  return SerializeEventWithPayload(event_, ApplyReturnMode(event_, mode));
}

const std::shared_ptr<const std::string>& RoutedEvent::Frame(Wire wire, ReturnMode mode) const {
  if (event_.source != Source::kSync) mode = ReturnMode::kBoth;  // one variant serves every mode
  size_t slot = static_cast<size_t>(wire) * 3 + static_cast<size_t>(mode);
  std::call_once(once_[slot], [&] {
    std::string body;
    std::string env = mode == ReturnMode::kBoth ? std::string() : EnvelopeFor(mode);
    const std::string& envelope = mode == ReturnMode::kBoth ? envelope_ : env;
    if (wire == Wire::kNativeWs) {
      body.reserve(envelope.size() + event_.topic.size() + 40);
      body += "{\"type\":\"";
      body += emit_name();
      body += "\",\"topic\":";
      json::AppendQuoted(body, event_.topic);
      body += ",\"data\":";
      body += envelope;
      body += '}';
    } else {
      body.reserve(envelope.size() + 12);
      body += "42[\"";
      body += emit_name();
      body += "\",";
      body += envelope;
      body += ']';
    }
    frames_[slot] = std::make_shared<const std::string>(protocol::ws::EncodeFrame(protocol::ws::Opcode::kText, body));
  });
  return frames_[slot];
}

const char* VerdictName(RoutingDecision::Verdict v) {
  switch (v) {
    case RoutingDecision::Verdict::kDelivered:
      return "delivered";
    case RoutingDecision::Verdict::kFiltered:
      return "filtered";
    case RoutingDecision::Verdict::kDropped:
      return "dropped";
  }
  return "delivered";
}

void DecisionLog::Append(std::vector<RoutingDecision>&& part, uint32_t omitted) {
  std::lock_guard lock(mu_);
  if (decisions_.empty() && part.size() <= kMax) {  // the first part (one shard: the only one)
    decisions_.swap(part);
    omitted_ += omitted;
    return;
  }
  for (auto& d : part) {
    if (decisions_.size() < kMax) decisions_.push_back(std::move(d));
    else ++omitted;
  }
  omitted_ += omitted;
}

std::vector<RoutingDecision> DecisionLog::Decisions(uint32_t* omitted) const {
  std::lock_guard lock(mu_);
  if (omitted) *omitted = omitted_;
  return decisions_;
}

}  // namespace rt::events
