// DeploymentRepository: the tables of migration 0013_deployments (deployments, their items and
// comments; docs/deployments.md). Plain rows; the meaning of each column is in the migration
// (store/migrations_deployments.cpp) and the rules in deploy/deployment_service.h.
//
// Every method takes the DbSession of a transaction the caller opened (Db::Transaction), so that
// the deployment service can read the target's entities, write them and record the deployment
// in one transaction. Failure: the database's errors (kConflict for a duplicate id).
// Thread safety: free of state; a DbSession is used on its own thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace rt::store {

struct DeploymentRow {
  std::string id;  // dep_…
  std::string application_id;
  std::string name, description;
  std::string source_kind;  // environment | import
  std::string source_environment, target_environment;
  std::string state;  // draft | executed | rolled_back | failed
  std::string failure_reason;
  std::string report;         // JSON text, "" before the first report
  std::string history = "[]";  // JSON array of steps
  std::string created_by;
  int64_t created_at = 0, updated_at = 0;  // ms
};

struct DeploymentItemRow {
  int64_t position = 0;
  std::string entity_type, entity_id;
  std::string source_state;  // canonical JSON ("null": absent in the source); "" before the report
  std::string target_fingerprint, previous, after_fingerprint;
};

struct DeploymentCommentRow {
  std::string id;  // dcm_…
  std::string deployment_id;
  std::string author, author_kind;
  std::string body;
  int64_t created_at = 0;
};

struct DeploymentListFilter {
  std::string state;               // "" = any
  std::string target_environment;  // "" = any
  int64_t before = 0;              // created_at < before (0: no bound): the page cursor
  int limit = 50;
};

namespace deployments {

Status Insert(DbSession& s, const DeploymentRow& row, const std::vector<DeploymentItemRow>& items);
Result<std::optional<DeploymentRow>> Get(DbSession& s, const std::string& application_id, const std::string& id);
// Newest first.
Result<std::vector<DeploymentRow>> List(DbSession& s, const std::string& application_id,
                                        const DeploymentListFilter& filter);
Result<std::vector<DeploymentItemRow>> Items(DbSession& s, const std::string& id);
// Rewrites the deployment's mutable columns (state, failure_reason, report, history, updated_at)
// when its state is still expected_state; false when it is not (another request moved it).
Result<bool> Update(DbSession& s, const DeploymentRow& row, const std::string& expected_state);
Status UpdateItem(DbSession& s, const std::string& id, const DeploymentItemRow& item);
Result<bool> Delete(DbSession& s, const std::string& application_id, const std::string& id);

Status InsertComment(DbSession& s, const DeploymentCommentRow& row);
// Oldest first.
Result<std::vector<DeploymentCommentRow>> Comments(DbSession& s, const std::string& id);

}  // namespace deployments
}  // namespace rt::store
