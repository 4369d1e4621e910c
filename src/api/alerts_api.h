// Routes of /api/alerts (docs/monitoring.md "Alerts"; spec/12 Alert Center): alert rules CRUD,
// the firing/resolved history with filters, acknowledgement. Platform-wide (not scoped to the
// caller's application): RBAC resource `metrics` (read; rules create/update/delete; ack = update).
// Thread safety: the handlers run on the blocking pool; the service must outlive the router.
#pragma once

#include "monitor/alert_service.h"
#include "net/router.h"

namespace rt::api {

void RegisterAlertRoutes(net::Router& router, monitor::AlertService& alerts);

}  // namespace rt::api
