#include "registry/topic_policy.h"

#include <string>

namespace rt::registry {

bool IsValidTopic(std::string_view t) {
  if (t.empty() || t.size() > 200) return false;
  for (char c : t) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == ':' || c == '-' || c == '@' || c == '/';
    if (!ok) return false;
  }
  return true;
}

bool IsValidRegisteredTopicName(std::string_view n) {
  if (n.empty() || n.size() > 200 || n.front() == '.' || n.back() == '.') return false;
  char prev = 0;
  for (char c : n) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.';
    if (!ok || (c == '.' && prev == '.')) return false;
    prev = c;
  }
  return true;
}

Status OpenTopicPolicy::CheckUse(const Scope&, std::string_view topic) const {
  if (!IsValidTopic(topic))
    return Error::Validation("Invalid topic '" + std::string(topic.substr(0, 200)) +
                             "': use 1-200 characters of letters, digits and . _ : - @ /");
  return Ok();
}

}  // namespace rt::registry
