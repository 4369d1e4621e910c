// Route registration per API area. Each function adds its routes to the router; the services
// passed in must outlive the router.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "net/router.h"
#include "api/auth.h"
#include "auth/signing_keys.h"
#include "auth/token_service.h"
#include "registry/application_service.h"

namespace rt::api {

// A dependency reported by GET /ready ("database", "redis"). check blocks; it runs on the pool.
struct ReadinessCheck {
  std::string name;
  std::function<Status()> check;
  std::string backend;  // e.g. "sqlite", "postgresql"
};

void RegisterHealthRoutes(net::Router& router, std::vector<ReadinessCheck> checks);
void RegisterApplicationRoutes(net::Router& router, registry::ApplicationService& apps, const AuthGate& gate);
// /auth/token and /auth/verify (spec/14-api-auth-endpoints.md).
void RegisterTokenRoutes(net::Router& router, auth::TokenService& tokens, registry::ApplicationService& apps,
                         const AuthGate& gate);
// /api/admin/keys (spec/13-api-admin.md, Signing Keys). Admin only.
void RegisterKeyRoutes(net::Router& router, auth::SigningKeyService& keys, const AuthGate& gate);

}  // namespace rt::api
