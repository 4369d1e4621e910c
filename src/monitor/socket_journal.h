// SocketJournal: this instance's record of its client connections, for the socket monitor
// (docs/socket-monitor.md: GET /api/socket/connections?details=true, GET /api/socket/traffic)
// and the debugger's "why was it not delivered" (which subscriptions a socket had at a past
// instant, and how its connection ended).
//
// It is the gateways' events::ConnectionObserver (GatewayDeps::journal) and records:
//   - live connections: socket id, scope, transport, address, user agent, subject, connectedAt,
//     joined channels, subscriptions (id, topic, filter, returnMode, subscribedAt);
//   - the newest closed connections (a ring of at most max_closed records and max_closed_bytes
//     of them, oldest evicted first) with closedAt, the close code, the gateway's words and a
//     classification (ClassifyClose);
//   - per connection, the subscriptions that ended (unsubscribedAt, why), at most
//     max_history_per_connection of them (those that ended first are forgotten first and counted
//     in history_dropped); active subscriptions are never forgotten (the gateways cap them).
// And it feeds traffic listeners (the SSE stream): one TrafficItem per connect, disconnect,
// subscribe, unsubscribe, join, leave, broadcast and transport change, to every listener of the
// item's (application, environment) only.
//
// Cost: one short critical section per client operation (connect, subscribe…), none per delivered
// event; traffic items are built only while a listener exists.
//
// Thread safety: every method may be called from any thread. Listener sinks are called with the
// listener lock held, from the gateways' threads: a sink must not block and must not call
// AddListener/RemoveListener; it returns false to be removed (a listener that fell behind is
// dropped, never waited for). Lifetime: outlives the gateways' connections (GatewayDeps::journal);
// a sink's captures must stay valid until RemoveListener returns or the sink returned false.
// Failure: operations on an unknown socket id are ignored; queries return copies (empty / nullopt
// when nothing matches).
#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/scope.h"
#include "events/connection_observer.h"

namespace rt::monitor {

struct SubscriptionRecord {
  std::string subscription_id;
  std::string topic;
  std::string filter_json;      // the client's filter as JSON text; "" when it sent none (null)
  std::string return_mode;      // "full" | "diff" | "both"
  int64_t subscribed_at = 0;    // ms since the epoch
  int64_t unsubscribed_at = 0;  // ms since the epoch; 0 while active
  std::string end_reason;       // "unsubscribed", "disconnected", or why the server removed it
  uint64_t end_seq = 0;         // 1 for the connection's first ended subscription, 2 for the next…; 0 while active

  // The filter as JSON (null when none; the text itself if it does not parse).
  boost::json::value FilterValue() const;

  bool ActiveAt(int64_t at_ms) const {
    return subscribed_at <= at_ms && (unsubscribed_at == 0 || at_ms < unsubscribed_at);
  }
};

struct ChannelRecord {
  std::string channel;
  int64_t joined_at = 0;
};

struct ConnectionRecord {
  std::string socket_id;
  Scope scope;
  std::string transport;         // "socket.io" | "websocket"
  std::string engine_transport;  // Socket.IO: "polling" | "websocket"; "" for /ws
  std::string remote_address;
  std::string user_agent;
  std::string subject;  // the token's sub ("" when none)
  std::string instance;
  int64_t connected_at = 0;                       // ms since the epoch
  int64_t closed_at = 0;                          // 0 while live
  uint16_t close_code = 0;                        // the WebSocket close code of /ws; 0 for Socket.IO
  std::string close_reason;                       // ClassifyClose(close_code, close_detail)
  std::string close_detail;                       // the gateway's words
  std::vector<ChannelRecord> channels;            // joined (for a closed record: when it closed)
  std::vector<SubscriptionRecord> subscriptions;  // oldest first: active and ended ones
  size_t history_dropped = 0;                     // ended subscriptions forgotten
  uint64_t subscriptions_ended = 0;               // ended subscriptions, forgotten ones included

  bool live() const { return closed_at == 0; }
  bool ConnectedAt(int64_t at_ms) const { return connected_at <= at_ms && (closed_at == 0 || at_ms < closed_at); }
};

// Why a connection ended, from what the gateway knows: "client closed", "connection lost",
// "slow consumer", "token expired", "token revoked", "ping timeout", "server shutdown",
// "flooding", "protocol error" or "other". Pure.
const char* ClassifyClose(uint16_t close_code, std::string_view detail);

// One traffic line: type is connect | disconnect | subscribe | unsubscribe | join | leave |
// broadcast | transport; json is the object {"type", "socketId", "at", "applicationId",
// "environment", "instance", …the fields of the type} as text.
struct TrafficItem {
  std::string type;
  std::string json;
};
using TrafficSink = std::function<bool(const TrafficItem& item)>;

struct SocketJournalOptions {
  std::string instance;                     // RealtimeCore::instance_id (each record's "instance")
  size_t max_closed = 10000;                // closed connections kept
  size_t max_closed_bytes = 64u << 20;      // their approximate memory
  size_t max_history_per_connection = 100;  // ended subscriptions kept per connection
};

class SocketJournal final : public events::ConnectionObserver {
 public:
  explicit SocketJournal(SocketJournalOptions options = {});
  SocketJournal(const SocketJournal&) = delete;
  SocketJournal& operator=(const SocketJournal&) = delete;

  // events::ConnectionObserver (the gateways).
  void OnConnect(const std::string& socket_id, const Scope& scope, const std::string& subject,
                 const events::ClientInfo& client) override;
  void OnDisconnect(const std::string& socket_id, uint16_t close_code, std::string_view detail) override;
  void OnTransport(const std::string& socket_id, std::string_view engine_transport) override;
  void OnSubscribe(const std::string& socket_id, const std::string& subscription_id, const std::string& topic,
                   const boost::json::value& filter, std::string_view return_mode) override;
  void OnUnsubscribe(const std::string& socket_id, const std::string& subscription_id,
                     std::string_view reason) override;
  void OnJoin(const std::string& socket_id, const std::string& channel) override;
  void OnLeave(const std::string& socket_id, const std::string& channel) override;
  void OnBroadcast(const Scope& scope, const std::string& socket_id, const std::string& channel,
                   const std::string& event, const std::string& event_id) override;

  // A connection by socket id, live or among the closed ones kept.
  std::optional<ConnectionRecord> Find(const std::string& socket_id) const;
  // The connections (live first, then closed, newest first) of a subject in a scope.
  std::vector<ConnectionRecord> BySubject(const Scope& scope, const std::string& subject) const;
  // The live connections of a scope (oldest first), at most `limit`.
  std::vector<ConnectionRecord> Live(const Scope& scope, size_t limit = SIZE_MAX) const;

  // details=false: the socket monitor's row {socketId, transport, engineTransport?, remoteAddress,
  // userAgent, subject, channels:[name], subscriptions:[{subscriptionId, topic, filter,
  // returnMode, subscribedAt}] (the active ones), connectedAt, instance, and for a closed one
  // closedAt, closeCode, closeReason}. details=true adds every kept subscription with
  // unsubscribedAt/endReason ("subscriptionHistory"), "historyDropped", the channels' joinedAt
  // ("channelsJoined") and "closeDetail".
  static boost::json::object ToJson(const ConnectionRecord& record, bool details);

  // Traffic listeners of one scope. AddListener returns an id for RemoveListener (idempotent).
  uint64_t AddListener(const Scope& scope, TrafficSink sink);
  void RemoveListener(uint64_t id);

  const std::string& instance() const { return options_.instance; }

  struct Stats {
    size_t live = 0;
    size_t closed = 0;
    size_t listeners = 0;
    uint64_t listeners_dropped = 0;  // sinks that returned false (fell behind)
  };
  Stats stats() const;

 private:
  struct Listener {
    uint64_t id;
    Scope scope;
    TrafficSink sink;
  };

  // Ends the record's active subscriptions and keeps it in the closed ring. Caller holds mu_.
  void Retire(ConnectionRecord&& record);
  // Builds and hands an item to the scope's listeners (when there are any).
  void Publish(const Scope& scope, const char* type, boost::json::object fields);
  bool Listening() const { return listener_count_.load(std::memory_order_acquire) > 0; }

  const SocketJournalOptions options_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, ConnectionRecord> live_;  // guarded by mu_: by socket id
  std::deque<ConnectionRecord> closed_;                     // guarded by mu_: oldest first
  std::deque<size_t> closed_sizes_;                         // guarded by mu_: approximate bytes of each
  std::unordered_map<std::string, uint64_t> closed_index_;  // guarded by mu_: socket id -> sequence
  uint64_t closed_front_seq_ = 0;                           // guarded by mu_: sequence of closed_.front()
  size_t closed_bytes_ = 0;                                 // guarded by mu_

  mutable std::mutex listeners_mu_;
  std::vector<Listener> listeners_;        // guarded by listeners_mu_
  uint64_t next_listener_ = 1;             // guarded by listeners_mu_
  uint64_t listeners_dropped_ = 0;         // guarded by listeners_mu_
  std::atomic<size_t> listener_count_{0};  // listeners_.size(), read without the lock
};

}  // namespace rt::monitor
