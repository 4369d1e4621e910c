// IdentityRepository (migration 0009_identity) on SQLite and PostgreSQL: users with
// case-insensitive unique emails, first-user creation under a race, roles, sessions with
// expiry, single-use invites, resets and recovery codes, TOTP step replay, the audit log.
#include "store/identity_repository.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "backends.h"

namespace rt::testing {
namespace {

using store::AuditEntry;
using store::InviteRow;
using store::SessionRow;
using store::UserRow;

constexpr int64_t kT0 = 1'700'000'000'000;

class IdentityRepositoryConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RT_REQUIRE_BACKEND(GetParam());
    ASSERT_TRUE(db_ = OpenMigrated(GetParam()));
    repo_ = std::make_unique<store::IdentityRepository>(*db_);
  }
  static UserRow User(const std::string& id, const std::string& email, std::vector<std::string> roles = {}) {
    UserRow u;
    u.id = id;
    u.name = "User " + id;
    u.email = email;
    u.password_hash = "$2b$04$hash-of-" + id;
    u.created_at = u.updated_at = kT0;
    u.role_ids = std::move(roles);
    return u;
  }
  void Insert(const UserRow& u) {
    Status st = repo_->InsertUser(u);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  UserRow Get(const std::string& id) {
    auto u = repo_->GetUser(id);
    EXPECT_TRUE(u.ok() && u->has_value()) << id;
    return u.ok() && u->has_value() ? **u : UserRow{};
  }
  static SessionRow Session(const std::string& id, const std::string& user, int64_t expires,
                            const std::string& kind = "session") {
    return {id, "hash-" + id, user, kind, kT0, expires, kT0, "10.0.0.1", "test-agent"};
  }

  std::unique_ptr<store::Db> db_;
  std::unique_ptr<store::IdentityRepository> repo_;
};

TEST_P(IdentityRepositoryConformance, UsersRoundTripWithRoles) {
  EXPECT_EQ(*repo_->CountUsers(), 0);
  Insert(User("usr_1", "Jane@Example.com", {"role_admin", "role_x"}));
  UserRow u = Get("usr_1");
  EXPECT_EQ(u.email, "Jane@Example.com");
  EXPECT_EQ(u.password_hash, "$2b$04$hash-of-usr_1");
  EXPECT_FALSE(u.disabled);
  EXPECT_FALSE(u.mfa_enabled);
  EXPECT_EQ(u.totp_last_step, -1);
  EXPECT_EQ(u.last_login_at, 0);
  EXPECT_EQ(u.role_ids, (std::vector<std::string>{"role_admin", "role_x"}));
  EXPECT_EQ(*repo_->CountUsers(), 1);

  auto by_email = repo_->FindUserByEmail("  jane@EXAMPLE.com ");
  ASSERT_TRUE(by_email.ok() && by_email->has_value());
  EXPECT_EQ((*by_email)->id, "usr_1");
  EXPECT_FALSE(repo_->FindUserByEmail("nobody@example.com")->has_value());
  EXPECT_FALSE(repo_->GetUser("usr_nope")->has_value());
}

TEST_P(IdentityRepositoryConformance, EmailIsUniqueCaseInsensitively) {
  Insert(User("usr_1", "jane@example.com"));
  Status st = repo_->InsertUser(User("usr_2", "JANE@example.COM"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
  Insert(User("usr_2", "john@example.com"));
  UserRow john = Get("usr_2");
  john.email = "Jane@Example.com";
  EXPECT_EQ(repo_->UpdateUser(john).error().code, ErrorCode::kConflict);
}

TEST_P(IdentityRepositoryConformance, UpdateAndListUsers) {
  Insert(User("usr_a", "a@example.com", {"role_viewer"}));
  UserRow b = User("usr_b", "b@example.com");
  b.created_at = kT0 + 1;
  Insert(b);
  UserRow a = Get("usr_a");
  a.name = "Renamed";
  a.email = "a2@example.com";
  a.disabled = true;
  a.updated_at = kT0 + 5;
  ASSERT_TRUE(repo_->UpdateUser(a).ok());
  ASSERT_TRUE(repo_->SetPasswordHash("usr_a", "$2b$04$new", kT0 + 6).ok());
  ASSERT_TRUE(repo_->SetLastLogin("usr_a", kT0 + 7).ok());
  UserRow got = Get("usr_a");
  EXPECT_EQ(got.name, "Renamed");
  EXPECT_EQ(got.email, "a2@example.com");
  EXPECT_TRUE(got.disabled);
  EXPECT_EQ(got.password_hash, "$2b$04$new");
  EXPECT_EQ(got.updated_at, kT0 + 6);
  EXPECT_EQ(got.last_login_at, kT0 + 7);

  auto list = repo_->ListUsers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "usr_a");
  EXPECT_EQ((*list)[0].role_ids, std::vector<std::string>{"role_viewer"});
  EXPECT_EQ((*list)[1].id, "usr_b");
  EXPECT_TRUE((*list)[1].role_ids.empty());

  UserRow ghost = User("usr_ghost", "g@example.com");
  EXPECT_EQ(repo_->UpdateUser(ghost).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repo_->SetPasswordHash("usr_ghost", "x", 1).error().code, ErrorCode::kNotFound);
}

TEST_P(IdentityRepositoryConformance, FirstUserOnlyOnce) {
  ASSERT_TRUE(repo_->InsertFirstUser(User("usr_1", "first@example.com", {"role_super_admin"})).ok());
  Status again = repo_->InsertFirstUser(User("usr_2", "second@example.com"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(*repo_->CountUsers(), 1);
}

TEST_P(IdentityRepositoryConformance, RacingFirstUsersExactlyOneWins) {
  constexpr int kThreads = 8;
  std::atomic<int> wins{0}, conflicts{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      Status st = repo_->InsertFirstUser(User("usr_" + std::to_string(i), std::to_string(i) + "@example.com"));
      if (st.ok()) {
        wins++;
      } else if (st.error().code == ErrorCode::kConflict) {
        conflicts++;
      } else {
        other++;
        ADD_FAILURE() << st.error().message;
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), kThreads - 1);
  EXPECT_EQ(*repo_->CountUsers(), 1);
}

TEST_P(IdentityRepositoryConformance, DeleteUserCascades) {
  Insert(User("usr_1", "a@example.com", {"role_admin"}));
  ASSERT_TRUE(repo_->InsertSession(Session("ses_1", "usr_1", kT0 + 1000)).ok());
  ASSERT_TRUE(repo_->ReplaceRecoveryCodes("usr_1", {"h1"}, kT0).ok());
  ASSERT_TRUE(repo_->InsertReset("rh", "usr_1", kT0, kT0 + 1000).ok());
  EXPECT_TRUE(*repo_->DeleteUser("usr_1"));
  EXPECT_FALSE(*repo_->DeleteUser("usr_1"));
  EXPECT_FALSE(repo_->FindSession("hash-ses_1", "session", kT0)->has_value());
  EXPECT_EQ(*repo_->CountUsersWithRole("role_admin"), 0);
  EXPECT_EQ(*repo_->CountUnusedRecoveryCodes("usr_1"), 0);
  // The same email may be used again.
  Insert(User("usr_2", "a@example.com"));
}

TEST_P(IdentityRepositoryConformance, RoleAssignments) {
  Insert(User("usr_1", "a@example.com"));
  Insert(User("usr_2", "b@example.com"));
  ASSERT_TRUE(repo_->AddUserRole("usr_1", "role_super_admin", kT0).ok());
  ASSERT_TRUE(repo_->AddUserRole("usr_1", "role_super_admin", kT0).ok());  // idempotent
  ASSERT_TRUE(repo_->AddUserRole("usr_2", "role_super_admin", kT0).ok());
  EXPECT_EQ(repo_->AddUserRole("usr_ghost", "role_viewer", kT0).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(*repo_->CountUsersWithRole("role_super_admin"), 2);
  UserRow two = Get("usr_2");
  two.disabled = true;
  ASSERT_TRUE(repo_->UpdateUser(two).ok());
  EXPECT_EQ(*repo_->CountUsersWithRole("role_super_admin"), 1);
  EXPECT_EQ(*repo_->CountUsersWithRole("role_super_admin", false), 2);
  EXPECT_TRUE(*repo_->RemoveUserRole("usr_1", "role_super_admin"));
  EXPECT_FALSE(*repo_->RemoveUserRole("usr_1", "role_super_admin"));
  EXPECT_TRUE(Get("usr_1").role_ids.empty());
}

TEST_P(IdentityRepositoryConformance, CustomRolesCrud) {
  store::RoleRow r{"role_abc", "webhook_manager", "Can manage webhooks", {"webhooks:create", "webhooks:read"}, kT0, kT0};
  ASSERT_TRUE(repo_->InsertRole(r).ok());
  store::RoleRow dup = r;
  dup.id = "role_def";
  EXPECT_EQ(repo_->InsertRole(dup).error().code, ErrorCode::kConflict);
  auto got = repo_->GetRole("role_abc");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->permissions, r.permissions);
  EXPECT_EQ((*got)->description, "Can manage webhooks");

  r.permissions = {"webhooks:read"};
  r.updated_at = kT0 + 1;
  ASSERT_TRUE(repo_->UpdateRole(r).ok());
  EXPECT_EQ((*repo_->GetRole("role_abc"))->permissions, std::vector<std::string>{"webhooks:read"});
  ASSERT_EQ(repo_->ListRoles()->size(), 1u);

  Insert(User("usr_1", "a@example.com", {"role_abc", "role_viewer"}));
  EXPECT_TRUE(*repo_->DeleteRole("role_abc"));
  EXPECT_FALSE(*repo_->DeleteRole("role_abc"));
  EXPECT_EQ(Get("usr_1").role_ids, std::vector<std::string>{"role_viewer"});
  store::RoleRow ghost{"role_ghost", "ghost", "", {}, kT0, kT0};
  EXPECT_EQ(repo_->UpdateRole(ghost).error().code, ErrorCode::kNotFound);
}

TEST_P(IdentityRepositoryConformance, SessionsExpireSlideAndDie) {
  Insert(User("usr_1", "a@example.com"));
  ASSERT_TRUE(repo_->InsertSession(Session("ses_1", "usr_1", kT0 + 1000)).ok());
  ASSERT_TRUE(repo_->InsertSession(Session("ses_2", "usr_1", kT0 + 1000)).ok());
  ASSERT_TRUE(repo_->InsertSession(Session("ses_m", "usr_1", kT0 + 1000, "mfa")).ok());
  EXPECT_EQ(repo_->InsertSession(Session("ses_x", "usr_ghost", kT0 + 1000)).error().code, ErrorCode::kNotFound);

  auto s = repo_->FindSession("hash-ses_1", "session", kT0 + 999);
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->user_id, "usr_1");
  EXPECT_EQ((*s)->ip, "10.0.0.1");
  EXPECT_EQ((*s)->user_agent, "test-agent");
  EXPECT_FALSE(repo_->FindSession("hash-ses_1", "session", kT0 + 1000)->has_value());  // expired
  EXPECT_FALSE(repo_->FindSession("hash-ses_m", "session", kT0)->has_value());         // wrong kind
  EXPECT_TRUE(repo_->FindSession("hash-ses_m", "mfa", kT0)->has_value());

  ASSERT_TRUE(repo_->TouchSession("ses_1", kT0 + 900, kT0 + 5000).ok());
  auto slid = repo_->FindSession("hash-ses_1", "session", kT0 + 4000);
  ASSERT_TRUE(slid.ok() && slid->has_value());
  EXPECT_EQ((*slid)->last_seen_at, kT0 + 900);

  EXPECT_TRUE(*repo_->DeleteSession("ses_2"));
  EXPECT_FALSE(*repo_->DeleteSession("ses_2"));
  ASSERT_TRUE(repo_->InsertSession(Session("ses_3", "usr_1", kT0 + 1000)).ok());
  EXPECT_EQ(*repo_->DeleteUserSessions("usr_1", "ses_1"), 2);  // ses_3 and the mfa token
  EXPECT_TRUE(repo_->FindSession("hash-ses_1", "session", kT0)->has_value());
  EXPECT_EQ(*repo_->DeleteUserSessions("usr_1"), 1);

  ASSERT_TRUE(repo_->InsertSession(Session("ses_old", "usr_1", kT0 + 10)).ok());
  ASSERT_TRUE(repo_->InsertSession(Session("ses_new", "usr_1", kT0 + 10'000)).ok());
  ASSERT_TRUE(repo_->InsertReset("r_old", "usr_1", kT0, kT0 + 10).ok());
  EXPECT_EQ(*repo_->PruneExpired(kT0 + 100), 2);
  EXPECT_TRUE(repo_->FindSession("hash-ses_new", "session", kT0 + 100)->has_value());
}

TEST_P(IdentityRepositoryConformance, MfaStepsAndRecoveryCodesAreSingleUse) {
  Insert(User("usr_1", "a@example.com"));
  ASSERT_TRUE(repo_->SetMfa("usr_1", false, "v1:sealed", kT0).ok());  // setup pending
  EXPECT_EQ(Get("usr_1").totp_secret, "v1:sealed");
  EXPECT_FALSE(Get("usr_1").mfa_enabled);
  ASSERT_TRUE(repo_->SetMfa("usr_1", true, "v1:sealed", kT0).ok());
  EXPECT_TRUE(Get("usr_1").mfa_enabled);

  EXPECT_TRUE(*repo_->AdvanceTotpStep("usr_1", 100));
  EXPECT_FALSE(*repo_->AdvanceTotpStep("usr_1", 100));  // replay
  EXPECT_FALSE(*repo_->AdvanceTotpStep("usr_1", 99));   // older
  EXPECT_TRUE(*repo_->AdvanceTotpStep("usr_1", 101));
  EXPECT_EQ(Get("usr_1").totp_last_step, 101);

  ASSERT_TRUE(repo_->ReplaceRecoveryCodes("usr_1", {"h1", "h2", "h3"}, kT0).ok());
  EXPECT_EQ(*repo_->CountUnusedRecoveryCodes("usr_1"), 3);
  EXPECT_TRUE(*repo_->UseRecoveryCode("usr_1", "h2", kT0));
  EXPECT_FALSE(*repo_->UseRecoveryCode("usr_1", "h2", kT0));
  EXPECT_FALSE(*repo_->UseRecoveryCode("usr_1", "nope", kT0));
  EXPECT_EQ(*repo_->CountUnusedRecoveryCodes("usr_1"), 2);

  ASSERT_TRUE(repo_->SetMfa("usr_1", false, "", kT0).ok());  // disable
  UserRow u = Get("usr_1");
  EXPECT_FALSE(u.mfa_enabled);
  EXPECT_EQ(u.totp_secret, "");
  EXPECT_EQ(u.totp_last_step, -1);
  EXPECT_EQ(*repo_->CountUnusedRecoveryCodes("usr_1"), 0);
}

TEST_P(IdentityRepositoryConformance, InvitesAcceptOnceRevokeAndExpire) {
  auto invite = [](const std::string& id, int64_t expires) {
    return InviteRow{id, id + "@example.com", "role_editor", "th-" + id, "pending", "usr_admin", kT0, expires, 0, kT0};
  };
  ASSERT_TRUE(repo_->InsertInvite(invite("inv_a", kT0 + 1000)).ok());
  ASSERT_TRUE(repo_->InsertInvite(invite("inv_b", kT0 + 1000)).ok());
  ASSERT_TRUE(repo_->InsertInvite(invite("inv_c", kT0 + 10)).ok());

  auto found = repo_->FindInviteByTokenHash("th-inv_a");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->email, "inv_a@example.com");
  EXPECT_EQ((*found)->role_id, "role_editor");

  UserRow u = User("usr_new", "inv_a@example.com", {"role_editor"});
  u.created_at = kT0 + 50;
  ASSERT_TRUE(repo_->AcceptInvite("th-inv_a", u).ok());
  EXPECT_EQ(Get("usr_new").role_ids, std::vector<std::string>{"role_editor"});
  auto accepted = repo_->GetInvite("inv_a");
  EXPECT_EQ((*accepted)->status, "accepted");
  EXPECT_EQ((*accepted)->accepted_at, kT0 + 50);
  UserRow again = User("usr_again", "other@example.com");
  again.created_at = kT0 + 60;
  EXPECT_EQ(repo_->AcceptInvite("th-inv_a", again).error().code, ErrorCode::kNotFound);

  // A taken email rolls the acceptance back.
  UserRow clash = User("usr_clash", "INV_A@example.com");
  clash.created_at = kT0 + 60;
  EXPECT_EQ(repo_->AcceptInvite("th-inv_b", clash).error().code, ErrorCode::kConflict);
  EXPECT_EQ((*repo_->GetInvite("inv_b"))->status, "pending");

  EXPECT_TRUE(*repo_->RevokeInvite("inv_b", kT0 + 70));
  EXPECT_FALSE(*repo_->RevokeInvite("inv_b", kT0 + 70));
  UserRow late = User("usr_late", "late@example.com");
  late.created_at = kT0 + 80;
  EXPECT_EQ(repo_->AcceptInvite("th-inv_b", late).error().code, ErrorCode::kNotFound);  // revoked
  EXPECT_EQ(repo_->AcceptInvite("th-inv_c", late).error().code, ErrorCode::kNotFound);  // expired

  auto list = repo_->ListInvites();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_TRUE(*repo_->DeleteInvite("inv_c"));
  EXPECT_FALSE(*repo_->DeleteInvite("inv_c"));
  EXPECT_EQ(repo_->ListInvites()->size(), 2u);
}

TEST_P(IdentityRepositoryConformance, ResetIsSingleUseAndEndsSessions) {
  Insert(User("usr_1", "a@example.com"));
  ASSERT_TRUE(repo_->InsertSession(Session("ses_1", "usr_1", kT0 + 100'000)).ok());
  ASSERT_TRUE(repo_->InsertReset("rh1", "usr_1", kT0, kT0 + 1000).ok());
  ASSERT_TRUE(repo_->InsertReset("rh2", "usr_1", kT0, kT0 + 1000).ok());
  ASSERT_TRUE(repo_->InsertReset("rh_old", "usr_1", kT0, kT0 + 10).ok());
  EXPECT_EQ(repo_->InsertReset("rh_x", "usr_ghost", kT0, kT0 + 10).error().code, ErrorCode::kNotFound);

  EXPECT_EQ(repo_->ConsumeReset("rh_old", "$2b$new", kT0 + 20).error().code, ErrorCode::kNotFound);  // expired
  auto uid = repo_->ConsumeReset("rh1", "$2b$new", kT0 + 20);
  ASSERT_TRUE(uid.ok()) << uid.error().message;
  EXPECT_EQ(*uid, "usr_1");
  EXPECT_EQ(Get("usr_1").password_hash, "$2b$new");
  EXPECT_FALSE(repo_->FindSession("hash-ses_1", "session", kT0 + 20)->has_value());
  EXPECT_EQ(repo_->ConsumeReset("rh1", "$2b$again", kT0 + 30).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repo_->ConsumeReset("rh2", "$2b$again", kT0 + 30).error().code, ErrorCode::kNotFound);  // killed too
  EXPECT_EQ(Get("usr_1").password_hash, "$2b$new");
}

TEST_P(IdentityRepositoryConformance, AuditLogFiltersNewestFirst) {
  auto entry = [](const std::string& id, int64_t at, const std::string& actor, const std::string& resource) {
    return AuditEntry{id, at, actor, "user", "create", resource, "x", "10.0.0.1", R"({"name":"x"})"};
  };
  ASSERT_TRUE(repo_->InsertAudit(entry("aud_1", kT0 + 1, "usr_a", "topics")).ok());
  ASSERT_TRUE(repo_->InsertAudit(entry("aud_2", kT0 + 2, "usr_b", "topics")).ok());
  ASSERT_TRUE(repo_->InsertAudit(entry("aud_3", kT0 + 3, "usr_a", "users")).ok());
  ASSERT_TRUE(repo_->InsertAudit(entry("aud_4", kT0 + 4, "usr_a", "topics")).ok());

  auto ids = [&](const store::AuditQuery& q) {
    std::vector<std::string> out;
    auto r = repo_->ListAudit(q);
    EXPECT_TRUE(r.ok());
    if (r.ok())
      for (const auto& e : *r) out.push_back(e.id);
    return out;
  };
  EXPECT_EQ(ids({}), (std::vector<std::string>{"aud_4", "aud_3", "aud_2", "aud_1"}));
  EXPECT_EQ(ids({"topics", "", 0, 100}), (std::vector<std::string>{"aud_4", "aud_2", "aud_1"}));
  EXPECT_EQ(ids({"topics", "usr_a", 0, 100}), (std::vector<std::string>{"aud_4", "aud_1"}));
  EXPECT_EQ(ids({"", "usr_a", 0, 2}), (std::vector<std::string>{"aud_4", "aud_3"}));
  EXPECT_EQ(ids({"", "", kT0 + 3, 100}), (std::vector<std::string>{"aud_2", "aud_1"}));
  auto all = repo_->ListAudit({});
  EXPECT_EQ((*all)[0].detail, R"({"name":"x"})");
  EXPECT_EQ((*all)[0].ip, "10.0.0.1");
  EXPECT_EQ((*all)[0].actor_kind, "user");
}

INSTANTIATE_TEST_SUITE_P(Backends, IdentityRepositoryConformance,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

}  // namespace
}  // namespace rt::testing
