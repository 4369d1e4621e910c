// Opens the platform database chosen by the configuration: PostgreSQL when DATABASE_URL (or
// POSTGRES_*) is set, otherwise SQLite at <REALTIME_DATA_DIR>/realtime.db (directory created).
// A PostgreSQL server that is down is not an error here: the pool connects lazily.
#pragma once

#include <memory>

#include "core/config.h"
#include "store/db.h"

namespace rt::app {

Result<std::unique_ptr<store::Db>> OpenPlatformDb(const Config& config);

// The database of the event traces (docs/debugger.md "Traces"). Embedded: a database of its own,
// <REALTIME_DATA_DIR>/traces.db, migrated here, with synchronous=NORMAL — traces are
// diagnostics, and their batch writes then neither queue with nor wait for the fsyncs of the
// platform's data (documents, queues). PostgreSQL: nullptr, use the platform database.
Result<std::unique_ptr<store::Db>> OpenTraceDb(const Config& config);

}  // namespace rt::app
