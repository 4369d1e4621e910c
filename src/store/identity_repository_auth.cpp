// Sessions, invites, password resets and the audit log of IdentityRepository.
#include <algorithm>

#include "store/identity_repository.h"

namespace rt::store {
namespace {

constexpr int kDefaultAuditLimit = 100;
constexpr int kMaxAuditLimit = 1000;

constexpr const char* kSessionColumns =
    "id, token_hash, user_id, kind, created_at, expires_at, last_seen_at, ip, user_agent";
constexpr const char* kInviteColumns =
    "id, email, role_id, token_hash, status, invited_by, created_at, expires_at, accepted_at, updated_at";
constexpr const char* kAuditColumns = "id, at, actor, actor_kind, action, resource, resource_id, ip, detail";

SessionRow SessionFromRow(const std::vector<DbValue>& row) {
  return {AsString(row[0]), AsString(row[1]), AsString(row[2]), AsString(row[3]), AsInt(row[4]),
          AsInt(row[5]),    AsInt(row[6]),    AsString(row[7]), AsString(row[8])};
}

InviteRow InviteFromRow(const std::vector<DbValue>& row) {
  return {AsString(row[0]), AsString(row[1]), AsString(row[2]), AsString(row[3]), AsString(row[4]),
          AsString(row[5]), AsInt(row[6]),    AsInt(row[7]),    AsInt(row[8]),    AsInt(row[9])};
}

AuditEntry AuditFromRow(const std::vector<DbValue>& row) {
  return {AsString(row[0]), AsInt(row[1]),    AsString(row[2]), AsString(row[3]), AsString(row[4]),
          AsString(row[5]), AsString(row[6]), AsString(row[7]), AsString(row[8])};
}

template <typename Row, typename FromRow>
Result<std::optional<Row>> First(Result<DbResult> r, FromRow from_row) {
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return std::optional<Row>();
  return std::optional<Row>(from_row(r->rows[0]));
}

Result<bool> AnyAffected(Result<DbResult> r) {
  if (!r.ok()) return r.take_error();
  return r->affected_rows > 0;
}

}  // namespace

// ---- sessions ----

Status IdentityRepository::InsertSession(const SessionRow& s) {
  auto r = db_.Exec(std::string("INSERT INTO sessions (") + kSessionColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    {s.id, s.token_hash, s.user_id, s.kind, s.created_at, s.expires_at, s.last_seen_at, s.ip,
                     s.user_agent});
  if (!r.ok()) return r.error().code == ErrorCode::kValidation ? Error::NotFound("User not found") : r.take_error();
  return Ok();
}

Result<std::optional<SessionRow>> IdentityRepository::FindSession(const std::string& token_hash,
                                                                  const std::string& kind, int64_t now) {
  return First<SessionRow>(
      db_.Exec(std::string("SELECT ") + kSessionColumns +
                   " FROM sessions WHERE token_hash = $1 AND kind = $2 AND expires_at > $3",
               {token_hash, kind, now}),
      SessionFromRow);
}

Status IdentityRepository::TouchSession(const std::string& id, int64_t last_seen_at, int64_t expires_at) {
  auto r = db_.Exec("UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1", {id, last_seen_at, expires_at});
  if (!r.ok()) return r.take_error();
  return Ok();
}

Result<bool> IdentityRepository::DeleteSession(const std::string& id) {
  return AnyAffected(db_.Exec("DELETE FROM sessions WHERE id = $1", {id}));
}

Result<int64_t> IdentityRepository::DeleteUserSessions(const std::string& user_id, const std::string& except_id) {
  auto r = db_.Exec("DELETE FROM sessions WHERE user_id = $1 AND id <> $2", {user_id, except_id});
  if (!r.ok()) return r.take_error();
  return r->affected_rows;
}

Result<int64_t> IdentityRepository::PruneExpired(int64_t now) {
  int64_t total = 0;
  Status st = db_.Transaction([&](DbSession& s) -> Status {
    auto a = s.Exec("DELETE FROM sessions WHERE expires_at <= $1", {now});
    if (!a.ok()) return a.take_error();
    auto b = s.Exec("DELETE FROM password_resets WHERE expires_at <= $1", {now});
    if (!b.ok()) return b.take_error();
    total = a->affected_rows + b->affected_rows;
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  return total;
}

// ---- invites ----

Status IdentityRepository::InsertInvite(const InviteRow& i) {
  auto r = db_.Exec(std::string("INSERT INTO invites (") + kInviteColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    {i.id, i.email, i.role_id, i.token_hash, i.status, i.invited_by, i.created_at, i.expires_at,
                     i.accepted_at ? DbValue(i.accepted_at) : DbValue(), i.updated_at});
  if (!r.ok()) return r.take_error();
  return Ok();
}

Result<std::vector<InviteRow>> IdentityRepository::ListInvites() {
  return MapRows(db_.Exec(std::string("SELECT ") + kInviteColumns + " FROM invites ORDER BY created_at DESC, id DESC"),
                 InviteFromRow);
}

Result<std::optional<InviteRow>> IdentityRepository::GetInvite(const std::string& id) {
  return First<InviteRow>(db_.Exec(std::string("SELECT ") + kInviteColumns + " FROM invites WHERE id = $1", {id}),
                          InviteFromRow);
}

Result<std::optional<InviteRow>> IdentityRepository::FindInviteByTokenHash(const std::string& token_hash) {
  return First<InviteRow>(
      db_.Exec(std::string("SELECT ") + kInviteColumns + " FROM invites WHERE token_hash = $1", {token_hash}),
      InviteFromRow);
}

Result<bool> IdentityRepository::RevokeInvite(const std::string& id, int64_t now) {
  return AnyAffected(db_.Exec(
      "UPDATE invites SET status = 'revoked', updated_at = $2 WHERE id = $1 AND status = 'pending'", {id, now}));
}

Result<bool> IdentityRepository::DeleteInvite(const std::string& id) {
  return AnyAffected(db_.Exec("DELETE FROM invites WHERE id = $1", {id}));
}

Status IdentityRepository::AcceptInvite(const std::string& token_hash, const UserRow& user) {
  return db_.Transaction([&](DbSession& s) -> Status {
    // The row lock of the UPDATE serializes two accepts of one invite (PostgreSQL); SQLite
    // serializes whole transactions.
    auto r = s.Exec(
        "UPDATE invites SET status = 'accepted', accepted_at = $2, updated_at = $2 "
        "WHERE token_hash = $1 AND status = 'pending' AND expires_at > $2",
        {token_hash, user.created_at});
    if (!r.ok()) return r.take_error();
    if (r->affected_rows == 0) return Error::NotFound("Invite not found or no longer valid");
    auto ins = s.Exec(std::string("INSERT INTO users (id, name, email, email_key, password_hash, disabled, "
                                  "mfa_enabled, totp_secret, totp_last_step, created_at, updated_at) "
                                  "VALUES ($1, $2, $3, $4, $5, 0, 0, '', -1, $6, $6)"),
                      {user.id, user.name, user.email, EmailKey(user.email), user.password_hash, user.created_at});
    if (!ins.ok()) {
      return ins.error().code == ErrorCode::kConflict ? Error::Conflict("A user with this email already exists")
                                                      : ins.take_error();
    }
    for (const auto& role : user.role_ids) {
      RT_TRY(s.Exec("INSERT INTO user_roles (user_id, role_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    {user.id, role, user.created_at}));
    }
    return Ok();
  });
}

// ---- password resets ----

Status IdentityRepository::InsertReset(const std::string& token_hash, const std::string& user_id, int64_t now,
                                       int64_t expires_at) {
  auto r = db_.Exec("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                    {token_hash, user_id, now, expires_at});
  if (!r.ok()) return r.error().code == ErrorCode::kValidation ? Error::NotFound("User not found") : r.take_error();
  return Ok();
}

Result<std::string> IdentityRepository::ConsumeReset(const std::string& token_hash, const std::string& new_hash,
                                                     int64_t now) {
  std::string user_id;
  Status st = db_.Transaction([&](DbSession& s) -> Status {
    auto r = s.Exec(
        "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 "
        "RETURNING user_id",
        {token_hash, now});
    if (!r.ok()) return r.take_error();
    if (r->rows.empty()) return Error::NotFound("Reset token is invalid or expired");
    user_id = AsString(r->rows[0][0]);
    auto u = s.Exec("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1", {user_id, new_hash, now});
    if (!u.ok()) return u.take_error();
    if (u->affected_rows == 0) return Error::NotFound("Reset token is invalid or expired");
    RT_TRY(s.Exec("DELETE FROM sessions WHERE user_id = $1", {user_id}));
    // Any other outstanding reset link of this user dies with this one.
    RT_TRY(s.Exec("UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL", {user_id, now}));
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  return user_id;
}

// ---- audit log ----

Status IdentityRepository::InsertAudit(const AuditEntry& e) {
  auto r = db_.Exec(std::string("INSERT INTO audit_log (") + kAuditColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    {e.id, e.at, e.actor, e.actor_kind, e.action, e.resource, e.resource_id, e.ip,
                     e.detail.empty() ? std::string("{}") : e.detail});
  if (!r.ok()) return r.take_error();
  return Ok();
}

Result<std::vector<AuditEntry>> IdentityRepository::ListAudit(const AuditQuery& q) {
  std::string sql = std::string("SELECT ") + kAuditColumns + " FROM audit_log WHERE 1 = 1";
  DbParams params;
  auto add = [&](const char* clause, DbValue v) {
    params.push_back(std::move(v));
    sql += std::string(" AND ") + clause + " $" + std::to_string(params.size());
  };
  if (!q.resource.empty()) add("resource =", q.resource);
  if (!q.actor.empty()) add("actor =", q.actor);
  if (q.before > 0) add("at <", q.before);
  int limit = q.limit <= 0 ? kDefaultAuditLimit : std::min(q.limit, kMaxAuditLimit);
  sql += " ORDER BY at DESC, id DESC LIMIT " + std::to_string(limit);
  return MapRows(db_.Exec(sql, params), AuditFromRow);
}

}  // namespace rt::store
