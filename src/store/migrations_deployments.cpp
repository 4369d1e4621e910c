// 0013_deployments: deployments of configuration between environments (docs/deployments.md).
// Same SQL for SQLite and PostgreSQL.
#include "store/migrator.h"

namespace rt::store {

// deployments: one per copy of chosen entities of an application from a source (an environment,
// or an imported config document: source_kind 'import') to a target environment. state is
// draft | executed | rolled_back | failed; report is the last change report (JSON, '' before
// the first); history the steps [{step, actor, actorKind, at}].
// deployment_items: the chosen entities in order. source_state is the entity as it will be
// written (canonical JSON, 'null' = absent: a delete), fixed by the report (or by the import);
// target_fingerprint the target's state at the report; previous the target's rows before the
// execution (what a rollback writes back); after_fingerprint the target's state after it.
// webhook_endpoints.origin_id: the endpoint this one was deployed from ('' = created here); an
// endpoint's identity across environments is origin_id, or its id when origin_id is ''.
Migration DeploymentsMigration() {
  return {
      "0013_deployments",
      R"sql(
CREATE TABLE deployments (
  id TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  source_kind TEXT NOT NULL,
  source_environment TEXT NOT NULL DEFAULT '',
  target_environment TEXT NOT NULL,
  state TEXT NOT NULL,
  failure_reason TEXT NOT NULL DEFAULT '',
  report TEXT NOT NULL DEFAULT '',
  history TEXT NOT NULL DEFAULT '[]',
  created_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX deployments_app_idx ON deployments (application_id, created_at);
CREATE TABLE deployment_items (
  deployment_id TEXT NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  source_state TEXT NOT NULL DEFAULT '',
  target_fingerprint TEXT NOT NULL DEFAULT '',
  previous TEXT NOT NULL DEFAULT '',
  after_fingerprint TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (deployment_id, position)
);
CREATE TABLE deployment_comments (
  id TEXT PRIMARY KEY,
  deployment_id TEXT NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  author TEXT NOT NULL,
  author_kind TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX deployment_comments_idx ON deployment_comments (deployment_id, created_at);
ALTER TABLE webhook_endpoints ADD COLUMN origin_id TEXT NOT NULL DEFAULT '';
)sql",
      "ALTER TABLE webhook_endpoints DROP COLUMN origin_id; DROP TABLE IF EXISTS deployment_comments; "
      "DROP TABLE IF EXISTS deployment_items; DROP TABLE IF EXISTS deployments;",
  };
}

}  // namespace rt::store
