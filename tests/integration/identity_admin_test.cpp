// IdentityService administration on SQLite and PostgreSQL: users and passwords, role
// assignment without escalation, the last super_admin, custom roles, invites end to end, the
// audit log, and JSON views that never carry a secret.
#include <gtest/gtest.h>

#include "core/json.h"
#include "identity/identity_json.h"
#include "identity_fixture.h"

namespace rt::testing {
namespace {

using identity::Actor;

class IdentityAdminTest : public IdentityFixture {
 protected:
  void SetUp() override {
    IdentityFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    root_login_ = SetupAdmin();
    root_ = ActorOf(root_login_.user, root_login_.user.user.id);
  }
  identity::LoginResult root_login_;
  Actor root_;
};

TEST_P(IdentityAdminTest, UsersCrud) {
  auto created = service_->CreateUser(root_, "Jane", "jane@example.com", kGoodPassword, {"role_editor"});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->roles.at(0).name, "editor");
  EXPECT_EQ(service_->CreateUser(root_, "J2", "JANE@example.com", kGoodPassword, {}).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(service_->CreateUser(root_, "J3", "j3@example.com", "weak", {}).error().code, ErrorCode::kValidation);
  EXPECT_EQ(service_->CreateUser(root_, "J4", "j4@example.com", kGoodPassword, {"role_nope"}).error().code,
            ErrorCode::kValidation);

  identity::UserPatch patch;
  patch.name = "Jane Smith";
  patch.disabled = true;
  auto updated = service_->UpdateUser(root_, created->user.id, patch);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->user.name, "Jane Smith");
  EXPECT_FALSE(service_->Login("jane@example.com", kGoodPassword, client_).ok());  // disabled
  EXPECT_EQ(service_->ListUsers()->size(), 2u);
  ASSERT_TRUE(service_->DeleteUser(root_, created->user.id).ok());
  EXPECT_EQ(service_->GetUser(created->user.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->DeleteUser(root_, created->user.id).error().code, ErrorCode::kNotFound);
}

TEST_P(IdentityAdminTest, ChangePasswordRules) {
  Actor jane = MakeUser(root_, "jane@example.com", "role_viewer");
  auto jane_session = service_->Login("jane@example.com", kGoodPassword, client_);
  jane.session_id = service_->Authenticate(jane_session->session_token)->session.id;
  auto other_session = service_->Login("jane@example.com", kGoodPassword, client_);

  EXPECT_EQ(service_->ChangePassword(jane, jane.id, "wrong current pw", "new password 123").error().code,
            ErrorCode::kUnauthorized);
  ASSERT_TRUE(service_->ChangePassword(jane, jane.id, kGoodPassword, "new password 123").ok());
  EXPECT_TRUE(service_->Authenticate(jane_session->session_token).ok());  // the acting session stays
  EXPECT_FALSE(service_->Authenticate(other_session->session_token).ok());
  // A viewer cannot change another's password; an admin can without the current one.
  EXPECT_EQ(service_->ChangePassword(jane, root_.id, kGoodPassword, "x new password 1").error().code,
            ErrorCode::kForbidden);
  ASSERT_TRUE(service_->ChangePassword(root_, jane.id, "", "admin set password").ok());
  EXPECT_TRUE(service_->Login("jane@example.com", "admin set password", client_).ok());
}

TEST_P(IdentityAdminTest, NoEscalationAndTheLastSuperAdmin) {
  Actor admin = MakeUser(root_, "admin@example.com", "role_admin");
  Actor editor = MakeUser(root_, "editor@example.com", "role_editor");
  EXPECT_EQ(service_->AssignRole(admin, admin.id, "role_super_admin").error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->CreateUser(admin, "X", "x@example.com", kGoodPassword, {"role_super_admin"}).error().code,
            ErrorCode::kForbidden);
  EXPECT_TRUE(service_->AssignRole(admin, editor.id, "role_viewer").ok());
  EXPECT_EQ(service_->RemoveRole(admin, root_.id, "role_super_admin").error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->CreateRole(editor, "key_reader", "", {"keys:read"}).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->CreateInvite(admin, "new@example.com", "role_super_admin").error().code, ErrorCode::kForbidden);

  EXPECT_EQ(service_->DeleteUser(root_, root_.id).error().code, ErrorCode::kConflict);
  EXPECT_EQ(service_->RemoveRole(root_, root_.id, "role_super_admin").error().code, ErrorCode::kConflict);
  identity::UserPatch off;
  off.disabled = true;
  EXPECT_EQ(service_->UpdateUser(root_, root_.id, off).error().code, ErrorCode::kConflict);
  // With a second super_admin the first may go.
  ASSERT_TRUE(service_->AssignRole(root_, admin.id, "role_super_admin").ok());
  auto removed = service_->RemoveRole(root_, root_.id, "role_super_admin");
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_TRUE(removed->roles.empty());
}

TEST_P(IdentityAdminTest, CustomRoles) {
  auto role = service_->CreateRole(root_, "webhook_manager", "Can manage webhook endpoints",
                                   {"webhooks:read", "webhooks:create", "webhooks:update", "webhooks:delete"});
  ASSERT_TRUE(role.ok()) << role.error().message;
  EXPECT_FALSE(role->built_in);
  EXPECT_EQ(service_->ListRoles()->size(), 5u);
  EXPECT_EQ(service_->CreateRole(root_, "webhook_manager", "", {}).error().code, ErrorCode::kConflict);
  EXPECT_EQ(service_->CreateRole(root_, "admin", "", {}).error().code, ErrorCode::kValidation);
  EXPECT_EQ(service_->CreateRole(root_, "bad_perm", "", {"nukes:launch"}).error().code, ErrorCode::kValidation);
  EXPECT_EQ(service_->UpdateRole(root_, "role_admin", {}).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->DeleteRole(root_, "role_viewer").error().code, ErrorCode::kForbidden);

  Actor hooks = MakeUser(root_, "hooks@example.com", role->id);
  EXPECT_TRUE(identity::Allows(hooks.permissions, "webhooks", "delete"));
  EXPECT_FALSE(identity::Allows(hooks.permissions, "topics", "read"));
  identity::RolePatch patch;
  patch.permissions = std::vector<std::string>{"webhooks:read"};
  ASSERT_TRUE(service_->UpdateRole(root_, role->id, patch).ok());
  EXPECT_EQ(service_->GetUser(hooks.id)->permissions, std::vector<std::string>{"webhooks:read"});
  ASSERT_TRUE(service_->DeleteRole(root_, role->id).ok());
  EXPECT_TRUE(service_->GetUser(hooks.id)->roles.empty());
}

TEST_P(IdentityAdminTest, InvitesEndToEnd) {
  auto inv = service_->CreateInvite(root_, "new@example.com", "role_editor");
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  EXPECT_FALSE(inv->mail_sent);  // no mailer configured
  EXPECT_EQ(inv->invite.status, "pending");
  EXPECT_EQ(inv->invite.expires_at, kIdentityT0 + 7LL * 24 * 3600 * 1000);
  EXPECT_EQ(service_->CreateInvite(root_, "root@example.com", "role_viewer").error().code, ErrorCode::kConflict);

  auto info = service_->GetInviteByToken(inv->token);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->email, "new@example.com");
  EXPECT_EQ(info->role.name, "editor");
  EXPECT_EQ(service_->AcceptInvite(inv->token, "New", "weak", client_).error().code, ErrorCode::kValidation);
  auto accepted = service_->AcceptInvite(inv->token, "New User", kGoodPassword, client_);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->user.roles.at(0).name, "editor");
  EXPECT_TRUE(service_->Authenticate(accepted->session_token).ok());
  EXPECT_EQ(service_->AcceptInvite(inv->token, "Again", kGoodPassword, client_).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->GetInviteByToken(inv->token).error().code, ErrorCode::kNotFound);

  auto revoked = service_->CreateInvite(root_, "r@example.com", "role_viewer");
  ASSERT_TRUE(service_->RevokeInvite(root_, revoked->invite.id).ok());
  EXPECT_EQ(service_->RevokeInvite(root_, revoked->invite.id).error().code, ErrorCode::kConflict);
  EXPECT_EQ(service_->AcceptInvite(revoked->token, "R", kGoodPassword, client_).error().code, ErrorCode::kNotFound);

  auto expiring = service_->CreateInvite(root_, "e@example.com", "role_viewer");
  now_ += 7LL * 24 * 3600 * 1000;
  EXPECT_EQ(service_->AcceptInvite(expiring->token, "E", kGoodPassword, client_).error().code, ErrorCode::kNotFound);
  std::map<std::string, std::string> status;
  auto invites = service_->ListInvites();
  ASSERT_TRUE(invites.ok());
  for (const auto& i : *invites) status[i.email] = i.status;
  EXPECT_EQ(status["new@example.com"], "accepted");
  EXPECT_EQ(status["r@example.com"], "revoked");
  EXPECT_EQ(status["e@example.com"], "expired");
  ASSERT_TRUE(service_->DeleteInvite(root_, expiring->invite.id).ok());
  EXPECT_EQ(service_->ListInvites()->size(), 2u);
}

TEST_P(IdentityAdminTest, AuditRecordsWrites) {
  now_ += 1;  // after the setup entry
  Actor jane = MakeUser(root_, "jane@example.com", "role_viewer");
  service_->Record(Actor{"tok-subject", "token", {}, "", "10.1.1.1"}, "create", "topics", "orders");
  auto users = service_->ListAudit({"users", root_.id, 0, 100});
  ASSERT_TRUE(users.ok());
  ASSERT_FALSE(users->empty());
  EXPECT_EQ((*users)[0].action, "create");
  EXPECT_EQ((*users)[0].resource_id, jane.id);
  auto topics = service_->ListAudit({"topics", "", 0, 100});
  ASSERT_EQ(topics->size(), 1u);
  auto j = identity::AuditEntryToJson((*topics)[0]);
  EXPECT_EQ(j.at("actorKind").as_string(), "token");
  EXPECT_EQ(j.at("ip").as_string(), "10.1.1.1");
  EXPECT_TRUE(j.at("detail").is_object());
}

TEST_P(IdentityAdminTest, JsonViewsCarryNoSecrets) {
  auto setup = service_->SetupMfa(root_, root_.id);
  ASSERT_TRUE(setup.ok());
  ASSERT_TRUE(service_->ConfirmMfa(root_, root_.id, CodeAt(setup->secret)).ok());
  auto me = service_->GetUser(root_.id);
  ASSERT_TRUE(me.ok());
  std::string all = json::Serialize(identity::MeToJson(*me)) + json::Serialize(identity::UserToJson(*me)) +
                    json::Serialize(identity::LoginResultToJson(root_login_));
  auto invites = service_->ListInvites();
  ASSERT_TRUE(invites.ok());
  for (const auto& i : *invites) all += json::Serialize(identity::InviteToJson(i));
  auto inv = service_->CreateInvite(root_, "n@example.com", "role_viewer");
  all += json::Serialize(identity::InviteToJson(inv->invite));
  auto audit = service_->ListAudit({});
  ASSERT_TRUE(audit.ok());
  for (const auto& e : *audit) all += json::Serialize(identity::AuditEntryToJson(e));
  EXPECT_EQ(all.find("$2b$"), std::string::npos);
  EXPECT_EQ(all.find(me->user.totp_secret), std::string::npos);
  EXPECT_EQ(all.find(setup->secret), std::string::npos);
  EXPECT_EQ(all.find(inv->token), std::string::npos);
  EXPECT_EQ(all.find(inv->invite.token_hash), std::string::npos);
  EXPECT_EQ(all.find("passwordHash"), std::string::npos);
  auto me_json = identity::MeToJson(*me);
  EXPECT_TRUE(me_json.at("mfaEnabled").as_bool());
  EXPECT_EQ(me_json.at("permissions").as_array().size(), identity::kResources.size() * identity::kActions.size());
  EXPECT_EQ(identity::LoginResultToJson(root_login_).at("sessionToken").as_string(), root_login_.session_token);
}

INSTANTIATE_TEST_SUITE_P(Backends, IdentityAdminTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
