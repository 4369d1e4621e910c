// `realtime token --app ID --permissions a,b [--sub S] [--ttl 1h] [--topics p,q] [--env E]`:
// prints a JWT signed with the platform's active key (bootstrap for scripts and tests).
// Returns 0, 1 (database or signing failure) or 2 (usage error).
#pragma once

#include <string>
#include <vector>

#include "core/config.h"

namespace rt::app {

int RunToken(const Config& config, const std::vector<std::string>& args);

}  // namespace rt::app
