// Scope: the tenant (application, environment) that every entity and event belongs to.
// Two scopes never see each other's topics, documents or events, on any path.
#pragma once

#include <string>

namespace rt {

struct Scope {
  std::string application_id;
  std::string environment;  // development | staging | production

  bool operator==(const Scope&) const = default;
  // "app\x1f" "env" — a compact key for maps (\x1f never appears in ids or environments).
  std::string Key() const { return application_id + '\x1f' + environment; }
};

}  // namespace rt
