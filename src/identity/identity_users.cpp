// IdentityService: users, role assignment and MFA enrolment.
#include <algorithm>

#include <boost/json/object.hpp>

#include "core/ids.h"
#include "core/json.h"
#include "identity/identity_service.h"
#include "identity/qr.h"
#include "identity/tokens.h"
#include "identity/totp.h"

namespace rt::identity {
namespace {

std::string Detail(const char* key, const std::string& value) {
  return json::Serialize(boost::json::object{{key, value}});
}

Error UserNotFound() { return Error::NotFound("User not found"); }

bool Has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

Result<std::optional<Role>> IdentityService::FindRole(const std::string& id) {
  if (const Role* b = FindBuiltInRole(id); b && b->id == id) return std::optional<Role>(*b);
  auto row = repo_.GetRole(id);
  if (!row.ok()) return row.take_error();
  if (!row->has_value()) return std::optional<Role>();
  const auto& r = **row;
  return std::optional<Role>(Role{r.id, r.name, r.description, false, r.permissions, r.created_at, r.updated_at});
}

Result<UserView> IdentityService::View(store::UserRow user) {
  UserView v;
  for (const auto& id : user.role_ids) {
    auto role = FindRole(id);
    if (!role.ok()) return role.take_error();
    if (role->has_value()) v.roles.push_back(std::move(**role));
  }
  v.permissions = EffectivePermissions(v.roles);
  v.user = std::move(user);
  return v;
}

Status IdentityService::CheckCanGrant(const Actor& actor, const std::string& role_id, Role* out) {
  auto role = FindRole(role_id);
  if (!role.ok()) return role.take_error();
  if (!role->has_value()) return Error::Validation("Unknown role: " + role_id);
  if (!CoversAll(actor.permissions, (*role)->permissions)) {
    return Error::Forbidden("Cannot grant a role with permissions you do not hold: " + (*role)->name);
  }
  if (out) *out = std::move(**role);
  return Ok();
}

// kConflict if user_id is the last enabled super_admin.
Status IdentityService::KeepASuperAdmin(const std::string& user_id) {
  const std::string& super_id = FindBuiltInRole(kSuperAdmin)->id;
  auto user = repo_.GetUser(user_id);
  if (!user.ok()) return user.take_error();
  if (!user->has_value() || (*user)->disabled || !Has((*user)->role_ids, super_id)) return Ok();
  auto n = repo_.CountUsersWithRole(super_id);
  if (!n.ok()) return n.take_error();
  if (*n <= 1) return Error::Conflict("Cannot remove the last super_admin");
  return Ok();
}

Status IdentityService::CheckSelfOrAdmin(const Actor& actor, const std::string& user_id) {
  if (actor.kind == "user" && actor.id == user_id) return Ok();
  if (Allows(actor.permissions, "users", "update")) return Ok();
  return Error::Forbidden("Only the user or an administrator may do this");
}

Result<std::vector<UserView>> IdentityService::ListUsers() {
  auto rows = repo_.ListUsers();
  if (!rows.ok()) return rows.take_error();
  std::vector<UserView> out;
  for (auto& r : *rows) {
    auto v = View(std::move(r));
    if (!v.ok()) return v.take_error();
    out.push_back(std::move(*v));
  }
  return out;
}

Result<UserView> IdentityService::GetUser(const std::string& id) {
  auto row = repo_.GetUser(id);
  if (!row.ok()) return row.take_error();
  if (!row->has_value()) return UserNotFound();
  return View(std::move(**row));
}

Result<UserView> IdentityService::CreateUser(const Actor& actor, const std::string& name, const std::string& email,
                                             const std::string& password, const std::vector<std::string>& role_ids) {
  RT_TRY(CheckNewUser(name, email, password));
  for (const auto& r : role_ids) RT_TRY(CheckCanGrant(actor, r));
  auto u = NewUserRow(name, email, password, role_ids);
  if (!u.ok()) return u.take_error();
  RT_TRY(repo_.InsertUser(*u));
  Record(actor, "create", "users", u->id);
  return GetUser(u->id);
}

Result<UserView> IdentityService::UpdateUser(const Actor& actor, const std::string& id, const UserPatch& patch) {
  auto row = repo_.GetUser(id);
  if (!row.ok()) return row.take_error();
  if (!row->has_value()) return UserNotFound();
  store::UserRow u = **row;
  if (patch.name) {
    RT_TRY(ValidateName(*patch.name));
    u.name = *patch.name;
  }
  if (patch.email) {
    RT_TRY(ValidateEmail(*patch.email));
    u.email = *patch.email;
  }
  if (patch.disabled) {
    if (*patch.disabled && !u.disabled) RT_TRY(KeepASuperAdmin(id));
    u.disabled = *patch.disabled;
  }
  u.updated_at = Now();
  RT_TRY(repo_.UpdateUser(u));
  if (u.disabled) (void)repo_.DeleteUserSessions(id);
  Record(actor, "update", "users", id);
  return GetUser(id);
}

Status IdentityService::DeleteUser(const Actor& actor, const std::string& id) {
  RT_TRY(KeepASuperAdmin(id));
  auto deleted = repo_.DeleteUser(id);
  if (!deleted.ok()) return deleted.take_error();
  if (!*deleted) return UserNotFound();
  Record(actor, "delete", "users", id);
  return Ok();
}

Status IdentityService::ChangePassword(const Actor& actor, const std::string& id, const std::string& current_password,
                                      const std::string& new_password) {
  bool self = actor.kind == "user" && actor.id == id;
  if (!self && !Allows(actor.permissions, "users", "update")) {
    return Error::Forbidden("Only the user or an administrator may change this password");
  }
  auto row = repo_.GetUser(id);
  if (!row.ok()) return row.take_error();
  if (!row->has_value()) return UserNotFound();
  if (self) {
    std::string key = store::EmailKey((*row)->email);
    auto decision = throttle_.Check(key, actor.ip);
    if (!decision.allowed) return TooManyAttempts(decision);
    if (!VerifyPassword(current_password, (*row)->password_hash)) {
      throttle_.RecordFailure(key, actor.ip);
      return Error::Unauthorized("Current password is incorrect");
    }
  }
  RT_TRY(options_.policy.Check(new_password, (*row)->email));
  auto hash = HashPassword(new_password, options_.bcrypt_cost);
  if (!hash.ok()) return hash.take_error();
  RT_TRY(repo_.SetPasswordHash(id, *hash, Now()));
  auto ended = repo_.DeleteUserSessions(id, self ? actor.session_id : "");
  if (!ended.ok()) return ended.take_error();
  Record(actor, "change_password", "users", id);
  return Ok();
}

Result<UserView> IdentityService::AssignRole(const Actor& actor, const std::string& user_id, const std::string& role_id) {
  RT_TRY(CheckCanGrant(actor, role_id));
  RT_TRY(repo_.AddUserRole(user_id, role_id, Now()));
  Record(actor, "assign_role", "users", user_id, Detail("roleId", role_id));
  return GetUser(user_id);
}

Result<UserView> IdentityService::RemoveRole(const Actor& actor, const std::string& user_id, const std::string& role_id) {
  auto role = FindRole(role_id);
  if (!role.ok()) return role.take_error();
  // Taking a role away needs the same standing as granting it (an admin cannot demote a super_admin).
  if (role->has_value()) RT_TRY(CheckCanGrant(actor, role_id));
  if (role_id == FindBuiltInRole(kSuperAdmin)->id) RT_TRY(KeepASuperAdmin(user_id));
  auto removed = repo_.RemoveUserRole(user_id, role_id);
  if (!removed.ok()) return removed.take_error();
  auto view = GetUser(user_id);
  if (!view.ok()) return view.take_error();
  if (!*removed) return Error::NotFound("The user does not have this role");
  Record(actor, "remove_role", "users", user_id, Detail("roleId", role_id));
  return view;
}

Result<MfaSetup> IdentityService::SetupMfa(const Actor& actor, const std::string& user_id) {
  RT_TRY(CheckSelfOrAdmin(actor, user_id));
  auto row = repo_.GetUser(user_id);
  if (!row.ok()) return row.take_error();
  if (!row->has_value()) return UserNotFound();
  if ((*row)->mfa_enabled) return Error::Conflict("MFA is already enabled; disable it first");
  MfaSetup out;
  out.secret = NewTotpSecret();
  out.otpauth_url = OtpauthUri(options_.issuer, (*row)->email, out.secret);
  auto qr = QrCodeDataUrl(out.otpauth_url);
  if (!qr.ok()) return qr.take_error();
  out.qr_code = std::move(*qr);
  auto sealed = Seal(out.secret);
  if (!sealed.ok()) return sealed.take_error();
  RT_TRY(repo_.SetMfa(user_id, false, *sealed, Now()));
  Record(actor, "mfa_setup", "users", user_id);
  return out;
}

Result<std::vector<std::string>> IdentityService::ConfirmMfa(const Actor& actor, const std::string& user_id,
                                                             const std::string& code) {
  RT_TRY(CheckSelfOrAdmin(actor, user_id));
  auto row = repo_.GetUser(user_id);
  if (!row.ok()) return row.take_error();
  if (!row->has_value()) return UserNotFound();
  const store::UserRow& u = **row;
  if (u.mfa_enabled) return Error::Conflict("MFA is already enabled");
  if (u.totp_secret.empty()) return Error::Validation("Start MFA setup first");
  auto secret = Open(u.totp_secret);
  if (!secret.ok()) return secret.take_error();
  auto step = VerifyTotp(*secret, code, Now() / 1000, u.totp_last_step);
  if (!step) return Error::Validation("Invalid MFA code");
  RT_TRY(repo_.SetMfa(user_id, true, u.totp_secret, Now()));
  auto advanced = repo_.AdvanceTotpStep(user_id, *step);  // the confirming code cannot log in again
  if (!advanced.ok()) return advanced.take_error();
  std::vector<std::string> codes = NewRecoveryCodes();
  std::vector<std::string> hashes;
  for (const auto& c : codes) hashes.push_back(HashRecoveryCode(c));
  RT_TRY(repo_.ReplaceRecoveryCodes(user_id, hashes, Now()));
  Record(actor, "mfa_enable", "users", user_id);
  return codes;
}

Status IdentityService::DisableMfa(const Actor& actor, const std::string& user_id, const std::string& code) {
  bool admin = Allows(actor.permissions, "users", "update");
  bool self = actor.kind == "user" && actor.id == user_id;
  // Who may ask is decided before the lookup: a 404 must not tell others which ids exist.
  if (!admin && !self) return Error::Forbidden("Only the user or an administrator may disable MFA");
  auto row = repo_.GetUser(user_id);
  if (!row.ok()) return row.take_error();
  if (!row->has_value()) return UserNotFound();
  const store::UserRow& u = **row;
  if (!admin || (self && !code.empty())) {
    if (!self) return Error::Forbidden("Only the user or an administrator may disable MFA");
    if (u.mfa_enabled) {
      auto secret = Open(u.totp_secret);
      if (!secret.ok()) return secret.take_error();
      auto step = VerifyTotp(*secret, code, Now() / 1000, u.totp_last_step);
      bool ok = false;
      if (step) {
        auto advanced = repo_.AdvanceTotpStep(user_id, *step);
        if (!advanced.ok()) return advanced.take_error();
        ok = *advanced;
      }
      if (!ok) {
        auto used = repo_.UseRecoveryCode(user_id, HashRecoveryCode(code), Now());
        ok = used.ok() && *used;
      }
      if (!ok) return Error::Validation("Invalid MFA code");
    }
  }
  RT_TRY(repo_.SetMfa(user_id, false, "", Now()));
  Record(actor, "mfa_disable", "users", user_id);
  return Ok();
}

}  // namespace rt::identity
