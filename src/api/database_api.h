// Routes of /api/database (spec/15-api-database.md, docs/database.md): CDC mappings, their
// versions and promotion, database subscriptions, the captured-event log, and the reader status.
// Reads need `service`, writes `admin` (a mapping turns the application's row changes into
// events for the whole application); anonymous loopback callers pass in development.
// Thread safety: the handlers run on the blocking pool; the service and the reader_status
// callback must outlive the router (reader_status is called on pool threads).
#pragma once

#include <functional>

#include <boost/json/value.hpp>

#include "api/auth.h"
#include "cdc/mapping_service.h"
#include "net/router.h"
#include "registry/application_service.h"

namespace rt::api {

// reader_status answers GET /api/database/status (the CDC readers' state, a JSON value).
void RegisterDatabaseRoutes(net::Router& router, cdc::MappingService& mappings, registry::ApplicationService& apps,
                            const AuthGate& gate, std::function<boost::json::value()> reader_status);

}  // namespace rt::api
