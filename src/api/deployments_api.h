// /api/deployments, /api/environments and /api/config (docs/deployments.md): deployments of an
// application's configuration between environments, the environment grid, batch promotion and
// config export/import, over deploy::DeploymentService.
//
// Deployments are application-scoped and cross-environment (spec/09): the application comes from
// the request (X-Application-Id or the token), environments from the body or query. Reads need
// deployments:read (JWT: service), writes deployments:create (JWT: admin); executing or rolling
// back into production — also through promote and import — needs deployments:update, and a token
// limited to one environment may only touch that environment (403).
//
// Thread safety / lifetime: the handlers run on the blocking pool; the service must outlive the
// router.
#pragma once

#include "api/auth.h"
#include "deploy/deployment_service.h"
#include "net/router.h"
#include "registry/application_service.h"

namespace rt::api {

void RegisterDeploymentRoutes(net::Router& router, deploy::DeploymentService& deployments,
                              registry::ApplicationService& apps, const AuthGate& gate);

}  // namespace rt::api
