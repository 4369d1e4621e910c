// IdentityRepository: the admin-identity tables of migration 0009_identity (users, recovery
// codes, custom roles, role assignments, sessions, invites, password resets, audit log).
//
// Plain persistence; the rules (password policy, RBAC, token formats, expiry lengths) live in
// identity/. Secrets arrive already hashed (tokens, recovery codes: SHA-256 hex; passwords:
// bcrypt) or sealed (the TOTP secret); this class never sees a usable secret.
//
// Atomic operations the routes rely on:
//   InsertFirstUser    exactly one of any number of concurrent calls succeeds while the users
//                      table is empty (PostgreSQL: LOCK TABLE users in the transaction; SQLite:
//                      BEGIN IMMEDIATE serializes writers); the others get kConflict.
//   AdvanceTotpStep    a TOTP step is accepted at most once (compare-and-set on the last step).
//   UseRecoveryCode, ConsumeReset, AcceptInvite   single use under concurrency.
//
// Failure: kConflict for a taken email / role name / id; kNotFound where a method says so;
// kUnavailable when the database is down. "Not found" in lookups is an empty optional or false.
// Thread safety: as the Db it wraps (safe from any thread; blocking: call from the blocking pool).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"

namespace rt::store {

// The case-insensitive key of an email: surrounding spaces removed, ASCII letters lower-cased.
std::string EmailKey(std::string_view email);

struct UserRow {
  std::string id;  // usr_...
  std::string name, email;
  std::string password_hash;  // bcrypt
  bool disabled = false;
  bool mfa_enabled = false;
  std::string totp_secret;      // sealed; "" = none (a pending setup has a secret but !mfa_enabled)
  int64_t totp_last_step = -1;  // last accepted TOTP step
  int64_t created_at = 0, updated_at = 0;
  int64_t last_login_at = 0;  // 0 = never
  std::vector<std::string> role_ids;  // filled by reads; written by InsertUser / InsertFirstUser
};

struct RoleRow {  // a custom role (built-ins are in identity/rbac.h)
  std::string id, name, description;
  std::vector<std::string> permissions;  // "resource:action"
  int64_t created_at = 0, updated_at = 0;
};

struct SessionRow {
  std::string id;  // ses_...
  std::string token_hash;
  std::string user_id;
  std::string kind;  // "session" | "mfa"
  int64_t created_at = 0, expires_at = 0, last_seen_at = 0;
  std::string ip, user_agent;
};

struct InviteRow {
  std::string id;  // inv_...
  std::string email, role_id, token_hash;
  std::string status;  // stored: pending | accepted | revoked ("expired" is derived by readers)
  std::string invited_by;
  int64_t created_at = 0, expires_at = 0, accepted_at = 0, updated_at = 0;
};

struct AuditEntry {
  std::string id;  // aud_...
  int64_t at = 0;
  std::string actor;       // user id or token subject; "" for anonymous
  std::string actor_kind;  // "user" | "token" | "anonymous" | "system"
  std::string action;      // "create" | "update" | "delete" | "login" | ...
  std::string resource, resource_id, ip;
  std::string detail = "{}";  // JSON object text
};

struct AuditQuery {
  std::string resource, actor;  // "" = any
  int64_t before = 0;           // only entries with at < before; 0 = newest
  int limit = 100;              // <= 0: 100; capped at 1000
};

class IdentityRepository {
 public:
  explicit IdentityRepository(Db& db) : db_(db) {}

  // ---- users ----
  Result<int64_t> CountUsers();
  // Inserts the user and its role_ids in one transaction; kConflict "A user with this email
  // already exists" for a taken email (case-insensitive).
  Status InsertUser(const UserRow& user);
  // InsertUser only while no user exists; kConflict "Setup has already been completed" otherwise.
  Status InsertFirstUser(const UserRow& user);
  Result<std::optional<UserRow>> GetUser(const std::string& id);
  Result<std::optional<UserRow>> FindUserByEmail(std::string_view email);
  // Oldest first.
  Result<std::vector<UserRow>> ListUsers();
  // Writes name, email, disabled and updated_at; kNotFound, kConflict for a taken email.
  Status UpdateUser(const UserRow& user);
  Status SetPasswordHash(const std::string& id, const std::string& hash, int64_t now);  // kNotFound
  // Sets mfa_enabled and the sealed secret and resets totp_last_step to -1 (enable, start a
  // setup, or disable with secret ""). Disabling also deletes the recovery codes. kNotFound.
  Status SetMfa(const std::string& id, bool enabled, const std::string& sealed_secret, int64_t now);
  // Records step as used if it is after the last used one; false when it is not (a replay).
  Result<bool> AdvanceTotpStep(const std::string& id, int64_t step);
  Status SetLastLogin(const std::string& id, int64_t now);
  // Deletes the user with its sessions, roles, codes and resets; false when absent.
  Result<bool> DeleteUser(const std::string& id);

  // ---- recovery codes ----
  // Replaces the user's codes with these hashes.
  Status ReplaceRecoveryCodes(const std::string& user_id, const std::vector<std::string>& hashes, int64_t now);
  // Marks an unused code used; false when unknown or already used.
  Result<bool> UseRecoveryCode(const std::string& user_id, const std::string& hash, int64_t now);
  Result<int64_t> CountUnusedRecoveryCodes(const std::string& user_id);

  // ---- roles ----
  // Idempotent; kNotFound "User not found" when the user does not exist.
  Status AddUserRole(const std::string& user_id, const std::string& role_id, int64_t now);
  // false when the user did not have the role.
  Result<bool> RemoveUserRole(const std::string& user_id, const std::string& role_id);
  // Users (enabled only when enabled_only) holding role_id.
  Result<int64_t> CountUsersWithRole(const std::string& role_id, bool enabled_only = true);
  Result<std::vector<RoleRow>> ListRoles();  // by name
  Result<std::optional<RoleRow>> GetRole(const std::string& id);
  Status InsertRole(const RoleRow& role);  // kConflict "Role already exists: <name>"
  Status UpdateRole(const RoleRow& role);  // name, description, permissions, updated_at; kNotFound, kConflict
  // Deletes the role and every assignment of it; false when absent.
  Result<bool> DeleteRole(const std::string& id);

  // ---- sessions (and mfa tokens) ----
  Status InsertSession(const SessionRow& session);
  // The session of that kind with that token hash if it has not expired at now.
  Result<std::optional<SessionRow>> FindSession(const std::string& token_hash, const std::string& kind, int64_t now);
  // Sliding expiry: sets last_seen_at and expires_at.
  Status TouchSession(const std::string& id, int64_t last_seen_at, int64_t expires_at);
  Result<bool> DeleteSession(const std::string& id);
  // Every session and mfa token of the user except except_id; returns how many were deleted.
  Result<int64_t> DeleteUserSessions(const std::string& user_id, const std::string& except_id = "");
  // Expired sessions, mfa tokens and password resets; returns the number of rows deleted.
  Result<int64_t> PruneExpired(int64_t now);

  // ---- invites ----
  Status InsertInvite(const InviteRow& invite);
  Result<std::vector<InviteRow>> ListInvites();  // newest first
  Result<std::optional<InviteRow>> GetInvite(const std::string& id);
  Result<std::optional<InviteRow>> FindInviteByTokenHash(const std::string& token_hash);
  // pending -> revoked; false when the invite is absent or not pending.
  Result<bool> RevokeInvite(const std::string& id, int64_t now);
  Result<bool> DeleteInvite(const std::string& id);
  // In one transaction: the invite with that token hash goes pending -> accepted (if it is still
  // pending and unexpired at user.created_at) and user is inserted (with user.role_ids). kNotFound
  // "Invite not found or no longer valid" otherwise; kConflict for a taken email (nothing changes).
  Status AcceptInvite(const std::string& token_hash, const UserRow& user);

  // ---- password resets ----
  Status InsertReset(const std::string& token_hash, const std::string& user_id, int64_t now, int64_t expires_at);
  // In one transaction: marks the reset used (if unused and unexpired), sets the user's password
  // hash and deletes all of the user's sessions. Returns the user id; kNotFound "Reset token is
  // invalid or expired" otherwise.
  Result<std::string> ConsumeReset(const std::string& token_hash, const std::string& new_hash, int64_t now);

  // ---- audit log ----
  Status InsertAudit(const AuditEntry& entry);
  Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query);  // newest first

 private:
  Db& db_;
};

}  // namespace rt::store
