// The plain WebSocket (/ws) JSON protocol (spec/20-api-socket.md), as a pure codec.
//
// Client -> server (every message may carry "requestId", echoed in the reply):
//   {"type":"auth","token":"…"}
//   {"type":"subscribe","topic":"…","filter":{…}?,"returnMode":"full"|"diff"|"both"?}
//   {"type":"unsubscribe","subscriptionId":"sub_…"}
//   {"type":"publish","topic":"…","payload":{…},"eventType":"…"?,"metadata":{…}?}
//   {"type":"ping"}   {"type":"whoami"}
//   {"type":"join","channel":"…"}   {"type":"leave","channel":"…"}
//   {"type":"channel.publish","channel":"…","event":"…","data":<any>}
//   {"type":"direct","socketId":"…","event":"…","data":<any>}
// Server -> client:
//   {"type":"authenticated","applicationId","environment","subject"}
//   {"type":"subscribed","subscriptionId","topic"}   {"type":"unsubscribed","subscriptionId"}
//   {"type":"published","id"}   {"type":"pong"}
//   {"type":"event","topic","data":<RealtimeEvent>}   {"type":"presence","topic","data":<RealtimeEvent>}
//   {"type":"joined","channel","members":[…]}   {"type":"left","channel"}   {"type":"sent","id"}
//   {"type":"whoami","socketId","applicationId","environment","subject"}
//   {"type":"error","code":"…","message":"…"}
// docs/protocol.md is the reference for clients.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace rt::protocol::native {

// Error codes sent in {"type":"error"} messages.
namespace code {
inline constexpr const char* kInvalidJson = "INVALID_JSON";
inline constexpr const char* kInvalidMessage = "INVALID_MESSAGE";
inline constexpr const char* kUnknownType = "UNKNOWN_TYPE";
inline constexpr const char* kUnauthorized = "UNAUTHORIZED";
inline constexpr const char* kForbidden = "FORBIDDEN";
inline constexpr const char* kInvalidTopic = "INVALID_TOPIC";
inline constexpr const char* kTopicNotRegistered = "TOPIC_NOT_REGISTERED";
inline constexpr const char* kInvalidFilter = "INVALID_FILTER";
inline constexpr const char* kInvalidPayload = "INVALID_PAYLOAD";
inline constexpr const char* kPayloadTooLarge = "PAYLOAD_TOO_LARGE";
inline constexpr const char* kNotFound = "NOT_FOUND";
inline constexpr const char* kLimitExceeded = "LIMIT_EXCEEDED";
inline constexpr const char* kRateLimited = "RATE_LIMITED";
inline constexpr const char* kInternal = "INTERNAL_ERROR";
}  // namespace code

enum class Type { kAuth, kSubscribe, kUnsubscribe, kPublish, kPing, kWhoami, kJoin, kLeave, kChannelPublish, kDirect };

struct ClientMessage {
  Type type = Type::kPing;
  std::optional<std::string> request_id;  // as JSON text ("\"abc\"" or "7"), echoed verbatim
  std::string token;                 // auth
  std::string topic;                 // subscribe, publish
  boost::json::value filter;         // subscribe (null when absent)
  std::optional<std::string> return_mode;  // subscribe
  std::string subscription_id;       // unsubscribe
  boost::json::object payload;       // publish
  std::string event_type;            // publish (optional); channel.publish, direct (required)
  std::string channel;               // join, leave, channel.publish
  std::string target;                // direct: the socket id
  boost::json::value data;           // channel.publish, direct
};

struct ProtocolError {
  const char* code;
  std::string message;
  std::optional<std::string> request_id;
};

// Parses one text message. Returns the message or the error to send back.
struct ParseResult {
  std::optional<ClientMessage> message;
  std::optional<ProtocolError> error;
};
ParseResult ParseClientMessage(std::string_view text);

std::string Subscribed(const std::string& subscription_id, const std::string& topic,
                       const std::optional<std::string>& request_id);
std::string Unsubscribed(const std::string& subscription_id, const std::optional<std::string>& request_id);
std::string Published(const std::string& event_id, const std::optional<std::string>& request_id);
std::string Pong(const std::optional<std::string>& request_id);
std::string Authenticated(const std::string& application_id, const std::string& environment,
                          const std::string& subject, const std::optional<std::string>& request_id);
// member_fields: the JSON members of the reply after "channel" ("members":[…],"memberCount":N[,"nextCursor":"…"]).
std::string Joined(const std::string& channel, const std::string& member_fields, const std::optional<std::string>& rid);
std::string Left(const std::string& channel, const std::optional<std::string>& rid);
std::string Sent(const std::string& event_id, const std::optional<std::string>& rid);
std::string Whoami(const std::string& socket_id, const std::string& application_id, const std::string& environment,
                   const std::string& subject, const std::optional<std::string>& rid);
std::string ErrorMessage(std::string_view code, std::string_view message, const std::optional<std::string>& request_id);
// Notices without a requestId, sent when a token refresh ({"type":"auth"} on an authenticated
// connection) no longer allows a subscription or a channel membership, which is then removed:
//   {"type":"unsubscribed","subscriptionId","topic","reason"}   {"type":"left","channel","reason"}
std::string SubscriptionRevoked(const std::string& subscription_id, const std::string& topic, const std::string& reason);
std::string ChannelRevoked(const std::string& channel, const std::string& reason);

}  // namespace rt::protocol::native
