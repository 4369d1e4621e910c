// SocketJournal's pure parts: the close classification and the JSON of a record.
#include <boost/json/array.hpp>

#include "core/json.h"
#include "monitor/socket_journal.h"

namespace rt::monitor {
namespace {

bool Has(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

boost::json::object SubscriptionJson(const SubscriptionRecord& s, bool ended) {
  boost::json::object o{{"subscriptionId", s.subscription_id},
                        {"topic", s.topic},
                        {"filter", s.FilterValue()},
                        {"returnMode", s.return_mode},
                        {"subscribedAt", s.subscribed_at}};
  if (ended) {
    o["unsubscribedAt"] = s.unsubscribed_at == 0 ? boost::json::value(nullptr) : boost::json::value(s.unsubscribed_at);
    o["endReason"] = s.end_reason.empty() ? boost::json::value(nullptr) : boost::json::value(s.end_reason);
  }
  return o;
}

}  // namespace

boost::json::value SubscriptionRecord::FilterValue() const {
  if (filter_json.empty()) return nullptr;
  auto parsed = json::Parse(filter_json);
  return parsed.ok() ? std::move(*parsed) : boost::json::value(filter_json);
}

const char* ClassifyClose(uint16_t code, std::string_view detail) {
  // /ws: the WebSocket close code says it (the server's own codes first; then what a client sends).
  switch (code) {
    case 4008:
      return "slow consumer";
    case 1012:
      return "server shutdown";
    case 4000:
      return "ping timeout";
    case 4029:
      return "flooding";
    case 4001:
      return Has(detail, "expired") ? "token expired" : "token revoked";
    case 1006:
      return "connection lost";
    case 1000:
    case 1001:
    case 1005:
      return "client closed";
    case 1002:
    case 1007:
    case 1009:
      return "protocol error";
    default:
      break;
  }
  // Socket.IO (no code): the Engine.IO / Socket.IO reason.
  if (Has(detail, "slow consumer")) return "slow consumer";
  if (Has(detail, "server shutdown") || Has(detail, "server restart")) return "server shutdown";
  if (Has(detail, "token expired")) return "token expired";
  if (Has(detail, "token revoked")) return "token revoked";
  if (Has(detail, "ping timeout") || Has(detail, "idle timeout")) return "ping timeout";
  if (Has(detail, "flooding")) return "flooding";
  if (Has(detail, "transport error") || Has(detail, "polling request aborted")) return "connection lost";
  if (detail == "transport close" || detail == "forced close" || detail == "client namespace disconnect")
    return "client closed";
  if (Has(detail, "parse error") || Has(detail, "payload too large") || Has(detail, "invalid") ||
      Has(detail, "multiple pending GET"))
    return "protocol error";
  return "other";
}

boost::json::object SocketJournal::ToJson(const ConnectionRecord& r, bool details) {
  boost::json::object o{{"socketId", r.socket_id}, {"transport", r.transport}};
  if (!r.engine_transport.empty()) o["engineTransport"] = r.engine_transport;
  o["remoteAddress"] = r.remote_address;
  o["userAgent"] = r.user_agent;
  o["subject"] = r.subject;
  boost::json::array channels;
  for (const auto& c : r.channels) channels.push_back(boost::json::value(c.channel));
  o["channels"] = std::move(channels);
  boost::json::array active;
  for (const auto& s : r.subscriptions)
    if (s.unsubscribed_at == 0) active.push_back(SubscriptionJson(s, false));
  o["subscriptions"] = std::move(active);
  o["connectedAt"] = r.connected_at;
  o["instance"] = r.instance;
  if (!r.live()) {
    o["closedAt"] = r.closed_at;
    o["closeCode"] = r.close_code == 0 ? boost::json::value(nullptr) : boost::json::value(r.close_code);
    o["closeReason"] = r.close_reason;
  }
  if (!details) return o;
  o["applicationId"] = r.scope.application_id;
  o["environment"] = r.scope.environment;
  boost::json::array joined;
  for (const auto& c : r.channels)
    joined.push_back(boost::json::object{{"channel", c.channel}, {"joinedAt", c.joined_at}});
  o["channelsJoined"] = std::move(joined);
  boost::json::array history;
  for (const auto& s : r.subscriptions) history.push_back(SubscriptionJson(s, true));
  o["subscriptionHistory"] = std::move(history);
  o["historyDropped"] = r.history_dropped;
  if (!r.live()) o["closeDetail"] = r.close_detail;
  return o;
}

}  // namespace rt::monitor
