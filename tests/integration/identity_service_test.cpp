// IdentityService on SQLite and PostgreSQL: first-time setup (also racing), login with and
// without MFA, replayed codes, recovery codes, sessions (logout, expiry, sliding), throttling,
// and password reset end to end through a local SMTP server.
#include "identity/identity_service.h"

#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "identity/tokens.h"
#include "identity_fixture.h"
#include "smtp_sink.h"

namespace rt::testing {
namespace {

using identity::LoginResult;

class IdentityServiceTest : public IdentityFixture {};

TEST_P(IdentityServiceTest, SetupOnceThenConflict) {
  EXPECT_TRUE(*service_->SetupRequired());
  LoginResult r = SetupAdmin();
  EXPECT_FALSE(r.mfa_required);
  EXPECT_TRUE(identity::HasTokenShape(r.session_token, identity::kSessionPrefix));
  ASSERT_EQ(r.user.roles.size(), 1u);
  EXPECT_EQ(r.user.roles[0].name, "super_admin");
  EXPECT_EQ(r.user.permissions.size(), identity::kResources.size() * identity::kActions.size());
  EXPECT_EQ(r.user.user.last_login_at, kIdentityT0);
  EXPECT_FALSE(*service_->SetupRequired());
  auto again = service_->Setup("Other", "other@example.com", kGoodPassword, client_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(service_->Setup("X", "not-an-email", kGoodPassword, client_).error().code, ErrorCode::kValidation);
}

TEST_P(IdentityServiceTest, SetupPolicyFailureIsValidation) {
  auto r = service_->Setup("Root", "root@example.com", "short", client_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kValidation);
  EXPECT_NE(r.error().message.find("at least 12 characters"), std::string::npos);
  EXPECT_TRUE(*service_->SetupRequired());
}

TEST_P(IdentityServiceTest, RacingSetupsOneWins) {
  std::atomic<int> wins{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto r = service_->Setup("R", "r" + std::to_string(i) + "@example.com", kGoodPassword, client_);
      if (r.ok()) wins++;
      else if (r.error().code == ErrorCode::kConflict) conflicts++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), 3);
  EXPECT_EQ(service_->ListUsers()->size(), 1u);
}

TEST_P(IdentityServiceTest, LoginLogoutAndSessionExpiry) {
  SetupAdmin();
  auto r = service_->Login("ROOT@example.com", kGoodPassword, client_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_FALSE(r->mfa_required);
  auto me = service_->Authenticate(r->session_token);
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->user.user.email, "root@example.com");
  EXPECT_EQ(me->session.ip, "10.0.0.1");

  ASSERT_TRUE(service_->Logout(r->session_token).ok());
  EXPECT_EQ(service_->Authenticate(r->session_token).error().code, ErrorCode::kUnauthorized);
  EXPECT_TRUE(service_->Logout(r->session_token).ok());  // idempotent

  // Sliding expiry: used within the TTL, the session lives on; idle past it, it is gone.
  auto s = service_->Login("root@example.com", kGoodPassword, client_);
  const int64_t ttl = service_->options().session_ttl_ms;
  now_ += ttl - 1000;
  ASSERT_TRUE(service_->Authenticate(s->session_token).ok());
  now_ += ttl - 1000;
  ASSERT_TRUE(service_->Authenticate(s->session_token).ok());
  now_ += ttl;
  EXPECT_EQ(service_->Authenticate(s->session_token).error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(service_->Authenticate("sess_forged").error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(service_->Authenticate(identity::NewToken("sess_")).error().code, ErrorCode::kUnauthorized);
}

TEST_P(IdentityServiceTest, UnknownEmailAndWrongPasswordLookTheSame) {
  SetupAdmin();
  auto unknown = service_->Login("nobody@example.com", kGoodPassword, client_);
  auto wrong = service_->Login("root@example.com", "wrong password!!", client_);
  ASSERT_FALSE(unknown.ok());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(unknown.error().code, wrong.error().code);
  EXPECT_EQ(unknown.error().message, wrong.error().message);
}

TEST_P(IdentityServiceTest, RepeatedFailuresAreThrottled) {
  SetupAdmin();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(service_->Login("root@example.com", "wrong password!!", client_).error().code,
              ErrorCode::kUnauthorized) << i;
  }
  auto locked = service_->Login("root@example.com", kGoodPassword, client_);  // right password, still 429
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, ErrorCode::kTooManyRequests);
  ASSERT_TRUE(locked.error().details);
  EXPECT_EQ(locked.error().details->at("retryAfter").as_int64(), 1);
  now_ += 1000;
  EXPECT_TRUE(service_->Login("root@example.com", kGoodPassword, client_).ok());
  // Unknown accounts are throttled the same way.
  for (int i = 0; i < 5; ++i) (void)service_->Login("ghost@example.com", "wrong password!!", client_);
  EXPECT_EQ(service_->Login("ghost@example.com", "x", client_).error().code, ErrorCode::kTooManyRequests);
}

TEST_P(IdentityServiceTest, LoginWithMfaAndNoReplay) {
  LoginResult admin = SetupAdmin();
  identity::Actor self = ActorOf(admin.user);
  auto setup = service_->SetupMfa(self, admin.user.user.id);
  ASSERT_TRUE(setup.ok()) << setup.error().message;
  EXPECT_EQ(setup->otpauth_url.rfind("otpauth://totp/Realtime:root@example.com?secret=" + setup->secret, 0), 0u);
  EXPECT_EQ(setup->qr_code.rfind("data:image/svg+xml;base64,", 0), 0u);
  auto stored = service_->GetUser(admin.user.user.id);
  EXPECT_EQ(stored->user.totp_secret.rfind("v1:", 0), 0u);  // sealed at rest
  EXPECT_FALSE(stored->user.mfa_enabled);

  EXPECT_EQ(service_->ConfirmMfa(self, admin.user.user.id, "000000").error().code, ErrorCode::kValidation);
  auto codes = service_->ConfirmMfa(self, admin.user.user.id, CodeAt(setup->secret));
  ASSERT_TRUE(codes.ok()) << codes.error().message;
  EXPECT_EQ(codes->size(), 10u);

  auto first = service_->Login("root@example.com", kGoodPassword, client_);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->mfa_required);
  EXPECT_TRUE(first->session_token.empty());
  // The code used to confirm cannot log in (same step).
  EXPECT_EQ(service_->VerifyMfa(first->mfa_token, CodeAt(setup->secret), client_).error().code,
            ErrorCode::kUnauthorized);
  now_ += 30'000;
  std::string code = CodeAt(setup->secret);
  auto session = service_->VerifyMfa(first->mfa_token, code, client_);
  ASSERT_TRUE(session.ok()) << session.error().message;
  EXPECT_TRUE(service_->Authenticate(session->session_token).ok());
  // The mfa token is spent, and the code cannot be replayed with a new one.
  EXPECT_EQ(service_->VerifyMfa(first->mfa_token, code, client_).error().code, ErrorCode::kUnauthorized);
  auto second = service_->Login("root@example.com", kGoodPassword, client_);
  EXPECT_EQ(service_->VerifyMfa(second->mfa_token, code, client_).error().code, ErrorCode::kUnauthorized);
  // A recovery code works once.
  auto rec = service_->VerifyMfa(second->mfa_token, (*codes)[3], client_);
  ASSERT_TRUE(rec.ok()) << rec.error().message;
  auto third = service_->Login("root@example.com", kGoodPassword, client_);
  EXPECT_EQ(service_->VerifyMfa(third->mfa_token, (*codes)[3], client_).error().code, ErrorCode::kUnauthorized);
  // The mfa token expires.
  now_ += service_->options().mfa_token_ttl_ms + 30'000;
  EXPECT_EQ(service_->VerifyMfa(third->mfa_token, CodeAt(setup->secret), client_).error().code,
            ErrorCode::kUnauthorized);
}

TEST_P(IdentityServiceTest, ProductionWithoutMailIsUnavailableForEveryone) {
  identity::IdentityOptions o;
  o.production = true;
  Build(std::make_unique<identity::NullMailer>(), o);
  SetupAdmin();
  EXPECT_EQ(service_->ForgotPassword("root@example.com", client_).error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(service_->ForgotPassword("nobody@example.com", client_).error().code, ErrorCode::kUnavailable);
}

TEST_P(IdentityServiceTest, ForgotPasswordIsThrottledPerEmailKnownOrNot) {
  SetupAdmin();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(service_->ForgotPassword("root@example.com", client_).ok()) << i;
  auto refused = service_->ForgotPassword("ROOT@example.com", client_);  // the same address, any case
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kTooManyRequests);
  ASSERT_TRUE(refused.error().details);
  EXPECT_EQ(refused.error().details->at("retryAfter").as_int64(), 60);
  // An unknown email is counted the same way (a 429 tells nothing about who exists).
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(service_->ForgotPassword("ghost@example.com", client_).ok()) << i;
  EXPECT_EQ(service_->ForgotPassword("ghost@example.com", client_).error().code, ErrorCode::kTooManyRequests);
  now_ += 60'000;
  EXPECT_TRUE(service_->ForgotPassword("root@example.com", client_).ok());
}

TEST_P(IdentityServiceTest, PasswordResetThroughSmtp) {
  SmtpSink sink;
  if (!SmtpSink::Available()) GTEST_SKIP() << "python3-aiosmtpd not installed";
  ASSERT_TRUE(sink.Start());
  auto mailer = identity::MakeMailer(sink.url(), "noreply@example.com");
  ASSERT_TRUE(mailer.ok());
  Build(std::move(*mailer));
  LoginResult admin = SetupAdmin();

  ASSERT_TRUE(service_->ForgotPassword("nobody@example.com", client_).ok());  // same answer, no mail
  EXPECT_TRUE(sink.Messages().empty());
  ASSERT_TRUE(service_->ForgotPassword("Root@Example.com", client_).ok());
  auto messages = sink.Messages();
  ASSERT_EQ(messages.size(), 1u);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(messages[0], m, std::regex("reset-password\\?token=(reset_[A-Za-z0-9_-]{43})")))
      << messages[0];
  std::string token = m[1];

  EXPECT_EQ(service_->ResetPassword(token, "short", client_).error().code, ErrorCode::kValidation);
  ASSERT_TRUE(service_->ResetPassword(token, "a brand new password", client_).ok());
  EXPECT_EQ(service_->Authenticate(admin.session_token).error().code, ErrorCode::kUnauthorized);  // sessions ended
  EXPECT_FALSE(service_->Login("root@example.com", kGoodPassword, client_).ok());
  EXPECT_TRUE(service_->Login("root@example.com", "a brand new password", client_).ok());
  EXPECT_EQ(service_->ResetPassword(token, "another new password", client_).error().code, ErrorCode::kValidation);

  // Links expire after an hour.
  ASSERT_TRUE(service_->ForgotPassword("root@example.com", client_).ok());
  messages = sink.Messages();
  ASSERT_EQ(messages.size(), 2u);
  std::string late;
  for (const auto& msg : messages) {
    if (std::regex_search(msg, m, std::regex("token=(reset_[A-Za-z0-9_-]{43})")) && m[1] != token) late = m[1];
  }
  ASSERT_FALSE(late.empty());
  now_ += service_->options().reset_ttl_ms;
  EXPECT_EQ(service_->ResetPassword(late, "another new password", client_).error().code, ErrorCode::kValidation);
}

INSTANTIATE_TEST_SUITE_P(Backends, IdentityServiceTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace rt::testing
