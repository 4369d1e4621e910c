// POST /api/events: publish an event to a topic over REST (permission `publish`, topic allowed
// by the token's `topics` patterns) -> 202 {"id":"evt_…"}.
#pragma once

#include "api/auth.h"
#include "events/router.h"
#include "net/router.h"
#include "registry/application_service.h"

namespace rt::api {

void RegisterEventRoutes(net::Router& router, events::EventRouter& events, registry::ApplicationService& apps,
                         const AuthGate& gate);

}  // namespace rt::api
