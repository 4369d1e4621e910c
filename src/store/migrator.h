// Migrator: applies the platform schema (store/migrations.cpp) in order, recording each applied
// migration in `knex_migrations` (name, batch, migration_time) as the spec's Knex runner does.
// `Latest` applies every pending migration as one batch inside one transaction (all or none);
// `Rollback` reverts the last batch with each migration's down step, newest first.
//
// Concurrent instances: PostgreSQL serializes runners with an advisory transaction lock, SQLite
// with BEGIN IMMEDIATE, so two processes starting together never apply a migration twice.
//
// Thread safety: call from one thread at a time (start-up or the CLI). Blocks on the Db.
#pragma once

#include <string>
#include <vector>

#include "store/db.h"

namespace rt::store {

struct Migration {
  std::string name;  // sortable, e.g. 0001_applications
  std::string up_sqlite, down_sqlite;
  std::string up_postgres, down_postgres;  // empty: same as the SQLite text
};

// The platform's migrations in order.
const std::vector<Migration>& PlatformMigrations();
// The event traces' tables alone (0011_traces, 0012_trace_decisions), for the embedded
// deployment's separate traces database (app/platform_db.h OpenTraceDb).
const std::vector<Migration>& TraceMigrations();

struct MigrationState {
  std::string name;
  bool applied = false;
  int64_t batch = 0;
  int64_t applied_at_ms = 0;
};

class Migrator {
 public:
  explicit Migrator(Db& db, const std::vector<Migration>& migrations = PlatformMigrations())
      : db_(db), migrations_(migrations) {}

  // Applies pending migrations; returns the names applied (empty when up to date).
  Result<std::vector<std::string>> Latest();
  // Reverts the most recent batch; returns the names reverted (empty when nothing applied).
  Result<std::vector<std::string>> Rollback();
  // Every known migration with whether (and when) it is applied.
  Result<std::vector<MigrationState>> States();

 private:
  Status EnsureTable(DbSession& s);
  Status Lock(DbSession& s);

  Db& db_;
  const std::vector<Migration>& migrations_;
};

}  // namespace rt::store
