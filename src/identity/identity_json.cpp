#include "identity/identity_json.h"

#include "core/json.h"

namespace rt::identity {
namespace {

boost::json::value MsOrNull(int64_t ms) { return ms ? boost::json::value(ms) : boost::json::value(nullptr); }

}  // namespace

boost::json::object UserToJson(const UserView& v) {
  boost::json::array roles;
  for (const auto& r : v.roles) roles.push_back(boost::json::object{{"id", r.id}, {"name", r.name}});
  const auto& u = v.user;
  return {{"id", u.id},
          {"name", u.name},
          {"email", u.email},
          {"disabled", u.disabled},
          {"mfaEnabled", u.mfa_enabled},
          {"roles", std::move(roles)},
          {"createdAt", u.created_at},
          {"updatedAt", u.updated_at},
          {"lastLoginAt", MsOrNull(u.last_login_at)}};
}

boost::json::object MeToJson(const UserView& v) {
  boost::json::object o = UserToJson(v);
  o["permissions"] = PermissionsToJson(v.permissions);
  return o;
}

boost::json::object LoginResultToJson(const LoginResult& r) {
  if (r.mfa_required) return {{"mfaRequired", true}, {"mfaToken", r.mfa_token}, {"expiresAt", r.expires_at}};
  return {{"sessionToken", r.session_token}, {"expiresAt", r.expires_at}, {"user", UserToJson(r.user)}};
}

boost::json::object MfaSetupToJson(const MfaSetup& s) {
  return {{"secret", s.secret}, {"otpauthUrl", s.otpauth_url}, {"qrCode", s.qr_code}};
}

boost::json::object MfaConfirmedToJson(const std::vector<std::string>& codes) {
  boost::json::array a;
  for (const auto& c : codes) a.emplace_back(c);
  return {{"enabled", true}, {"recoveryCodes", std::move(a)}};
}

boost::json::object InviteToJson(const store::InviteRow& i) {
  return {{"id", i.id},
          {"email", i.email},
          {"roleId", i.role_id},
          {"status", i.status},
          {"invitedBy", i.invited_by},
          {"createdAt", i.created_at},
          {"expiresAt", i.expires_at},
          {"acceptedAt", MsOrNull(i.accepted_at)}};
}

boost::json::object InviteCreatedToJson(const InviteCreated& c) {
  boost::json::object o = InviteToJson(c.invite);
  o["token"] = c.token;
  o["inviteUrl"] = c.link;
  o["emailSent"] = c.mail_sent;
  return o;
}

boost::json::object InviteInfoToJson(const InviteInfo& info) {
  return {{"email", info.email}, {"roleId", info.role.id}, {"roleName", info.role.name}};
}

boost::json::object AuditEntryToJson(const store::AuditEntry& e) {
  auto detail = json::Parse(e.detail);
  return {{"id", e.id},
          {"at", e.at},
          {"actor", e.actor},
          {"actorKind", e.actor_kind},
          {"action", e.action},
          {"resource", e.resource},
          {"resourceId", e.resource_id},
          {"ip", e.ip},
          {"detail", detail.ok() ? std::move(*detail) : boost::json::value(boost::json::object{})}};
}

}  // namespace rt::identity
