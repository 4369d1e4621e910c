// /api/schemas (spec/18-api-schemas.md): the schema registry of the request's scope
// (X-Application-Id / X-Environment / token, see api/scope.h).
//
//   GET  /api/schemas/:topic/versions             every version, oldest first     any token*
//   GET  /api/schemas/:topic/versions/:version    one version                     any token*
//   GET  /api/schemas/:topic/latest               the newest version              any token*
//   POST /api/schemas/:topic                      register -> 201                 admin*
//   POST /api/schemas/:topic/validate             {"valid":true} | {"valid":false,"errors":[...]}  any token*
// * in NODE_ENV=development an anonymous loopback caller is also let through.
// Unknown topic -> 404; invalid schema -> 400 naming what is wrong; incompatible -> 400 with
// details [{path, rule, message}] (registry/schema_service.h).
//
// The services and gate must outlive the router; the handlers block on the database (they run
// on the blocking pool).
#pragma once

#include "api/auth.h"
#include "net/router.h"
#include "registry/application_service.h"
#include "registry/schema_service.h"

namespace rt::api {

void RegisterSchemaRoutes(net::Router& router, registry::SchemaService& schemas, registry::ApplicationService& apps,
                          const AuthGate& gate);

}  // namespace rt::api
