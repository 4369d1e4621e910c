// The admin-identity REST routes (spec/14 auth endpoints, spec/13 users, roles, invites; the
// audit log) over identity::IdentityService, and the glue that lets the AuthGate accept session
// tokens (SessionPrincipal) and record management writes (AuditWrite).
//
// Access (docs/security.md): login, setup, MFA verify, password reset and invite acceptance are
// public (throttled and single-use where it matters); /api/auth/me and logout need a session;
// users, roles, invites and the audit log need the users/roles/invites permission of a session's
// roles, or an admin JWT (admin = super_admin). Changing a password and managing MFA are open to
// every session for its own user (the service checks self, or users:update for others).
//
// Thread safety: handlers run on the blocking pool (bcrypt, database, SMTP). The service must
// outlive the router.
#pragma once

#include "api/auth.h"
#include "identity/identity_service.h"
#include "net/router.h"

namespace rt::api {

void RegisterIdentityRoutes(net::Router& router, identity::IdentityService& identity);

// The principal of a session: kind kSession, its roles' RBAC permissions plus the JWT names they
// imply ("admin" for a super_admin's full set, "publish" with events:create, "subscribe").
auth::Principal SessionPrincipal(const identity::SessionContext& session);

// The caller's address and user agent (sessions, audit).
identity::ClientInfo ClientOf(const net::HttpRequest& req);
// Who acts, from the request's principal (a session's user, a JWT's subject, or "anonymous").
identity::Actor ActorOf(const net::HttpRequest& req);

// Records a successful management write of a route that is not an identity route (whose service
// records its own): who, the route's RBAC resource and action, the path's id, the address.
// Data-plane writes (events, documents, socket) are not management and are not recorded.
void AuditWrite(identity::IdentityService& identity, const net::Route& route, const net::HttpRequest& req, int status);

}  // namespace rt::api
