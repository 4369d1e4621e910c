// DeploymentService: deployments of an application's configuration between its environments,
// the environment grid, batch promotion and config export/import (docs/deployments.md).
//
// A deployment copies chosen entities (deploy/entities.h: topics, schemas, mappings, webhooks)
// from a source environment — or from an imported config document — to a target environment:
//   draft --report--> draft (with a change report) --execute--> executed --rollback--> rolled_back
//   execute failing for another reason than a conflict --> failed (with the reason)
// - Report reads the source (fixing what will be written) and the target, and stores the change
//   report (deploy/report.h) with each target's fingerprint.
// - Execute writes every item in ONE platform-database transaction, after checking that no
//   target entity changed since the report (else ConflictError, nothing written) and that the
//   report has no blockers (ConflictError with the report in details). It records the target's
//   rows before the write (what a rollback restores) and its fingerprints after. Without a
//   report it reports first. Webhooks created without a re-entered secret get a generated one,
//   returned once in the answer's `secrets`.
// - Rollback restores the recorded rows in one transaction, refused (ConflictError) when any
//   target entity changed since the execution.
// - Every step (created, reported, executed, failed, rolled_back) is recorded in `history` with
//   its actor and time; execute and rollback also write an audit_log row in their transaction.
// After a committed execute or rollback `on_change` runs (the cluster-wide reload of topic
// catalog, schema gate, webhook endpoints and CDC mappings, app/config_reload.h) and its answer
// is returned as `propagation`.
//
// Ownership / lifetime: references the Db and secret box, which must outlive it.
// Thread safety: every method may be called from any thread and blocks on the database (blocking
// pool only). Failure: ValidationError (400), NotFoundError (404, also another application's
// deployment), ConflictError (409), UnavailableError (database down).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <optional>
#include <string>

#include "core/scope.h"
#include "deploy/entities.h"
#include "store/db.h"
#include "store/deployment_repository.h"
#include "webhooks/endpoint.h"

namespace rt::deploy {

struct Actor {
  std::string id;    // user id or token subject ("" anonymous)
  std::string kind;  // user | token | anonymous
  std::string ip;    // the caller's address (audit log)
};

struct ImportOptions {
  bool dry_run = true;
  bool prune = true;  // entities of the target that the document lacks are deleted
};

class DeploymentService {
 public:
  static constexpr size_t kMaxItems = 1000;

  DeploymentService(store::Db& db, const webhooks::SecretBox* box, webhooks::UrlRules url_rules)
      : db_(db), box_(box), url_rules_(url_rules) {}

  // Runs after each committed execute/rollback; returns what to report as `propagation`.
  void SetOnChange(std::function<boost::json::object()> on_change) { on_change_ = std::move(on_change); }

  // body: {sourceEnvironment, targetEnvironment, items: [{type, id}], name?, description?}
  Result<boost::json::object> Create(const std::string& app, const Actor& actor, const boost::json::value& body);
  Result<boost::json::array> List(const std::string& app, const store::DeploymentListFilter& filter);
  Result<boost::json::object> Get(const std::string& app, const std::string& id);
  Status Delete(const std::string& app, const std::string& id);  // drafts only (409 otherwise)
  // The change report (also stored on the deployment).
  Result<boost::json::object> Report(const std::string& app, const std::string& id, const Actor& actor);
  // body: {secrets?: {<webhook key>: <secret>}}
  Result<boost::json::object> Execute(const std::string& app, const std::string& id, const Actor& actor,
                                      const boost::json::value& body);
  Result<boost::json::object> Rollback(const std::string& app, const std::string& id, const Actor& actor);
  Result<boost::json::array> Comments(const std::string& app, const std::string& id);
  Result<boost::json::object> AddComment(const std::string& app, const std::string& id, const Actor& actor,
                                         const boost::json::value& body);

  // config_document.cpp: the grid, promotion, export and import.
  Result<boost::json::object> Grid(const std::string& app, std::optional<EntityType> type);
  // body: {type, ids, from?, to, secrets?}: a deployment created, reported and executed.
  Result<boost::json::object> Promote(const std::string& app, const Actor& actor, const boost::json::value& body);
  Result<boost::json::object> Export(const Scope& scope);
  // {deployment, report}; executed unless options.dry_run.
  Result<boost::json::object> Import(const Scope& scope, const Actor& actor, const boost::json::value& document,
                                     const ImportOptions& options);

 private:
  struct NewItem {
    EntityType type;
    std::string key;
    std::optional<boost::json::value> source;  // set for imports (the document's entity; null = delete)
  };
  Result<boost::json::object> Insert(const std::string& app, const Actor& actor, std::string name,
                                     std::string description, std::string source_kind, std::string source_env,
                                     std::string target_env, const std::vector<NewItem>& items);
  Result<boost::json::object> Load(store::DbSession& s, const std::string& app, const std::string& id);
  Status MarkFailed(const std::string& app, const std::string& id, const Actor& actor, const std::string& reason);

  store::Db& db_;
  const webhooks::SecretBox* box_;
  const webhooks::UrlRules url_rules_;
  std::function<boost::json::object()> on_change_;
};

// Helpers shared by the service's files (deployment_json.cpp).
namespace detail {
Error NotFound(const std::string& deployment_id);
boost::json::object Step(std::string step, const Actor& actor, int64_t at);
boost::json::object DeploymentToJson(const store::DeploymentRow& row, const std::vector<store::DeploymentItemRow>& items);
boost::json::object CommentToJson(const store::DeploymentCommentRow& c);
// Appends a step to a row's history text.
void AddStep(store::DeploymentRow& row, std::string step, const Actor& actor, int64_t at);
}  // namespace detail

}  // namespace rt::deploy
