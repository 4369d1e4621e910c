#include "store/deployment_repository.h"

namespace rt::store::deployments {
namespace {

constexpr const char* kColumns =
    "id, application_id, name, description, source_kind, source_environment, target_environment, state, "
    "failure_reason, report, history, created_by, created_at, updated_at";

DeploymentRow FromRow(const std::vector<DbValue>& r) {
  DeploymentRow d;
  d.id = AsString(r[0]);
  d.application_id = AsString(r[1]);
  d.name = AsString(r[2]);
  d.description = AsString(r[3]);
  d.source_kind = AsString(r[4]);
  d.source_environment = AsString(r[5]);
  d.target_environment = AsString(r[6]);
  d.state = AsString(r[7]);
  d.failure_reason = AsString(r[8]);
  d.report = AsString(r[9]);
  d.history = AsString(r[10]);
  d.created_by = AsString(r[11]);
  d.created_at = AsInt(r[12]);
  d.updated_at = AsInt(r[13]);
  return d;
}

}  // namespace

Status Insert(DbSession& s, const DeploymentRow& d, const std::vector<DeploymentItemRow>& items) {
  RT_TRY(s.Exec(std::string("INSERT INTO deployments (") + kColumns +
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                {d.id, d.application_id, d.name, d.description, d.source_kind, d.source_environment,
                 d.target_environment, d.state, d.failure_reason, d.report, d.history, d.created_by, d.created_at,
                 d.updated_at}));
  for (const auto& it : items) {
    RT_TRY(s.Exec("INSERT INTO deployment_items (deployment_id, position, entity_type, entity_id, source_state, "
                  "target_fingerprint, previous, after_fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                  {d.id, it.position, it.entity_type, it.entity_id, it.source_state, it.target_fingerprint,
                   it.previous, it.after_fingerprint}));
  }
  return Ok();
}

Result<std::optional<DeploymentRow>> Get(DbSession& s, const std::string& application_id, const std::string& id) {
  auto r = s.Exec(std::string("SELECT ") + kColumns + " FROM deployments WHERE application_id = $1 AND id = $2",
                  {application_id, id});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return std::optional<DeploymentRow>();
  return std::optional<DeploymentRow>(FromRow(r->rows[0]));
}

Result<std::vector<DeploymentRow>> List(DbSession& s, const std::string& application_id,
                                        const DeploymentListFilter& f) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM deployments WHERE application_id = $1";
  DbParams params{application_id};
  if (!f.state.empty()) {
    params.emplace_back(f.state);
    sql += " AND state = $" + std::to_string(params.size());
  }
  if (!f.target_environment.empty()) {
    params.emplace_back(f.target_environment);
    sql += " AND target_environment = $" + std::to_string(params.size());
  }
  if (f.before > 0) {
    params.emplace_back(f.before);
    sql += " AND created_at < $" + std::to_string(params.size());
  }
  params.emplace_back(int64_t{f.limit});
  sql += " ORDER BY created_at DESC, id DESC LIMIT $" + std::to_string(params.size());
  return MapRows(s.Exec(sql, params), FromRow);
}

Result<std::vector<DeploymentItemRow>> Items(DbSession& s, const std::string& id) {
  return MapRows(s.Exec("SELECT position, entity_type, entity_id, source_state, target_fingerprint, previous, "
                        "after_fingerprint FROM deployment_items WHERE deployment_id = $1 ORDER BY position",
                        {id}),
                 [](const std::vector<DbValue>& r) {
                   DeploymentItemRow it;
                   it.position = AsInt(r[0]);
                   it.entity_type = AsString(r[1]);
                   it.entity_id = AsString(r[2]);
                   it.source_state = AsString(r[3]);
                   it.target_fingerprint = AsString(r[4]);
                   it.previous = AsString(r[5]);
                   it.after_fingerprint = AsString(r[6]);
                   return it;
                 });
}

Result<bool> Update(DbSession& s, const DeploymentRow& d, const std::string& expected_state) {
  auto r = s.Exec(
      "UPDATE deployments SET state = $3, failure_reason = $4, report = $5, history = $6, updated_at = $7 "
      "WHERE application_id = $1 AND id = $2 AND state = $8",
      {d.application_id, d.id, d.state, d.failure_reason, d.report, d.history, d.updated_at, expected_state});
  if (!r.ok()) return r.take_error();
  return r->affected_rows > 0;
}

Status UpdateItem(DbSession& s, const std::string& id, const DeploymentItemRow& it) {
  RT_TRY(s.Exec("UPDATE deployment_items SET source_state = $3, target_fingerprint = $4, previous = $5, "
                "after_fingerprint = $6 WHERE deployment_id = $1 AND position = $2",
                {id, it.position, it.source_state, it.target_fingerprint, it.previous, it.after_fingerprint}));
  return Ok();
}

Result<bool> Delete(DbSession& s, const std::string& application_id, const std::string& id) {
  auto r = s.Exec("DELETE FROM deployments WHERE application_id = $1 AND id = $2", {application_id, id});
  if (!r.ok()) return r.take_error();
  return r->affected_rows > 0;
}

Status InsertComment(DbSession& s, const DeploymentCommentRow& c) {
  RT_TRY(s.Exec("INSERT INTO deployment_comments (id, deployment_id, author, author_kind, body, created_at) "
                "VALUES ($1, $2, $3, $4, $5, $6)",
                {c.id, c.deployment_id, c.author, c.author_kind, c.body, c.created_at}));
  return Ok();
}

Result<std::vector<DeploymentCommentRow>> Comments(DbSession& s, const std::string& id) {
  return MapRows(s.Exec("SELECT id, deployment_id, author, author_kind, body, created_at FROM deployment_comments "
                        "WHERE deployment_id = $1 ORDER BY created_at, id",
                        {id}),
                 [](const std::vector<DbValue>& r) {
                   DeploymentCommentRow c;
                   c.id = AsString(r[0]);
                   c.deployment_id = AsString(r[1]);
                   c.author = AsString(r[2]);
                   c.author_kind = AsString(r[3]);
                   c.body = AsString(r[4]);
                   c.created_at = AsInt(r[5]);
                   return c;
                 });
}

}  // namespace rt::store::deployments
