#include "app/platform_db.h"

#include <filesystem>

#include "store/migrator.h"
#include "store/pg_db.h"
#include "store/sqlite_db.h"

namespace rt::app {

Result<std::unique_ptr<store::Db>> OpenPlatformDb(const Config& config) {
  if (config.uses_postgres()) {
    store::PgOptions o;
    o.conninfo = config.database_url;
    o.pool_min = config.db_pool_min;
    o.pool_max = config.db_pool_max;
    return std::unique_ptr<store::Db>(std::make_unique<store::PgDb>(std::move(o)));
  }
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return Error::Unavailable("cannot create REALTIME_DATA_DIR " + config.data_dir + ": " + ec.message());
  auto db = store::SqliteDb::Open((std::filesystem::path(config.data_dir) / "realtime.db").string());
  if (!db.ok()) return db.take_error();
  return std::unique_ptr<store::Db>(std::move(*db));
}

Result<std::unique_ptr<store::Db>> OpenTraceDb(const Config& config) {
  if (config.uses_postgres()) return std::unique_ptr<store::Db>();
  auto db = store::SqliteDb::Open((std::filesystem::path(config.data_dir) / "traces.db").string(),
                                  store::SqliteOptions{.durable = false});
  if (!db.ok()) return db.take_error();
  auto migrated = store::Migrator(**db, store::TraceMigrations()).Latest();
  if (!migrated.ok()) return migrated.take_error();
  return std::unique_ptr<store::Db>(std::move(*db));
}

}  // namespace rt::app
