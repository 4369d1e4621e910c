// The platform schema, oldest first. Never edit a migration that has shipped: add a new one.
// SQL keeps to what SQLite and PostgreSQL share; JSON is stored as TEXT, times as BIGINT ms.
#include "store/migrator.h"

namespace rt::store {

const std::vector<Migration>& PlatformMigrations() {
  static const std::vector<Migration> kMigrations = {
      {
          "0001_applications",
          R"sql(
CREATE TABLE applications (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  config TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX applications_name_idx ON applications (name);
)sql",
          "DROP TABLE IF EXISTS applications;",
      },
      {
          "0002_signing_keys",
          R"sql(
CREATE TABLE signing_keys (
  key_id TEXT PRIMARY KEY,
  algorithm TEXT NOT NULL DEFAULT 'HS256',
  secret TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  deactivated_at BIGINT
);
)sql",
          "DROP TABLE IF EXISTS signing_keys;",
      },
      {
          // Topic registry (spec/22-api-topics.md), scoped by (application, environment).
          // Deleting an application deletes its topics.
          "0003_topics",
          R"sql(
CREATE TABLE topics (
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  environment TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  owner TEXT NOT NULL,
  active_schema_version INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (application_id, environment, name)
);
)sql",
          "DROP TABLE IF EXISTS topics;",
      },
  };
  return kMigrations;
}

}  // namespace rt::store
