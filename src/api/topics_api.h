// /api/topics (spec/22-api-topics.md): the topic registry of the request's scope
// (X-Application-Id / X-Environment / token, see api/scope.h).
//
//   GET    /api/topics          list                       any authenticated caller*
//   POST   /api/topics          create -> 201              admin*
//   GET    /api/topics/:name    one topic                  any authenticated caller*
//   PATCH  /api/topics/:name    description/owner/activeSchemaVersion -> 200   admin*
//   DELETE /api/topics/:name    -> 200 {"deleted":true,"name":...}             admin*
// * in NODE_ENV=development an anonymous caller is also let through (the embedded quick start);
//   a present but invalid token is always 401.
//
// Declared here rather than in api/routes.h. The services and gate must outlive the router;
// the handlers block on the database (they run on the blocking pool).
#pragma once

#include "api/auth.h"
#include "net/router.h"
#include "registry/application_service.h"
#include "registry/topic_service.h"

namespace rt::api {

void RegisterTopicRoutes(net::Router& router, registry::TopicService& topics, registry::ApplicationService& apps,
                         const AuthGate& gate);

}  // namespace rt::api
