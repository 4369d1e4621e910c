// RoutedEvent: an event on its way to subscribers, shared (immutable) by every shard and every
// recipient. It carries the envelope and the encoded frames: each (wire, returnMode) variant is
// serialized at most once, on first use, and then the same buffer is queued to every connection.
//
// returnMode (spec/32-sdk-subscribing.md) applies to sync events only: `full` (default) drops
// payload.diff, `diff` drops payload.data, `both` keeps both. Other sources ignore it.
//
// Thread safety: all methods may be called from any thread concurrently.
// routing(): counters the hub's shards add to (relaxed atomics) while they drain the event; a
// reader sees the final sums once every shard has drained it (traces read them ~100 ms later).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scope.h"
#include "events/event.h"

namespace rt::events {

enum class ReturnMode { kFull = 0, kDiff = 1, kBoth = 2 };
std::optional<ReturnMode> ParseReturnMode(std::string_view s);

// How a subscriber's connection encodes events.
enum class Wire {
  kNativeWs = 0,  // /ws: text frame {"type":"event","topic":…,"data":<event>}
  kSocketIo = 1,  // Socket.IO over WebSocket: text frame 42["event",<event>]
};

// The payload a subscriber with `mode` receives (sync events only are changed).
boost::json::object ApplyReturnMode(const RealtimeEvent& e, ReturnMode mode);

// What the local fan-out did with one event, summed over the hub's shards: the subscriptions of
// its topic (subscribers), the frames queued (delivered) and the subscriptions whose filter
// rejected it (filtered). Each shard adds its part once per event, never per delivery.
struct RoutingCounts {
  std::atomic<uint32_t> subscribers{0};
  std::atomic<uint32_t> delivered{0};
  std::atomic<uint32_t> filtered{0};
};

// What the local fan-out did with each subscription of a traced event (the trace's routing
// decisions, docs/debugger.md). Only events the router was asked to trace carry a log
// (RoutedEvent::decisions()); each hub shard appends its part once per event. Bounded: a shard
// notes at most kPerVerdict delivered and kPerVerdict filtered-or-dropped subscriptions, the log
// keeps at most kMax, and counts the rest.
// An id kept inline (no allocation on the delivery path); longer ids are cut (ours are < 32).
class InlineId {
 public:
  InlineId() = default;
  InlineId(std::string_view s) : size_(static_cast<uint8_t>(std::min(s.size(), sizeof(data_)))) {  // NOLINT
    std::memcpy(data_, s.data(), size_);
  }
  InlineId(const std::string& s) : InlineId(std::string_view(s)) {}  // NOLINT
  InlineId(const char* s) : InlineId(std::string_view(s)) {}         // NOLINT
  std::string_view view() const { return {data_, size_}; }
  std::string str() const { return std::string(view()); }
  bool operator==(std::string_view s) const { return view() == s; }

 private:
  char data_[39] = {};
  uint8_t size_ = 0;
};

struct RoutingDecision {
  enum class Verdict : uint8_t { kDelivered, kFiltered, kDropped };  // kDropped: slow consumer
  InlineId subscription_id;
  InlineId socket_id;
  Verdict verdict = Verdict::kDelivered;
  std::shared_ptr<const boost::json::value> filter;  // the subscription's filter (null: none)
};
const char* VerdictName(RoutingDecision::Verdict v);

class DecisionLog {
 public:
  static constexpr size_t kMax = 32;
  static constexpr size_t kPerVerdict = 8;
  // A shard's part (at most kMax entries) and how many it left out. Thread-safe.
  void Append(std::vector<RoutingDecision>&& part, uint32_t omitted);
  // A copy of what was appended so far, and the number left out.
  std::vector<RoutingDecision> Decisions(uint32_t* omitted) const;

 private:
  mutable std::mutex mu_;
  std::vector<RoutingDecision> decisions_;  // guarded by mu_
  uint32_t omitted_ = 0;                    // guarded by mu_
};

class RoutedEvent {
 public:
  // envelope_json: SerializeEvent(event) (or the identical bytes received from another instance).
  // exclude_socket: a connection that must not receive it (the channel sender), or empty.
  RoutedEvent(Scope scope, RealtimeEvent event, std::string envelope_json, std::string exclude_socket = {});

  const Scope& scope() const { return scope_; }
  const RealtimeEvent& event() const { return event_; }
  const std::string& envelope_json() const { return envelope_; }
  // scope key + '\x1f' + topic: the hub's index key.
  const std::string& key() const { return key_; }
  const std::string& exclude_socket() const { return exclude_; }
  // steady_clock time (ns) the router accepted it: the broadcast latency's start.
  int64_t accepted_ns() const { return accepted_ns_; }
  // "presence" for presence events (emitted under that name), else "event".
  const char* emit_name() const { return presence_ ? "presence" : "event"; }
  // The local fan-out's counts (see RoutingCounts); mutable bookkeeping on an immutable event.
  RoutingCounts& routing() const { return routing_; }
  // The decision log of a traced event, or null. RecordDecisions() creates it: call it before the
  // event is handed to the hub (the router does, for the events the trace recorder selects).
  DecisionLog* decisions() const { return decisions_.get(); }
  void RecordDecisions() const { decisions_ = std::make_unique<DecisionLog>(); }

  // The complete WebSocket frame for this wire and mode.
  const std::shared_ptr<const std::string>& Frame(Wire wire, ReturnMode mode) const;
  // The envelope as `mode` shapes it (JSON text).
  std::string EnvelopeFor(ReturnMode mode) const;

 private:
  Scope scope_;
  RealtimeEvent event_;
  std::string envelope_;
  std::string key_;
  std::string exclude_;
  int64_t accepted_ns_;
  bool presence_ = false;
  mutable RoutingCounts routing_;
  mutable std::unique_ptr<DecisionLog> decisions_;
  mutable std::array<std::once_flag, 6> once_;
  mutable std::array<std::shared_ptr<const std::string>, 6> frames_;
};

}  // namespace rt::events
