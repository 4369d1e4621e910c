// Users, recovery codes and roles of IdentityRepository (sessions, invites, resets and the audit
// log are in identity_repository_auth.cpp).
#include "store/identity_repository.h"

#include <boost/json/array.hpp>

#include "core/json.h"

namespace rt::store {
namespace {

constexpr const char* kUserColumns =
    "id, name, email, password_hash, disabled, mfa_enabled, totp_secret, totp_last_step, created_at, updated_at, "
    "last_login_at";

UserRow UserFromRow(const std::vector<DbValue>& row) {
  UserRow u;
  u.id = AsString(row[0]);
  u.name = AsString(row[1]);
  u.email = AsString(row[2]);
  u.password_hash = AsString(row[3]);
  u.disabled = AsBool(row[4]);
  u.mfa_enabled = AsBool(row[5]);
  u.totp_secret = AsString(row[6]);
  u.totp_last_step = AsInt(row[7]);
  u.created_at = AsInt(row[8]);
  u.updated_at = AsInt(row[9]);
  u.last_login_at = AsInt(row[10]);
  return u;
}

RoleRow RoleFromRow(const std::vector<DbValue>& row) {
  return {AsString(row[0]), AsString(row[1]), AsString(row[2]), StringListFromJson(row[3]), AsInt(row[4]), AsInt(row[5])};
}

constexpr const char* kRoleColumns = "id, name, description, permissions, created_at, updated_at";

Error EmailTaken() { return Error::Conflict("A user with this email already exists"); }

Status InsertUserIn(DbSession& s, const UserRow& u) {
  auto r = s.Exec(std::string("INSERT INTO users (") + kUserColumns +
                      ", email_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                  {u.id, u.name, u.email, u.password_hash, int64_t{u.disabled}, int64_t{u.mfa_enabled}, u.totp_secret,
                   u.totp_last_step, u.created_at, u.updated_at,
                   u.last_login_at ? DbValue(u.last_login_at) : DbValue(), EmailKey(u.email)});
  if (!r.ok()) return r.error().code == ErrorCode::kConflict ? EmailTaken() : r.take_error();
  for (const auto& role : u.role_ids) {
    auto rr = s.Exec("INSERT INTO user_roles (user_id, role_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                     {u.id, role, u.created_at});
    if (!rr.ok()) return rr.take_error();
  }
  return Ok();
}

// Fills role_ids of users (one query for the page).
Status LoadRoles(Db& db, std::vector<UserRow>& users) {
  if (users.empty()) return Ok();
  std::string sql = "SELECT user_id, role_id FROM user_roles";
  DbParams params;
  if (users.size() == 1) {
    sql += " WHERE user_id = $1";
    params.push_back(users[0].id);
  }
  sql += " ORDER BY created_at, role_id";
  auto r = db.Exec(sql, params);
  if (!r.ok()) return r.take_error();
  for (const auto& row : r->rows) {
    std::string uid = AsString(row[0]);
    for (auto& u : users) {
      if (u.id == uid) u.role_ids.push_back(AsString(row[1]));
    }
  }
  return Ok();
}

Result<std::optional<UserRow>> OneUser(Db& db, Result<DbResult> r) {
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return std::optional<UserRow>();
  std::vector<UserRow> users{UserFromRow(r->rows[0])};
  RT_TRY(LoadRoles(db, users));
  return std::optional<UserRow>(std::move(users[0]));
}

Status Affected(Result<DbResult> r, const char* not_found) {
  if (!r.ok()) return r.take_error();
  if (r->affected_rows == 0) return Error::NotFound(not_found);
  return Ok();
}

}  // namespace

std::string EmailKey(std::string_view email) {
  while (!email.empty() && email.front() == ' ') email.remove_prefix(1);
  while (!email.empty() && email.back() == ' ') email.remove_suffix(1);
  std::string out(email);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<int64_t> IdentityRepository::CountUsers() {
  auto r = db_.Exec("SELECT COUNT(*) FROM users");
  if (!r.ok()) return r.take_error();
  return AsInt(r->rows[0][0]);
}

Status IdentityRepository::InsertUser(const UserRow& user) {
  return db_.Transaction([&](DbSession& s) { return InsertUserIn(s, user); });
}

Status IdentityRepository::InsertFirstUser(const UserRow& user) {
  return db_.Transaction([&](DbSession& s) -> Status {
    if (db_.dialect() == Dialect::kPostgres) {
      // Conflicts with itself and with every INSERT: racing setups run one after the other.
      auto lock = s.Exec("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE");
      if (!lock.ok()) return lock.take_error();
    }
    auto count = s.Exec("SELECT COUNT(*) FROM users");
    if (!count.ok()) return count.take_error();
    if (AsInt(count->rows[0][0]) > 0) return Error::Conflict("Setup has already been completed");
    return InsertUserIn(s, user);
  });
}

Result<std::optional<UserRow>> IdentityRepository::GetUser(const std::string& id) {
  return OneUser(db_, db_.Exec(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", {id}));
}

Result<std::optional<UserRow>> IdentityRepository::FindUserByEmail(std::string_view email) {
  return OneUser(db_,
                 db_.Exec(std::string("SELECT ") + kUserColumns + " FROM users WHERE email_key = $1", {EmailKey(email)}));
}

Result<std::vector<UserRow>> IdentityRepository::ListUsers() {
  auto users = MapRows(db_.Exec(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY created_at, id"),
                       UserFromRow);
  if (!users.ok()) return users.take_error();
  RT_TRY(LoadRoles(db_, *users));
  return users;
}

Status IdentityRepository::UpdateUser(const UserRow& u) {
  auto r = db_.Exec("UPDATE users SET name = $2, email = $3, email_key = $4, disabled = $5, updated_at = $6 WHERE id = $1",
                    {u.id, u.name, u.email, EmailKey(u.email), int64_t{u.disabled}, u.updated_at});
  if (!r.ok() && r.error().code == ErrorCode::kConflict) return EmailTaken();
  return Affected(std::move(r), "User not found");
}

Status IdentityRepository::SetPasswordHash(const std::string& id, const std::string& hash, int64_t now) {
  return Affected(db_.Exec("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1", {id, hash, now}),
                  "User not found");
}

Status IdentityRepository::SetMfa(const std::string& id, bool enabled, const std::string& sealed_secret, int64_t now) {
  return db_.Transaction([&](DbSession& s) -> Status {
    RT_TRY(Affected(s.Exec("UPDATE users SET mfa_enabled = $2, totp_secret = $3, totp_last_step = -1, updated_at = $4 "
                           "WHERE id = $1",
                           {id, int64_t{enabled}, sealed_secret, now}),
                    "User not found"));
    if (!enabled) RT_TRY(s.Exec("DELETE FROM recovery_codes WHERE user_id = $1", {id}));
    return Ok();
  });
}

Result<bool> IdentityRepository::AdvanceTotpStep(const std::string& id, int64_t step) {
  auto r = db_.Exec("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2", {id, step});
  if (!r.ok()) return r.take_error();
  return r->affected_rows > 0;
}

Status IdentityRepository::SetLastLogin(const std::string& id, int64_t now) {
  return Affected(db_.Exec("UPDATE users SET last_login_at = $2 WHERE id = $1", {id, now}), "User not found");
}

Result<bool> IdentityRepository::DeleteUser(const std::string& id) {
  auto r = db_.Exec("DELETE FROM users WHERE id = $1", {id});  // cascades to the user's rows
  if (!r.ok()) return r.take_error();
  return r->affected_rows > 0;
}

Status IdentityRepository::ReplaceRecoveryCodes(const std::string& user_id, const std::vector<std::string>& hashes,
                                                int64_t now) {
  return db_.Transaction([&](DbSession& s) -> Status {
    RT_TRY(s.Exec("DELETE FROM recovery_codes WHERE user_id = $1", {user_id}));
    for (const auto& h : hashes) {
      auto r = s.Exec("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
                      {user_id, h, now});
      if (!r.ok()) return r.error().code == ErrorCode::kValidation ? Error::NotFound("User not found") : r.take_error();
    }
    return Ok();
  });
}

Result<bool> IdentityRepository::UseRecoveryCode(const std::string& user_id, const std::string& hash, int64_t now) {
  auto r = db_.Exec(
      "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
      {user_id, hash, now});
  if (!r.ok()) return r.take_error();
  return r->affected_rows > 0;
}

Result<int64_t> IdentityRepository::CountUnusedRecoveryCodes(const std::string& user_id) {
  auto r = db_.Exec("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL", {user_id});
  if (!r.ok()) return r.take_error();
  return AsInt(r->rows[0][0]);
}

Status IdentityRepository::AddUserRole(const std::string& user_id, const std::string& role_id, int64_t now) {
  auto r = db_.Exec("INSERT INTO user_roles (user_id, role_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    {user_id, role_id, now});
  if (!r.ok()) return r.error().code == ErrorCode::kValidation ? Error::NotFound("User not found") : r.take_error();
  return Ok();
}

Result<bool> IdentityRepository::RemoveUserRole(const std::string& user_id, const std::string& role_id) {
  auto r = db_.Exec("DELETE FROM user_roles WHERE user_id = $1 AND role_id = $2", {user_id, role_id});
  if (!r.ok()) return r.take_error();
  return r->affected_rows > 0;
}

Result<int64_t> IdentityRepository::CountUsersWithRole(const std::string& role_id, bool enabled_only) {
  auto r = db_.Exec(std::string("SELECT COUNT(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id "
                                "WHERE ur.role_id = $1") +
                        (enabled_only ? " AND u.disabled = 0" : ""),
                    {role_id});
  if (!r.ok()) return r.take_error();
  return AsInt(r->rows[0][0]);
}

Result<std::vector<RoleRow>> IdentityRepository::ListRoles() {
  return MapRows(db_.Exec(std::string("SELECT ") + kRoleColumns + " FROM roles ORDER BY created_at, id"), RoleFromRow);
}

Result<std::optional<RoleRow>> IdentityRepository::GetRole(const std::string& id) {
  auto r = db_.Exec(std::string("SELECT ") + kRoleColumns + " FROM roles WHERE id = $1", {id});
  if (!r.ok()) return r.take_error();
  if (r->rows.empty()) return std::optional<RoleRow>();
  return std::optional<RoleRow>(RoleFromRow(r->rows[0]));
}

Status IdentityRepository::InsertRole(const RoleRow& role) {
  auto r = db_.Exec(std::string("INSERT INTO roles (") + kRoleColumns + ") VALUES ($1, $2, $3, $4, $5, $6)",
                    {role.id, role.name, role.description, StringListToJson(role.permissions), role.created_at, role.updated_at});
  if (!r.ok() && r.error().code == ErrorCode::kConflict) return Error::Conflict("Role already exists: " + role.name);
  if (!r.ok()) return r.take_error();
  return Ok();
}

Status IdentityRepository::UpdateRole(const RoleRow& role) {
  auto r = db_.Exec("UPDATE roles SET name = $2, description = $3, permissions = $4, updated_at = $5 WHERE id = $1",
                    {role.id, role.name, role.description, StringListToJson(role.permissions), role.updated_at});
  if (!r.ok() && r.error().code == ErrorCode::kConflict) return Error::Conflict("Role already exists: " + role.name);
  return Affected(std::move(r), "Role not found");
}

Result<bool> IdentityRepository::DeleteRole(const std::string& id) {
  bool deleted = false;
  Status st = db_.Transaction([&](DbSession& s) -> Status {
    RT_TRY(s.Exec("DELETE FROM user_roles WHERE role_id = $1", {id}));
    auto r = s.Exec("DELETE FROM roles WHERE id = $1", {id});
    if (!r.ok()) return r.take_error();
    deleted = r->affected_rows > 0;
    return Ok();
  });
  if (!st.ok()) return st.take_error();
  return deleted;
}

}  // namespace rt::store
