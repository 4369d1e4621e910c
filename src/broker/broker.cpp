#include "broker/broker.h"

namespace rt::broker {

std::string EncodeBrokerMessage(const std::string& origin, const BrokerMessage& m) {
  std::string out;
  out.reserve(16 + origin.size() + m.scope.application_id.size() + m.topic.size() + m.event_json.size());
  out += m.exclude.empty() ? "v1\n" : "v2\n";
  out += origin;
  out += '\n';
  out += m.scope.application_id;
  out += '\n';
  out += m.scope.environment;
  out += '\n';
  out += m.topic;
  out += '\n';
  if (!m.exclude.empty()) {
    out += m.exclude;
    out += '\n';
  }
  out += m.event_json;
  return out;
}

bool DecodeBrokerMessage(std::string_view wire, std::string* origin, BrokerMessage* m) {
  std::string_view parts[6];
  size_t n = wire.starts_with("v2\n") ? 6 : 5;
  for (size_t i = 0; i < n; ++i) {
    auto nl = wire.find('\n');
    if (nl == std::string_view::npos) return false;
    parts[i] = wire.substr(0, nl);
    wire.remove_prefix(nl + 1);
  }
  if ((parts[0] != "v1" && parts[0] != "v2") || parts[1].empty() || parts[2].empty() || parts[3].empty() ||
      parts[4].empty())
    return false;
  m->exclude = n == 6 ? std::string(parts[5]) : std::string();
  *origin = std::string(parts[1]);
  m->scope = {std::string(parts[2]), std::string(parts[3])};
  m->topic = std::string(parts[4]);
  m->event_json = std::string(wire);
  return true;
}

}  // namespace rt::broker
