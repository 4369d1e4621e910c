// Principal: who is calling, as established by authentication (api/auth.h).
// Anonymous callers are principals too (kind kAnonymous) so routes decide what they may do.
// A session principal is an admin user (identity/): `permissions` holds its roles' RBAC
// permissions ("topics:read", …) plus the JWT permission names they imply (api/identity_api.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/permissions.h"

namespace rt::auth {

struct Principal {
  enum class Kind { kAnonymous, kJwt, kSession };
  Kind kind = Kind::kAnonymous;
  std::string subject;
  std::string application_id;  // JWT aud
  std::optional<std::string> environment;
  std::vector<std::string> permissions;
  std::vector<std::string> topics;  // glob patterns; empty = unrestricted
  std::string key_id;
  std::string session_id;  // kSession: the session (logout, "keep this session" on a password change)
  int64_t expires_at_s = 0;

  bool authenticated() const { return kind != Kind::kAnonymous; }
  bool Has(std::string_view permission) const { return HasPermission(permissions, permission); }
  bool MayUseTopic(std::string_view topic) const { return TopicAllowed(topics, topic); }
};

}  // namespace rt::auth
