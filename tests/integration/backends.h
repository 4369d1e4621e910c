// Backend factories for the conformance suites: every suite runs once per backend.
// SQLite always runs (a fresh in-memory database per test). PostgreSQL runs when
// REALTIME_TEST_PG_URL is set; `make test` sets it. With REALTIME_REQUIRE_PG=1 (also set by
// `make test`) a missing URL fails instead of skipping, so CI cannot silently skip PostgreSQL.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "core/ids.h"
#include "store/migrator.h"
#include "store/pg_db.h"
#include "store/sqlite_db.h"

namespace rt::testing {

enum class Backend { kSqlite, kPostgres };

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

inline const char* PgUrl() {
  const char* url = std::getenv("REALTIME_TEST_PG_URL");
  return url && *url ? url : nullptr;
}

// Opens a backend with an empty schema. For PostgreSQL each test gets its own schema
// (search_path) so tests do not see each other's tables.
inline std::unique_ptr<store::Db> OpenBackend(Backend b) {
  if (b == Backend::kSqlite) {
    auto db = store::SqliteDb::Open(":memory:");
    EXPECT_TRUE(db.ok());
    return std::move(*db);
  }
  std::string schema = NewId("t");
  {
    store::PgDb admin({PgUrl(), 1, 1});
    auto r = admin.Exec("CREATE SCHEMA " + schema);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  }
  std::string url = PgUrl();
  url += (url.find('?') == std::string::npos ? "?" : "&");
  url += "options=-csearch_path%3D" + schema;
  return std::make_unique<store::PgDb>(store::PgOptions{url, 1, 4});
}

// OpenBackend, then every platform migration: nullptr (with the failure reported) if they fail.
inline std::unique_ptr<store::Db> OpenMigrated(Backend b) {
  auto db = OpenBackend(b);
  auto m = store::Migrator(*db).Latest();
  if (!m.ok()) {
    ADD_FAILURE() << "migrations failed: " << m.error().message;
    return nullptr;
  }
  return db;
}

// Broker backends: memory always; Redis when REALTIME_TEST_REDIS_URL is set (`make test` sets
// it). With REALTIME_REQUIRE_REDIS=1 a missing URL fails instead of skipping.
enum class BrokerBackend { kMemory, kRedis };

inline std::string BrokerBackendName(const ::testing::TestParamInfo<BrokerBackend>& info) {
  return info.param == BrokerBackend::kMemory ? "Memory" : "Redis";
}

inline const char* RedisUrl() {
  const char* url = std::getenv("REALTIME_TEST_REDIS_URL");
  return url && *url ? url : nullptr;
}

// Call at the start of each test: skips PostgreSQL when not configured (fails if required).
#define RT_REQUIRE_BACKEND(b)                                                       \
  do {                                                                              \
    if ((b) == ::rt::testing::Backend::kPostgres && !::rt::testing::PgUrl()) {      \
      if (std::getenv("REALTIME_REQUIRE_PG")) FAIL() << "REALTIME_TEST_PG_URL unset"; \
      GTEST_SKIP() << "REALTIME_TEST_PG_URL not set";                               \
    }                                                                               \
  } while (0)

// The same for broker backends: skips Redis when not configured (fails if required).
#define RT_REQUIRE_BROKER_BACKEND(b)                                                      \
  do {                                                                                    \
    if ((b) == ::rt::testing::BrokerBackend::kRedis && !::rt::testing::RedisUrl()) {      \
      if (std::getenv("REALTIME_REQUIRE_REDIS")) FAIL() << "REALTIME_TEST_REDIS_URL unset"; \
      GTEST_SKIP() << "REALTIME_TEST_REDIS_URL not set";                                  \
    }                                                                                     \
  } while (0)

}  // namespace rt::testing
