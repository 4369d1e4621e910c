// IdentityService: custom roles, invites and the audit log.
#include <boost/json/object.hpp>

#include "core/ids.h"
#include "core/json.h"
#include "core/log.h"
#include "identity/identity_service.h"
#include "identity/tokens.h"

namespace rt::identity {
namespace {

std::string Detail(const char* key, const std::string& value) {
  return json::Serialize(boost::json::object{{key, value}});
}

constexpr size_t kMaxDescriptionBytes = 500;
constexpr const char* kInviteGone = "Invite not found or no longer valid";

Role FromRow(const store::RoleRow& r) {
  return Role{r.id, r.name, r.description, false, r.permissions, r.created_at, r.updated_at};
}

// Only "pending" rows can be expired: accepted and revoked invites keep their status.
store::InviteRow WithDerivedStatus(store::InviteRow row, int64_t now) {
  if (row.status == "pending" && row.expires_at <= now) row.status = "expired";
  return row;
}

}  // namespace

Result<std::vector<Role>> IdentityService::ListRoles() {
  std::vector<Role> out = BuiltInRoles();
  auto rows = repo_.ListRoles();
  if (!rows.ok()) return rows.take_error();
  for (const auto& r : *rows) out.push_back(FromRow(r));
  return out;
}

Result<Role> IdentityService::GetRole(const std::string& id) {
  auto role = FindRole(id);
  if (!role.ok()) return role.take_error();
  if (!role->has_value()) return Error::NotFound("Role not found");
  return std::move(**role);
}

Result<Role> IdentityService::CreateRole(const Actor& actor, const std::string& name, const std::string& description,
                                         const std::vector<std::string>& permissions) {
  RT_TRY(ValidateRoleName(name));
  if (description.size() > kMaxDescriptionBytes) return Error::Validation("description must be at most 500 bytes");
  for (const auto& p : permissions) {
    if (!IsKnownRbacPermission(p)) return Error::Validation("Unknown permission: " + p);
  }
  if (!CoversAll(actor.permissions, permissions)) {
    return Error::Forbidden("Cannot create a role with permissions you do not hold");
  }
  int64_t now = Now();
  std::vector<std::string> perms = EffectivePermissions({Role{"", "", "", false, permissions, 0, 0}});
  store::RoleRow row{NewId("role"), name, description, perms, now, now};
  RT_TRY(repo_.InsertRole(row));
  Record(actor, "create", "roles", row.id);
  return FromRow(row);
}

Result<Role> IdentityService::UpdateRole(const Actor& actor, const std::string& id, const RolePatch& patch) {
  if (FindBuiltInRole(id)) return Error::Forbidden("Built-in roles cannot be changed");
  auto found = repo_.GetRole(id);
  if (!found.ok()) return found.take_error();
  if (!found->has_value()) return Error::NotFound("Role not found");
  store::RoleRow row = **found;
  // Changing a role changes what its holders may do: the actor must hold the old and new sets.
  if (!CoversAll(actor.permissions, row.permissions)) {
    return Error::Forbidden("Cannot change a role with permissions you do not hold");
  }
  if (patch.name) {
    RT_TRY(ValidateRoleName(*patch.name));
    row.name = *patch.name;
  }
  if (patch.description) {
    if (patch.description->size() > kMaxDescriptionBytes) {
      return Error::Validation("description must be at most 500 bytes");
    }
    row.description = *patch.description;
  }
  if (patch.permissions) {
    for (const auto& p : *patch.permissions) {
      if (!IsKnownRbacPermission(p)) return Error::Validation("Unknown permission: " + p);
    }
    if (!CoversAll(actor.permissions, *patch.permissions)) {
      return Error::Forbidden("Cannot grant permissions you do not hold");
    }
    row.permissions = EffectivePermissions({Role{"", "", "", false, *patch.permissions, 0, 0}});
  }
  row.updated_at = Now();
  RT_TRY(repo_.UpdateRole(row));
  Record(actor, "update", "roles", id);
  return FromRow(row);
}

Status IdentityService::DeleteRole(const Actor& actor, const std::string& id) {
  if (FindBuiltInRole(id)) return Error::Forbidden("Built-in roles cannot be deleted");
  auto found = repo_.GetRole(id);
  if (!found.ok()) return found.take_error();
  if (!found->has_value()) return Error::NotFound("Role not found");
  if (!CoversAll(actor.permissions, (*found)->permissions)) {
    return Error::Forbidden("Cannot delete a role with permissions you do not hold");
  }
  auto deleted = repo_.DeleteRole(id);
  if (!deleted.ok()) return deleted.take_error();
  if (!*deleted) return Error::NotFound("Role not found");
  Record(actor, "delete", "roles", id);
  return Ok();
}

Result<InviteCreated> IdentityService::CreateInvite(const Actor& actor, const std::string& email,
                                                    const std::string& role_id) {
  RT_TRY(ValidateEmail(email));
  Role role;
  RT_TRY(CheckCanGrant(actor, role_id, &role));
  auto existing = repo_.FindUserByEmail(email);
  if (!existing.ok()) return existing.take_error();
  if (existing->has_value()) return Error::Conflict("A user with this email already exists");
  int64_t now = Now();
  InviteCreated out;
  out.token = NewToken(kInvitePrefix);
  out.link = options_.public_url + "/invite/accept?token=" + out.token;
  out.invite = {NewId("inv"), email, role.id, TokenHash(out.token), "pending", actor.id, now,
                now + options_.invite_ttl_ms, 0, now};
  RT_TRY(repo_.InsertInvite(out.invite));
  Record(actor, "create", "invites", out.invite.id, Detail("roleId", role.id));
  if (mailer_.configured()) {
    Status sent = mailer_.Send(email, "You are invited to " + options_.issuer,
                               "Hello,\n\nYou have been invited to " + options_.issuer + " as " + role.name +
                                   ". To create your account, open this link within 7 days:\n\n" + out.link + "\n");
    out.mail_sent = sent.ok();
    if (!sent.ok()) log::Warn("invite mail not sent", {{"inviteId", out.invite.id}, {"error", sent.error().message}});
  }
  return out;
}

Result<std::vector<store::InviteRow>> IdentityService::ListInvites() {
  auto rows = repo_.ListInvites();
  if (!rows.ok()) return rows.take_error();
  int64_t now = Now();
  for (auto& r : *rows) r = WithDerivedStatus(std::move(r), now);
  return rows;
}

Result<InviteInfo> IdentityService::GetInviteByToken(const std::string& token) {
  if (!HasTokenShape(token, kInvitePrefix)) return Error::NotFound(kInviteGone);
  auto found = repo_.FindInviteByTokenHash(TokenHash(token));
  if (!found.ok()) return found.take_error();
  if (!found->has_value() || WithDerivedStatus(**found, Now()).status != "pending") {
    return Error::NotFound(kInviteGone);
  }
  auto role = GetRole((*found)->role_id);
  if (!role.ok()) return role.take_error();
  return InviteInfo{(*found)->email, std::move(*role)};
}

Result<LoginResult> IdentityService::AcceptInvite(const std::string& token, const std::string& name,
                                                  const std::string& password, const ClientInfo& client) {
  auto info = GetInviteByToken(token);
  if (!info.ok()) return info.take_error();
  RT_TRY(CheckNewUser(name, info->email, password));
  auto user = NewUserRow(name, info->email, password, {info->role.id});
  if (!user.ok()) return user.take_error();
  const store::UserRow& u = *user;
  RT_TRY(repo_.AcceptInvite(TokenHash(token), u));  // single use, even against a concurrent accept
  RecordAs(u.id, "user", client.ip, "accept_invite", "invites", "", Detail("userId", u.id));
  return StartSession(u, client);
}

Status IdentityService::RevokeInvite(const Actor& actor, const std::string& id) {
  auto revoked = repo_.RevokeInvite(id, Now());
  if (!revoked.ok()) return revoked.take_error();
  if (!*revoked) {
    auto found = repo_.GetInvite(id);
    if (!found.ok()) return found.take_error();
    if (!found->has_value()) return Error::NotFound("Invite not found");
    return Error::Conflict("Only a pending invite can be revoked (it is " + (*found)->status + ")");
  }
  Record(actor, "revoke", "invites", id);
  return Ok();
}

Status IdentityService::DeleteInvite(const Actor& actor, const std::string& id) {
  auto deleted = repo_.DeleteInvite(id);
  if (!deleted.ok()) return deleted.take_error();
  if (!*deleted) return Error::NotFound("Invite not found");
  Record(actor, "delete", "invites", id);
  return Ok();
}

Result<std::vector<store::AuditEntry>> IdentityService::ListAudit(const store::AuditQuery& query) {
  return repo_.ListAudit(query);
}

}  // namespace rt::identity
