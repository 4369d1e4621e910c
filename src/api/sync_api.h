// /api/sync/:service/documents (spec/21-api-sync.md): sync documents of the request's scope
// (application and environment, see api/scope.h).
//
//   POST   /api/sync/:service/documents                {id?, data, expiresAt?} -> 201
//   GET    /api/sync/:service/documents?limit=&cursor= {"documents":[…],"nextCursor":"…"|null}
//   GET    /api/sync/:service/documents/:id            the document
//   PUT    /api/sync/:service/documents/:id            {data, expectedRevision?, expiresAt?}
//   PATCH  /api/sync/:service/documents/:id/merge      {data, expectedRevision?}
//   POST   /api/sync/:service/documents/:id/mutate     {mutations, expectedRevision?}
//   DELETE /api/sync/:service/documents/:id            {expectedRevision?} -> 200, the tombstone
// Writes accept `If-Match: <revision>` instead of expectedRevision; every document response
// carries `ETag: "<revision>"`, and a create its Location.
//
// Permissions (spec/29-sdk-authentication.md's roles): reading needs `client` (service and
// admin include it); writing needs `service` (or admin). In NODE_ENV=development an anonymous
// caller may do both, as with /api/topics; a present but invalid token is always 401.
//
// The service, registry and gate must outlive the router; the handlers block.
#pragma once

#include "api/auth.h"
#include "net/router.h"
#include "registry/application_service.h"
#include "sync/document_service.h"

namespace rt::api {

void RegisterSyncRoutes(net::Router& router, sync::DocumentService& documents, registry::ApplicationService& apps,
                        const AuthGate& gate);

}  // namespace rt::api
