// /api/services (spec/19-api-services.md): the sync service namespaces of the request's
// application (X-Application-Id / token, see api/scope.h; services are not per environment).
//
//   GET    /api/services        {"services":[…]}            any authenticated caller*
//   POST   /api/services        {name, description?} -> 201  admin*
//   GET    /api/services/:id    one service                  any authenticated caller*
//   PATCH  /api/services/:id    {name?, description?}        admin*
//   DELETE /api/services/:id    -> 204                       admin*
// * in NODE_ENV=development an anonymous caller is also let through, as for /api/topics; a
//   present but invalid token is always 401.
//
// The registry and gate must outlive the router; the handlers block on the database.
#pragma once

#include "api/auth.h"
#include "net/router.h"
#include "registry/application_service.h"
#include "registry/service_registry.h"

namespace rt::api {

void RegisterServiceRoutes(net::Router& router, registry::ServiceRegistry& services,
                           registry::ApplicationService& apps, const AuthGate& gate);

}  // namespace rt::api
