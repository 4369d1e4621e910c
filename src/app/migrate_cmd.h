// `realtime migrate latest|status|rollback` against the configured platform database.
// Prints what it did; returns 0, 1 (database failure) or 2 (unknown action).
#pragma once

#include <string>

#include "core/config.h"

namespace rt::app {

int RunMigrate(const Config& config, const std::string& action);

}  // namespace rt::app
