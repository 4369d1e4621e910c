// `realtime outbox install --app ID --env ENV`: creates the transactional outbox table
// (`event_outbox`) and its partial index in the application's CDC target database for that
// environment (config.cdc.<env>, or CDC_DATABASE_URL for the default application). Idempotent.
// Exit codes: 0 done, 1 the target refused or is unreachable, 2 usage or no target configured.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"

namespace rt::app {

int RunOutbox(const Config& config, const std::vector<std::string>& args);

}  // namespace rt::app
