// IdentityService: the admin-identity use cases behind spec/13 (users, roles, invites, MFA) and
// spec/14 (login, MFA verify, logout, me, forgot/reset password, setup). The REST routes parse,
// check the route's RBAC permission, call one method and serialize (identity/identity_json.h).
//
// Rules enforced here (beyond the route's permission check):
//   - the same 401 "Invalid email or password" for an unknown email, a wrong password and a
//     disabled account, in about the same time (a dummy bcrypt for unknown emails);
//   - throttling (identity/throttle.h) per account and address: kTooManyRequests with
//     details {"retryAfter": seconds} before the password is looked at;
//   - setup creates the first super_admin exactly once (kConflict afterwards, also under races);
//   - TOTP codes are single use (per step); recovery codes are single use;
//   - no escalation: an actor may create, change, assign or invite to a role only if it holds
//     every permission of that role; the last enabled super_admin cannot be removed, disabled
//     or deleted (kConflict);
//   - changing one's own password needs the current one; changing another's needs users:update;
//     a password change or reset ends the user's other sessions (a reset ends all of them);
//   - forgot-password never reveals whether the email exists (kUnavailable only when mail is
//     not configured in production, for every email alike).
// Every write is recorded in the audit log (a failed audit write is logged, not returned).
//
// Ownership: holds references to the Db, Mailer and LoginThrottle, which must outlive it.
// Thread safety: every method may be called from any thread at once; all block (bcrypt, the
// database, SMTP): call them from the blocking pool. Failure: Result values with
// kValidation / kUnauthorized / kForbidden / kNotFound / kConflict / kTooManyRequests /
// kUnavailable as each method says; database failures pass through.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "identity/mailer.h"
#include "identity/password.h"
#include "identity/rbac.h"
#include "identity/throttle.h"
#include "store/identity_repository.h"

namespace rt::identity {

struct IdentityOptions {
  int64_t session_ttl_ms = 12LL * 3600 * 1000;  // REALTIME_SESSION_TTL; sliding
  int64_t mfa_token_ttl_ms = 5LL * 60 * 1000;
  int64_t invite_ttl_ms = 7LL * 24 * 3600 * 1000;
  int64_t reset_ttl_ms = 3600LL * 1000;
  int64_t touch_interval_ms = 60'000;  // a session's expiry slides at most this often (one write)
  int bcrypt_cost = kDefaultBcryptCost;
  PasswordPolicy policy;
  std::string issuer = "Realtime";                 // shown in authenticator apps
  std::string public_url = "http://localhost:3000";  // base of invite and reset links
  bool production = false;                         // no mailer: 503 instead of logging links
};

// Seals the TOTP secret at rest (wire webhooks::SecretBox::Seal/Open here). Unset: stored as is.
struct SecretSealer {
  std::function<Result<std::string>(std::string_view)> seal, open;
};

struct ClientInfo {
  std::string ip, user_agent;
};

// Who acts: a session's user, a JWT's subject, or the system (CLI).
struct Actor {
  std::string id;                        // user id or token subject
  std::string kind = "user";             // "user" | "token" | "system"
  std::vector<std::string> permissions;  // RBAC "resource:action" (rbac.h PermissionsForToken for JWTs)
  std::string session_id;                // the acting session (kept on a password change)
  std::string ip;
};

struct UserView {
  store::UserRow user;
  std::vector<Role> roles;               // unknown role ids are skipped
  std::vector<std::string> permissions;  // EffectivePermissions(roles)
};

struct LoginResult {
  bool mfa_required = false;
  std::string mfa_token;      // when mfa_required
  std::string session_token;  // otherwise
  int64_t expires_at = 0;
  UserView user;
};

struct SessionContext {
  store::SessionRow session;
  UserView user;
};

struct MfaSetup {
  std::string secret;       // base32, for manual entry
  std::string otpauth_url;  // otpauth://totp/...
  std::string qr_code;      // data:image/svg+xml;base64,...
};

struct InviteCreated {
  store::InviteRow invite;
  std::string token;  // shown once
  std::string link;   // public_url + "/invite/accept?token=" + token
  bool mail_sent = false;
};

struct InviteInfo {
  std::string email;
  Role role;
};

struct UserPatch {
  std::optional<std::string> name, email;
  std::optional<bool> disabled;
};

struct RolePatch {
  std::optional<std::string> name, description;
  std::optional<std::vector<std::string>> permissions;
};

class IdentityService {
 public:
  using Clock = std::function<int64_t()>;  // wall clock, ms since the epoch

  IdentityService(store::Db& db, Mailer& mailer, LoginThrottle& throttle, IdentityOptions options = {},
                  SecretSealer sealer = {}, Clock clock = {});
  IdentityService(const IdentityService&) = delete;
  IdentityService& operator=(const IdentityService&) = delete;

  // ---- sessions (identity_service.cpp) ----
  Result<bool> SetupRequired();
  // The first super_admin, logged in. kConflict once any user exists; kValidation for bad input.
  Result<LoginResult> Setup(const std::string& name, const std::string& email, const std::string& password,
                            const ClientInfo& client);
  // A session, or mfa_required with an mfa token. kUnauthorized, kTooManyRequests.
  Result<LoginResult> Login(const std::string& email, const std::string& password, const ClientInfo& client);
  // A TOTP code or a recovery code for an mfa token. kUnauthorized (bad/used code, bad token).
  Result<LoginResult> VerifyMfa(const std::string& mfa_token, const std::string& code, const ClientInfo& client);
  // The session's user; kUnauthorized when the token is unknown, expired, or the user disabled.
  Result<SessionContext> Authenticate(const std::string& session_token);
  // Ends the session (idempotent).
  Status Logout(const std::string& session_token);
  // Mails a reset link if the email belongs to an enabled user; Ok either way.
  Status ForgotPassword(const std::string& email, const ClientInfo& client);
  // kValidation for a bad token (invalid, used, expired) or password.
  Status ResetPassword(const std::string& token, const std::string& password, const ClientInfo& client);

  // ---- users, MFA (identity_users.cpp) ----
  Result<std::vector<UserView>> ListUsers();
  Result<UserView> GetUser(const std::string& id);  // kNotFound
  Result<UserView> CreateUser(const Actor& actor, const std::string& name, const std::string& email,
                              const std::string& password, const std::vector<std::string>& role_ids);
  Result<UserView> UpdateUser(const Actor& actor, const std::string& id, const UserPatch& patch);
  Status DeleteUser(const Actor& actor, const std::string& id);
  Status ChangePassword(const Actor& actor, const std::string& id, const std::string& current_password,
                        const std::string& new_password);
  Result<UserView> AssignRole(const Actor& actor, const std::string& user_id, const std::string& role_id);
  Result<UserView> RemoveRole(const Actor& actor, const std::string& user_id, const std::string& role_id);
  // Self, or an actor with users:update. Starts (or restarts) setup; MFA stays off until confirmed.
  Result<MfaSetup> SetupMfa(const Actor& actor, const std::string& user_id);
  // Enables MFA with a valid code; returns 10 recovery codes (shown once).
  Result<std::vector<std::string>> ConfirmMfa(const Actor& actor, const std::string& user_id, const std::string& code);
  // users:update for anyone without a code; the user itself with a valid code.
  Status DisableMfa(const Actor& actor, const std::string& user_id, const std::string& code);

  // ---- roles, invites, audit (identity_admin.cpp) ----
  Result<std::vector<Role>> ListRoles();  // built-ins first
  Result<Role> GetRole(const std::string& id);
  Result<Role> CreateRole(const Actor& actor, const std::string& name, const std::string& description,
                          const std::vector<std::string>& permissions);
  Result<Role> UpdateRole(const Actor& actor, const std::string& id, const RolePatch& patch);  // built-ins: kForbidden
  Status DeleteRole(const Actor& actor, const std::string& id);
  Result<InviteCreated> CreateInvite(const Actor& actor, const std::string& email, const std::string& role_id);
  Result<std::vector<store::InviteRow>> ListInvites();  // status "expired" derived
  Result<InviteInfo> GetInviteByToken(const std::string& token);  // pending and unexpired, else kNotFound
  Result<LoginResult> AcceptInvite(const std::string& token, const std::string& name, const std::string& password,
                                   const ClientInfo& client);
  Status RevokeInvite(const Actor& actor, const std::string& id);
  Status DeleteInvite(const Actor& actor, const std::string& id);
  // Records a management write done elsewhere (topics, keys, ...). Never fails the caller.
  void Record(const Actor& actor, const std::string& action, const std::string& resource,
              const std::string& resource_id, const std::string& detail_json = "{}");
  Result<std::vector<store::AuditEntry>> ListAudit(const store::AuditQuery& query);

  // Deletes expired sessions, MFA tokens and reset tokens (housekeeping); the number removed.
  Result<int64_t> PruneExpired() { return repo_.PruneExpired(Now()); }

  const IdentityOptions& options() const { return options_; }

 private:
  int64_t Now() const;
  Result<UserView> View(store::UserRow user);
  // Name, email and the password policy of a new user (kValidation).
  Status CheckNewUser(const std::string& name, const std::string& email, const std::string& password) const;
  // A new user's row with the password hashed (bcrypt: slow).
  Result<store::UserRow> NewUserRow(const std::string& name, const std::string& email, const std::string& password,
                                    std::vector<std::string> role_ids);
  Result<std::optional<Role>> FindRole(const std::string& id);
  Result<LoginResult> StartSession(const store::UserRow& user, const ClientInfo& client);
  Status CheckCanGrant(const Actor& actor, const std::string& role_id, Role* out = nullptr);
  Status KeepASuperAdmin(const std::string& user_id);
  Status CheckSelfOrAdmin(const Actor& actor, const std::string& user_id);
  Result<std::string> Seal(std::string_view secret) const;
  Result<std::string> Open(std::string_view sealed) const;
  void RecordAs(const std::string& actor, const std::string& kind, const std::string& ip, const std::string& action,
                const std::string& resource, const std::string& resource_id, const std::string& detail = "{}");

  store::IdentityRepository repo_;
  Mailer& mailer_;
  LoginThrottle& throttle_;
  const IdentityOptions options_;
  const SecretSealer sealer_;
  const Clock clock_;
  // Password-reset mails: 3 per address, 10 per client address, then a doubling wait from a
  // minute (429), counted for known and unknown emails alike (no enumeration, no mail bombing).
  LoginThrottle reset_throttle_;
};

// Validation shared by the service and the CLI: a mail address (kValidation), a display name.
Status ValidateEmail(const std::string& email);
Status ValidateName(const std::string& name);

}  // namespace rt::identity
