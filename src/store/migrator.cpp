#include "store/migrator.h"

#include <algorithm>
#include <set>

#include "core/ids.h"

namespace rt::store {
namespace {

const std::string& UpSql(const Migration& m, Dialect d) {
  return d == Dialect::kPostgres && !m.up_postgres.empty() ? m.up_postgres : m.up_sqlite;
}
const std::string& DownSql(const Migration& m, Dialect d) {
  return d == Dialect::kPostgres && !m.down_postgres.empty() ? m.down_postgres : m.down_sqlite;
}

}  // namespace

Status Migrator::EnsureTable(DbSession& s) {
  const char* id_col = db_.dialect() == Dialect::kPostgres ? "id BIGSERIAL PRIMARY KEY"
                                                           : "id INTEGER PRIMARY KEY AUTOINCREMENT";
  return s.ExecScript(std::string("CREATE TABLE IF NOT EXISTS knex_migrations (") + id_col +
                      ", name TEXT NOT NULL UNIQUE, batch INTEGER NOT NULL, migration_time BIGINT NOT NULL)");
}

Status Migrator::Lock(DbSession& s) {
  if (db_.dialect() != Dialect::kPostgres) return Ok();  // BEGIN IMMEDIATE already serializes
  auto r = s.Exec("SELECT pg_advisory_xact_lock(7300113)");
  if (!r.ok()) return r.take_error();
  return Ok();
}

Result<std::vector<std::string>> Migrator::Latest() {
  std::vector<std::string> applied_now;
  Status st = db_.Transaction([&](DbSession& s) -> Status {
    RT_TRY(Lock(s));
    RT_TRY(EnsureTable(s));
    auto rows = s.Exec("SELECT name, batch FROM knex_migrations");
    if (!rows.ok()) return rows.take_error();
    std::set<std::string> done;
    int64_t batch = 0;
    for (auto& row : rows->rows) {
      done.insert(AsString(row[0]));
      batch = std::max(batch, AsInt(row[1]));
    }
    ++batch;
    for (const Migration& m : migrations_) {
      if (done.count(m.name)) continue;
      auto up = s.ExecScript(UpSql(m, db_.dialect()));
      if (!up.ok()) return Error::Internal("migration " + m.name + " failed: " + up.error().message);
      auto ins = s.Exec("INSERT INTO knex_migrations (name, batch, migration_time) VALUES ($1, $2, $3)",
                        {m.name, batch, NowMs()});
      if (!ins.ok()) return ins.take_error();
      applied_now.push_back(m.name);
    }
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  return applied_now;
}

Result<std::vector<std::string>> Migrator::Rollback() {
  std::vector<std::string> reverted;
  Status st = db_.Transaction([&](DbSession& s) -> Status {
    RT_TRY(Lock(s));
    RT_TRY(EnsureTable(s));
    auto rows = s.Exec(
        "SELECT name FROM knex_migrations WHERE batch = (SELECT MAX(batch) FROM knex_migrations) ORDER BY id DESC");
    if (!rows.ok()) return rows.take_error();
    for (auto& row : rows->rows) {
      std::string name = AsString(row[0]);
      auto it = std::find_if(migrations_.begin(), migrations_.end(), [&](const Migration& m) { return m.name == name; });
      if (it == migrations_.end()) return Error::Internal("cannot roll back unknown migration " + name);
      auto down = s.ExecScript(DownSql(*it, db_.dialect()));
      if (!down.ok()) return Error::Internal("rollback of " + name + " failed: " + down.error().message);
      auto del = s.Exec("DELETE FROM knex_migrations WHERE name = $1", {name});
      if (!del.ok()) return del.take_error();
      reverted.push_back(name);
    }
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  return reverted;
}

Result<std::vector<MigrationState>> Migrator::States() {
  std::vector<MigrationState> out;
  Status st = db_.Transaction([&](DbSession& s) -> Status {
    RT_TRY(EnsureTable(s));
    auto rows = s.Exec("SELECT name, batch, migration_time FROM knex_migrations");
    if (!rows.ok()) return rows.take_error();
    for (const Migration& m : migrations_) {
      MigrationState ms{m.name};
      for (auto& row : rows->rows) {
        if (AsString(row[0]) == m.name) ms = {m.name, true, AsInt(row[1]), AsInt(row[2])};
      }
      out.push_back(ms);
    }
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  return out;
}

}  // namespace rt::store
