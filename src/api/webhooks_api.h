// Routes of /api/webhooks (spec/23-api-webhooks.md) and GET /api/workers (worker heartbeats).
// Thread safety: the handlers run on the blocking pool; the services must outlive the router.
#pragma once

#include "api/auth.h"
#include "net/router.h"
#include "registry/application_service.h"
#include "store/worker_repository.h"
#include "webhooks/webhook_service.h"

namespace rt::api {

void RegisterWebhookRoutes(net::Router& router, webhooks::WebhookService& hooks, registry::ApplicationService& apps,
                           const AuthGate& gate);
void RegisterWorkerRoutes(net::Router& router, store::WorkerRepository& workers);

}  // namespace rt::api
