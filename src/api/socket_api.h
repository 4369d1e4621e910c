// /api/socket: channels, members, connection count and REST broadcast (spec/20-api-socket.md).
// Application- and environment-scoped. Reads: any token, or anonymous in development.
// Broadcast: `service` (or admin), or anonymous in development.
#pragma once

#include "api/auth.h"
#include "events/router.h"
#include "gateway/channel_service.h"
#include "net/router.h"
#include "registry/application_service.h"

namespace rt::api {

void RegisterSocketRoutes(net::Router& router, gateway::ChannelService& channels, events::EventRouter& events,
                          registry::ApplicationService& apps, const AuthGate& gate);

}  // namespace rt::api
