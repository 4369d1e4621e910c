// JSON views of identity objects, with the field names of spec/13 and spec/14. They never
// include a password hash, a TOTP secret, a recovery-code hash or a token hash: the only
// secrets that ever appear are those a response must hand over once (a new session token, an
// mfa token, an invite token, the MFA setup secret, recovery codes), each in its own function.
//
// Thread safety: pure functions.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "identity/identity_service.h"

namespace rt::identity {

// {"id","name","email","disabled","mfaEnabled","createdAt","updatedAt","lastLoginAt"(null if never),
//  "roles":[{"id","name"}...]}
boost::json::object UserToJson(const UserView& user);
// UserToJson + "permissions": [{"resource","action"}...] (GET /api/auth/me).
boost::json::object MeToJson(const UserView& user);
// {"sessionToken","expiresAt","user"} or {"mfaRequired":true,"mfaToken","expiresAt"}.
boost::json::object LoginResultToJson(const LoginResult& result);
// {"secret","otpauthUrl","qrCode"}
boost::json::object MfaSetupToJson(const MfaSetup& setup);
// {"enabled":true,"recoveryCodes":[...]}
boost::json::object MfaConfirmedToJson(const std::vector<std::string>& recovery_codes);
// {"id","email","roleId","status","invitedBy","createdAt","expiresAt","acceptedAt"}
boost::json::object InviteToJson(const store::InviteRow& invite);
// InviteToJson + "token" and "inviteUrl" (shown once) + "emailSent".
boost::json::object InviteCreatedToJson(const InviteCreated& created);
// {"email","roleId","roleName"} (GET /api/invites/by-token/:token)
boost::json::object InviteInfoToJson(const InviteInfo& info);
// {"id","at","actor","actorKind","action","resource","resourceId","ip","detail":{...}}
boost::json::object AuditEntryToJson(const store::AuditEntry& entry);

}  // namespace rt::identity
