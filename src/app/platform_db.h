// Opens the platform database chosen by the configuration: PostgreSQL when DATABASE_URL (or
// POSTGRES_*) is set, otherwise SQLite at <REALTIME_DATA_DIR>/realtime.db (directory created).
// A PostgreSQL server that is down is not an error here: the pool connects lazily.
#pragma once

#include <memory>

#include "core/config.h"
#include "store/db.h"

namespace rt::app {

Result<std::unique_ptr<store::Db>> OpenPlatformDb(const Config& config);

}  // namespace rt::app
