// `realtime serve`: the composition root. Chooses backends from the configuration, migrates,
// wires services and routes, serves until SIGINT/SIGTERM, then shuts down gracefully.
// Returns the process exit code (0 after a clean shutdown).
#pragma once

#include "core/config.h"

namespace rt::app {

int RunServe(const Config& config);
// `realtime worker`: the background workers without HTTP — webhook deliveries and, with
// REDIS_URL, the CDC readers and outbox (their events reach the servers' clients through Redis).
int RunWorker(const Config& config);

}  // namespace rt::app
