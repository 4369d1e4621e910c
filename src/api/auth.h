// AuthGate: REST authentication and permission guards.
//
// Credentials: `Authorization: Bearer <jwt>`, or an admin user's session token
// (`Authorization: Bearer sess_…` or `X-Session-Token: sess_…`, resolved by the SessionResolver
// the identity module installs; without one they are refused with 401). No credentials = an
// anonymous principal (routes decide). A present but invalid credential is always 401, never
// treated as anonymous.
//
// Guards: Require(perm) -> 401 when anonymous, 403 when the permission is missing.
// RequireManagement -> admin; in NODE_ENV=development an anonymous caller on a loopback address
// is also let through — until the instance is claimed (an admin user exists) — so the embedded
// quick start works without a token (documented in the README). Development's conveniences never
// reach a non-loopback peer: it is treated as in production (docs/security.md).
// Guard(route access, req): the dispatcher's check of a route's declared Access before the
// handler runs; it caches the principal in req.auth so handlers do not verify the token twice.
// A session principal is checked against the route's RBAC (resource, action) pair; a JWT against
// the route's permission (docs/security.md "JWT mapping").
//
// Thread safety: const methods, safe from any thread; they may block (key reload on unknown kid),
// except TryGuardInline, which never does.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "auth/principal.h"
#include "auth/token_service.h"
#include "net/http_message.h"
#include "net/router.h"

namespace rt::api {

// Resolves a session token to its user's principal (kind kSession); 401 when unknown/expired.
using SessionResolver = std::function<Result<auth::Principal>(const std::string& token)>;
// Whether an admin user exists (the instance is claimed).
using ClaimedCheck = std::function<Result<bool>()>;

class AuthGate {
 public:
  AuthGate(auth::TokenService& tokens, bool development) : tokens_(tokens), development_(development) {}

  // Set during start-up, before requests arrive.
  void SetSessionResolver(SessionResolver resolver) { sessions_ = std::move(resolver); }
  void SetClaimedCheck(ClaimedCheck check) { claimed_check_ = std::move(check); }

  bool development() const { return development_; }
  // Anonymous subscribe/publish tokens for this request? Only in development, for a loopback peer
  // that is not a proxy relaying someone else (X-Forwarded-For / Forwarded).
  bool AnonymousTokensAllowed(const net::HttpRequest& req) const {
    return development_ && req.FromLoopback() && !req.Header("x-forwarded-for") && !req.Header("forwarded");
  }
  // Anonymous management (development's quick start): as above, and only while nobody has
  // claimed the instance (no admin user exists; asked of the database until one does).
  bool AnonymousAllowed(const net::HttpRequest& req) const { return AnonymousTokensAllowed(req) && !Claimed(); }
  Result<auth::Principal> Authenticate(const net::HttpRequest& req) const;
  // 401 (no or invalid credentials where the route needs them) or 403 (missing permission).
  Status Guard(const net::Access& access, net::HttpRequest& req) const;
  // Guard without blocking, for answers given on the I/O thread: true when a bearer JWT (known
  // signing key, no reload) passes the route's access; the principal is then cached in req.auth.
  // False for everything else — anonymous callers, session tokens, refused or unverifiable
  // credentials — which the blocking Guard decides (and words the error of).
  bool TryGuardInline(const net::Access& access, net::HttpRequest& req) const;
  Result<auth::Principal> Require(const net::HttpRequest& req, std::string_view permission) const;
  Result<auth::Principal> RequireManagement(const net::HttpRequest& req) const;

 private:
  bool Claimed() const;

  auth::TokenService& tokens_;
  const bool development_;
  SessionResolver sessions_;
  ClaimedCheck claimed_check_;
  mutable std::atomic<bool> claimed_{false};
};

// "public", "token" (any valid token), "session" (an admin user's session) or the permission a
// route needs ("admin", "service", ...).
std::string DescribeAccess(const net::Access& access);

// 401 if anonymous, 403 if the principal lacks the permission.
Status RequirePermission(const auth::Principal& principal, std::string_view permission);

}  // namespace rt::api
