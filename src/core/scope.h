// Scope: the tenant (application, environment) that every entity and event belongs to.
// Two scopes never see each other's topics, documents or events, on any path.
#pragma once

#include <string>
#include <string_view>

namespace rt {

struct Scope {
  std::string application_id;
  std::string environment;  // development | staging | production

  bool operator==(const Scope&) const = default;
  // "app\x1f" "env" — a compact key for maps (\x1f never appears in ids or environments).
  std::string Key() const { return application_id + '\x1f' + environment; }
};

// "app\x1f" "env\x1f" "topic": the key of a topic in a scope — the hub's index, the topic
// interest and the broker's channels (broker/redis_channels.h) all use this one string.
inline std::string TopicKey(const Scope& scope, std::string_view topic) {
  std::string k;
  k.reserve(scope.application_id.size() + scope.environment.size() + topic.size() + 2);
  k += scope.application_id;
  k += '\x1f';
  k += scope.environment;
  k += '\x1f';
  k.append(topic);
  return k;
}

}  // namespace rt
